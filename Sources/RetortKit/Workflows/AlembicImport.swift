import Foundation
import RetortModel
import RetortSQL
import RetortReading
import RetortState
import RetortDiff

/// `retort import alembic`: a whole Alembic history, read from the SQL Alembic prints
/// offline (`alembic upgrade base:heads --sql`, optionally `downgrade heads:base --sql`),
/// never by running Python. Revisions are split at Alembic's `-- Running upgrade A -> B`
/// markers and keep Alembic's ids and parents; Alembic's own bookkeeping is dropped, and
/// the project keeps `alembic_version` as its version table, so a database Alembic stamped
/// stays valid.
public struct AlembicImport: Sendable {
    public struct Revision: Sendable {
        public var id: String
        public var parents: [String]
        public var message: String
        public var branchLabels: [String] = []
        public var dependsOn: [String] = []
        /// Where its `-- Running upgrade` marker is.
        public var marker: SourceLocation
        public var operations: [RetortModel.Operation]
    }

    public var revisions: [Revision]
    /// Statements kept as raw `<sql>` because Retort has no operation for them (data
    /// changes, functions, …), with the revision they are in.
    public var kept: [(revision: String, statement: SchemaImport.Kept)]
    /// The schema the whole history builds: what the model files declare.
    public var state: SchemaState
    /// Revisions whose docstring header was found in the versions folder.
    public var described: Int

    public static func read(upgrade path: String, downgrade downgradePath: String?, versions: String?) throws -> AlembicImport {
        let upgrade = try Script(path: path, direction: "upgrade")
        let downgrade = try downgradePath.map { try Script(path: $0, direction: "downgrade") }
        let headers = try versions.map(VersionScripts.read) ?? [:]

        var seen: Set<String> = []
        var revisions: [Revision] = []
        var kept: [(revision: String, statement: SchemaImport.Kept)] = []
        var state = SchemaState()
        let decoder = DeclarationDecoder(schema: defaultSchema)
        for section in upgrade.sections {
            guard NewRevision.isValidID(section.target) else {
                throw Diagnostic(.alembicMarker, at: section.marker, "'\(section.target)' is not a revision id Retort can keep ([A-Za-z0-9_]{1,32})")
            }
            if seen.contains(section.target) {
                throw Diagnostic(.alembicMarker, at: section.marker, "revision \(section.target) runs twice in \(path)")
            }
            for parent in section.sources where !seen.contains(parent) {
                throw Diagnostic(.alembicMarker, at: section.marker,
                                 "revision \(section.target) names parent \(parent), which no earlier marker in \(path) created")
            }
            seen.insert(section.target)

            // Typed where Retort has the operation and it applies; raw SQL otherwise.
            var operations: [RetortModel.Operation] = []
            var raw: [SQLScript.Statement] = []
            var rawChunks: [Int] = []
            func flush() {
                guard !raw.isEmpty else { return }
                rawChunks.append(operations.count)
                operations.append(.sql(RawSQL(forward: raw.map { SchemaImport.withoutLeadingComments($0.text) }.joined(separator: ";\n") + ";", reverse: nil)))
                raw = []
            }
            for (statement, location) in section.statements {
                var translated: [RetortModel.Operation]?
                if let elements = upgrade.ddl.elements(for: statement, at: location) {
                    var trial = state
                    do {
                        var applied: [RetortModel.Operation] = []
                        for element in elements {
                            for step in try decoder.operation(element) {
                                _ = try trial.apply(step.operation, at: location)
                                applied.append(step.operation)
                            }
                        }
                        translated = applied
                        state = trial
                    } catch {}
                }
                if let translated {
                    flush()
                    operations += translated
                } else {
                    raw.append(statement)
                    kept.append((section.target, SchemaImport.Kept(text: SchemaImport.withoutLeadingComments(statement.text), location: location,
                                                                    summary: SchemaImport.summary(SchemaImport.withoutLeadingComments(statement.text)), reason: nil)))
                }
            }
            flush()
            // The raw parts' reverse: what the matching downgrade section does that Retort
            // does not derive itself (its data statements), on the last raw part, run first.
            if downgrade == nil {
                // Without Alembic's downgrade the reverse is unknown: downgrading through this
                // revision stops there, before it changes anything.
                for at in rawChunks {
                    guard case .sql(var sql) = operations[at] else { continue }
                    sql.reverse = SchemaImport.raising("retort: revision \(section.target) was imported without --downgrade; the reverse of its raw SQL is unknown")
                    operations[at] = .sql(sql)
                }
            }
            if let downgrade, !rawChunks.isEmpty {
                let reverse = downgrade.sections.first { $0.target == section.target }.map { down in
                    down.statements.filter { downgrade.ddl.elements(for: $0.0, at: $0.1) == nil }.map { SchemaImport.withoutLeadingComments($0.0.text) }
                } ?? []
                for (n, at) in rawChunks.enumerated() {
                    guard case .sql(var sql) = operations[at] else { continue }
                    sql.reverse = n == rawChunks.count - 1 && !reverse.isEmpty ? reverse.joined(separator: ";\n") + ";" : ""
                    operations[at] = .sql(sql)
                }
            }
            let header = headers[section.target]
            revisions.append(Revision(id: section.target, parents: section.sources, message: header?.message ?? "",
                                      branchLabels: header?.branchLabels ?? [], dependsOn: header?.dependsOn ?? [],
                                      marker: section.marker, operations: operations))
        }
        if revisions.isEmpty {
            throw Diagnostic(.alembicMarker, at: SourceLocation(file: path, line: 1, column: 1),
                             "no '-- Running upgrade A -> B' marker: is this the output of `alembic upgrade base:heads --sql`?")
        }
        return AlembicImport(revisions: revisions, kept: kept, state: state, described: revisions.filter { headers[$0.id] != nil }.count)
    }

    /// Writes `retort.xml` (version table `alembic_version`), one revision file per Alembic
    /// revision, in the order Alembic ran them, and the model files of the head schema.
    /// Everything is prepared before the first byte is written.
    public func write(into folder: URL, force: Bool) throws -> [String] {
        var files: [(path: String, text: String)] = []
        files.append(("retort.xml", ProjectTemplate.settingsFile(name: ProjectTemplate.projectName(folder), versionTable: "alembic_version")))
        for (name, text) in ModelWriter.files(for: state).sorted(by: { $0.key < $1.key }) { files.append((name, text)) }
        let width = max(4, String(revisions.count).count)
        for (n, revision) in revisions.enumerated() {
            let number = String(n + 1)
            let slug = NewRevision.slug(revision.message.isEmpty ? revision.id : revision.message)
            let stem = String(repeating: "0", count: width - number.count) + number + "_" + (slug.isEmpty ? "revision" : slug)
            files.append(("revisions/\(stem).xml", RevisionWriter.revisionFile(
                id: revision.id, parents: revision.parents, message: revision.message, branchLabels: revision.branchLabels,
                dependsOn: revision.dependsOn, operations: revision.operations)))
        }
        return try ImportedProject.write(files, into: folder, force: force, agreeing: true)
    }
}

// MARK: - Alembic's offline SQL

/// One of Alembic's `--sql` outputs, cut at its `-- Running upgrade|downgrade A -> B` markers.
private struct Script {
    struct Section {
        /// For an upgrade, the revision it creates; for a downgrade, the one it undoes.
        var target: String
        /// For an upgrade, the parents (none for a root; several for a merge).
        var sources: [String]
        var marker: SourceLocation
        var statements: [(SQLScript.Statement, SourceLocation)]
    }
    let ddl: RawDDL
    var sections: [Section] = []

    init(path: String, direction: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw Diagnostic(.unreadable, at: nil, "cannot read \(path)") }
        guard let text = String(data: data, encoding: .utf8) else {
            throw Diagnostic(.sqlSyntax, at: SourceLocation(file: path, line: 1, column: 1), "\(path) is not UTF-8 text")
        }
        let bytes = Array(text.utf8)
        let lines = LineTable(bytes)
        let (sql, _) = SchemaImport.blankingMetaCommands(bytes)
        let script: SQLScript
        do { script = try SQLScript.parse(sql) } catch {
            throw Diagnostic(error.id, at: lines.location(of: error.offset, file: path), error.message)
        }
        ddl = RawDDL(sql, schema: defaultSchema)

        // The markers, in file order, with the byte offset of each.
        let prefix = "-- Running \(direction) "
        var markers: [(offset: Int, section: Section)] = []
        var offset = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            defer { offset += line.utf8.count + 1 }
            let trimmed = line.hasSuffix("\r") ? line.dropLast() : line
            guard trimmed.hasPrefix(prefix) else { continue }
            let location = lines.location(of: offset, file: path)
            let rest = trimmed.dropFirst(prefix.count)
            guard let arrow = rest.range(of: " -> ") ?? (rest.hasPrefix("-> ") ? rest.range(of: "-> ") : nil) else {
                throw Diagnostic(.alembicMarker, at: location, "a '\(prefix)' marker without ' -> ': \(trimmed)")
            }
            let left = rest[..<arrow.lowerBound].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let right = rest[arrow.upperBound...].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let (target, sources): (String?, [String]) = direction == "upgrade" ? (right.count == 1 ? right[0] : nil, left) : (left.count == 1 ? left[0] : nil, right)
            guard let target else {
                throw Diagnostic(.alembicMarker, at: location, "a marker must name one revision \(direction == "upgrade" ? "after" : "before") '->': \(trimmed)")
            }
            markers.append((offset, Section(target: target, sources: sources, marker: location, statements: [])))
        }

        // Each statement to the last marker before it; Alembic's bookkeeping and the
        // transaction lines around each revision go.
        var next = 0
        for statement in script.statements {
            let at = statement.range.lowerBound
            while next < markers.count, markers[next].offset < at { next += 1 }
            guard next > 0, !Self.isBookkeeping(statement, ddl) else { continue }
            markers[next - 1].section.statements.append((statement, lines.location(of: at, file: path)))
        }
        sections = markers.map(\.section)
    }

    static func isBookkeeping(_ statement: SQLScript.Statement, _ ddl: RawDDL) -> Bool {
        switch statement.tag {
        case "TransactionStmt", "VariableSetStmt": return true
        case "CreateStmt", "InsertStmt", "UpdateStmt", "DeleteStmt", "DropStmt":
            let relation = ddl.relation(statement.body["relation"])
                ?? statement.body["objects"]?.array.first.flatMap { ddl.qualified($0.node("List")?["items"]?.names) }
            return relation == "alembic_version"
        default: return false
        }
    }
}

// MARK: - The versions folder, read as text

/// The header of each Alembic script: its docstring's first line (the message), and
/// `revision`, `branch_labels` and `depends_on` as literals. The files are never run.
enum VersionScripts {
    struct Header { var message: String; var branchLabels: [String]; var dependsOn: [String] }

    static func read(_ folder: String) throws -> [String: Header] {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: folder) else {
            throw Diagnostic(.unreadable, at: nil, "cannot read the versions folder \(folder)")
        }
        var headers: [String: Header] = [:]
        for name in names.sorted() where name.hasSuffix(".py") {
            guard let data = fm.contents(atPath: folder + "/" + name), let text = String(data: data, encoding: .utf8),
                  let id = assignment("revision", in: text).flatMap(strings)?.first else { continue }
            headers[id] = Header(message: docstring(text) ?? "",
                                 branchLabels: assignment("branch_labels", in: text).flatMap(strings) ?? [],
                                 dependsOn: assignment("depends_on", in: text).flatMap(strings) ?? [])
        }
        return headers
    }

    /// The first line of the module docstring.
    static func docstring(_ text: String) -> String? {
        let body = text.drop { $0.isWhitespace }
        for quote in ["\"\"\"", "'''"] where body.hasPrefix(quote) {
            let inside = body.dropFirst(quote.count)
            let first = inside.prefix { $0 != "\n" }
            let line = first.range(of: quote).map { first[..<$0.lowerBound] } ?? first
            return line.trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    /// The right-hand side of `name = …` or `name: type = …` at the start of a line.
    static func assignment(_ name: String, in text: String) -> Substring? {
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            var rest = line.dropFirst(name.count)
            guard let first = rest.first, first == " " || first == "=" || first == ":" else { continue }
            rest = rest.drop { $0 == " " }
            if rest.hasPrefix(":") { rest = rest.drop { $0 != "=" } }
            guard rest.hasPrefix("=") else { continue }
            return rest.dropFirst().drop { $0 == " " }
        }
        return nil
    }

    /// `'a'`, `("a", "b")`, `['a']` or `None` as the strings they hold.
    static func strings(_ literal: Substring) -> [String]? {
        if literal.hasPrefix("None") { return [] }
        var result: [String] = []
        var current: String?
        var quote: Character?
        for character in literal {
            if let q = quote {
                if character == q { result.append(current ?? ""); current = nil; quote = nil } else { current = (current ?? "") + String(character) }
            } else if character == "'" || character == "\"" {
                quote = character
                current = ""
            } else if character == "#" {
                break
            }
        }
        return result
    }
}
