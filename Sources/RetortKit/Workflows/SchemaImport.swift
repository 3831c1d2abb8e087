import Foundation
import Crypto
import RetortModel
import RetortSQL
import RetortReading
import RetortState
import RetortDiff

/// `retort import schema`: a schema written as SQL (pg_dump `--schema-only`, SQLAlchemy's
/// `create_all` DDL, a hand-written schema.sql) read with PostgreSQL's grammar, translated
/// into Retort operations and replayed on the state machine. What Retort has no model
/// element for is kept verbatim, in dump order, and listed.
public struct SchemaImport: Sendable {
    /// A statement kept as written: Retort has no model element for it (a function, a
    /// trigger, a grant), or uses a form the operations do not cover.
    public struct Kept: Sendable {
        public var text: String
        public var location: SourceLocation
        /// What it is, as a reader says it: `CREATE FUNCTION public.touch`.
        public var summary: String
        /// Why it could not be modelled, when it was a DDL statement Retort tried.
        public var reason: String?
    }

    /// The schema the modelled statements build.
    public var state: SchemaState
    public var kept: [Kept]
    /// Session settings of a dump's preamble (`SET …`, `set_config`), which describe how the
    /// dump is to be run, not the schema.
    public var preamble: Int
    /// Version tables left out (`alembic_version`, `retort_version`): they record what a
    /// migration tool applied, and the project's own is declared in `retort.xml`.
    public var versionTables: [String]
    /// SHA-256 of the dump's bytes: the baseline's id is taken from it, so the same dump
    /// always gives the same files.
    public var sha256: String

    /// Reads the file at `path`, shown as `path` in diagnostics.
    public static func read(file path: String) throws -> SchemaImport {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Diagnostic(.unreadable, at: nil, "cannot read \(path)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw Diagnostic(.sqlSyntax, at: SourceLocation(file: path, line: 1, column: 1), "\(path) is not UTF-8 text")
        }
        return try read(text, displayPath: path)
    }

    /// Reads `text`, shown as `displayPath` in diagnostics.
    public static func read(_ text: String, displayPath: String) throws -> SchemaImport {
        let bytes = Array(text.utf8)
        let lines = LineTable(bytes)
        func location(_ offset: Int) -> SourceLocation { lines.location(of: offset, file: displayPath) }
        if let nul = bytes.firstIndex(of: 0) { throw Diagnostic(.sqlSyntax, at: location(nul), "the file contains a NUL byte") }
        let (sql, metaCommands) = blankingMetaCommands(bytes)
        let script: SQLScript
        do { script = try SQLScript.parse(sql) } catch {
            throw Diagnostic(error.id, at: location(error.offset), error.message)
        }
        let ddl = RawDDL(sql, schema: defaultSchema)
        var reader = Reader(ddl: ddl)
        reader.preamble = metaCommands
        for statement in script.statements {
            reader.add(statement, at: location(statement.range.lowerBound))
        }
        reader.foldSerialColumns()
        reader.foldIdentities()
        return try reader.finish(sha256: SHA256.hash(data: bytes).hexString)
    }

    /// A `DO` block that raises `message`: the reverse of raw SQL whose reverse is unknown.
    package static func raising(_ message: String) -> String {
        "DO $retort$ BEGIN RAISE EXCEPTION '%', \(Quoting.literal(message)); END $retort$;"
    }

    /// psql's meta-commands (`\restrict` and `\unrestrict`, which pg_dump writes since the
    /// 2025 security releases; `\connect`) are for psql, not the server: each such line is
    /// blanked, byte for byte, so every position in the dump stays where it was.
    static func blankingMetaCommands(_ bytes: [UInt8]) -> (String, Int) {
        var out = bytes
        var count = 0
        var lineStart = 0
        while lineStart < out.count {
            var end = lineStart
            while end < out.count, out[end] != 0x0A { end += 1 }
            var first = lineStart
            while first < end, out[first] == 0x20 || out[first] == 0x09 { first += 1 }
            if first < end, out[first] == UInt8(ascii: "\\") {
                for i in first..<end where out[i] != 0x0D { out[i] = 0x20 }
                count += 1
            }
            lineStart = end + 1
        }
        return (String(decoding: out, as: UTF8.self), count)
    }

    /// A statement's first line, shortened to 80 characters.
    package static func summary(_ text: String) -> String {
        let line = text.prefix { $0 != "\n" }.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return line.count > 80 ? String(line.prefix(79)) + "…" : line
    }

    /// The statement from its first token: pg_dump's `-- Name: …; Type: …` headers go.
    package static func withoutLeadingComments(_ text: String) -> String {
        var rest = Substring(text)
        while true {
            rest = rest.drop { $0.isWhitespace }
            if rest.hasPrefix("--") {
                rest = rest.drop { $0 != "\n" }
            } else if rest.hasPrefix("/*"), let end = rest.range(of: "*/") {
                rest = rest[end.upperBound...]
            } else {
                return String(rest)
            }
        }
    }

    // MARK: - The files of the project

    /// The model declaration files, by file name: one per schema, objects in a stable order.
    public var modelFiles: [String: String] { ModelWriter.files(for: state) }

    /// The baseline revision: every modelled object created, then the kept statements, in
    /// dump order, as one raw block (without a reverse: the baseline cannot be undone past them).
    public func baselineFile(source: String) throws -> (id: String, text: String) {
        let id = String(sha256.prefix(12))
        var operations = try Autogenerate.operations(from: SchemaState(), to: state)
        if !kept.isEmpty {
            // Kept opaque: an empty reverse says the downgrade has nothing to undo for them,
            // and keeps their DDL (a table with a domain-typed column, say) from being read
            // as operations again. Below the baseline, what the models declare is dropped;
            // what these statements made (functions, domains, ...) is left to the DBA.
            operations.append(.sql(RawSQL(forward: kept.map(\.text).joined(separator: ";\n\n") + ";", reverse: "")))
        }
        let text = RevisionWriter.revisionFile(id: id, parents: [], message: "baseline imported from \(source)", operations: operations)
        return (id, text)
    }

    /// Writes the project into `folder`: `retort.xml` when absent, the model files and, with
    /// `baseline`, `revisions/0001_baseline.xml`. Refuses a folder that already has revisions
    /// or any of these model files unless `force`. Everything is checked before the first
    /// byte is written. Returns the paths written, relative to `folder`.
    public func write(into folder: URL, source: String, baseline: Bool, force: Bool) throws -> [String] {
        var files: [(path: String, text: String)] = []
        if !FileManager.default.fileExists(atPath: folder.appendingPathComponent("retort.xml").path) {
            files.append(("retort.xml", ProjectTemplate.settingsFile(name: ProjectTemplate.projectName(folder))))
        }
        for (name, text) in modelFiles.sorted(by: { $0.key < $1.key }) { files.append((name, text)) }
        if baseline { files.append(("revisions/0001_baseline.xml", try baselineFile(source: source).text)) }
        return try ImportedProject.write(files, into: folder, force: force, agreeing: baseline)
    }
}

// MARK: - Reading the statements

private struct Reader {
    let ddl: RawDDL
    let decoder = DeclarationDecoder(schema: defaultSchema)

    /// One statement: the elements it translates to, or kept as written.
    enum Entry {
        case elements([XMLNode], SQLScript.Statement, SourceLocation)
        case kept(SchemaImport.Kept)
        case folded
    }
    var entries: [Entry] = []
    var preamble = 0
    /// `ALTER SEQUENCE s OWNED BY t.c`: entry index, sequence, table, column.
    var ownerships: [(entry: Int, sequence: QualifiedName, table: QualifiedName, column: String)] = []
    /// `ALTER TABLE t ALTER COLUMN c ADD GENERATED … AS IDENTITY`: entry index, table, column, kind.
    var identities: [(entry: Int, table: QualifiedName, column: String, kind: String)] = []

    /// The version tables of a database that Retort or Alembic managed: bookkeeping, not schema.
    var versionTables: Set<String> = []
    static let versionTableNames: Set<String> = ["retort_version", "alembic_version", "public.retort_version", "public.alembic_version"]

    init(ddl: RawDDL) { self.ddl = ddl }

    func isVersionTable(_ node: XMLNode) -> Bool {
        let target = node.name == "create-table" ? node.attribute("name") : node.attribute("table")
        return target.map(Self.versionTableNames.contains) ?? false
    }

    mutating func add(_ statement: SQLScript.Statement, at location: SourceLocation) {
        let body = statement.body
        switch statement.tag {
        case "VariableSetStmt":
            preamble += 1
            return
        case "SelectStmt" where Self.isSetConfig(body):
            preamble += 1
            return
        case "TransactionStmt":
            // BEGIN/COMMIT around a script: how it is run, not what it creates.
            preamble += 1
            return
        case "CreateStmt" where Self.versionTableNames.contains(ddl.relation(body["relation"]) ?? ""):
            versionTables.insert(ddl.relation(body["relation"]) ?? "")
            return
        case let tag where ["InsertStmt", "UpdateStmt", "DeleteStmt"].contains(tag) && Self.versionTableNames.contains(ddl.relation(body["relation"]) ?? ""):
            // A version table's rows: which revisions the dumped database had.
            return
        case "CreateSeqStmt":
            if let node = sequenceElement(body, at: location) {
                entries.append(.elements([node], statement, location))
                return
            }
        case "CreateExtensionStmt":
            // pg_dump writes every extension as `CREATE EXTENSION IF NOT EXISTS … WITH SCHEMA s`.
            if let node = extensionElement(body, at: location) {
                entries.append(.elements([node], statement, location))
                return
            }
        case "AlterSeqStmt":
            if let owned = ownership(body) {
                ownerships.append((entries.count, owned.0, owned.1, owned.2))
                entries.append(.kept(keep(statement, at: location, reason: nil)))
                return
            }
        case "AlterTableStmt":
            if let identity = identity(body) {
                identities.append((entries.count, identity.0, identity.1, identity.2))
                entries.append(.kept(keep(statement, at: location, reason: nil)))
                return
            }
        default:
            break
        }
        if let elements = ddl.elements(for: statement, at: location) {
            if elements.contains(where: isVersionTable) {
                versionTables.insert(elements.compactMap { $0.name == "create-table" ? $0.attribute("name") : $0.attribute("table") }.first ?? "")
                return
            }
            entries.append(.elements(elements, statement, location))
        } else {
            entries.append(.kept(keep(statement, at: location, reason: nil)))
        }
    }

    func keep(_ statement: SQLScript.Statement, at location: SourceLocation, reason: String?) -> SchemaImport.Kept {
        let text = SchemaImport.withoutLeadingComments(statement.text)
        return SchemaImport.Kept(text: text, location: location, summary: SchemaImport.summary(text), reason: reason)
    }

    /// `CREATE EXTENSION [IF NOT EXISTS] name [WITH SCHEMA s] [VERSION v]`.
    func extensionElement(_ body: SQLNode, at location: SourceLocation) -> XMLNode? {
        guard let name = body["extname"]?.string else { return nil }
        var attributes: [(name: String, value: String)] = [("name", name)]
        for option in body["options"]?.array ?? [] {
            guard let def = option.node("DefElem"), let value = def["arg"]?.stringValue else { return nil }
            switch def["defname"]?.string {
            case "schema": if value != defaultSchema { attributes.append(("schema", value)) }
            case "new_version": attributes.append(("version", value))
            default: return nil
            }
        }
        return XMLNode(name: "create-extension", attributes: attributes, children: [], text: "", location: location)
    }

    static func isSetConfig(_ body: SQLNode) -> Bool {
        guard let targets = body["targetList"]?.array, targets.count == 1, body["fromClause"] == nil,
              let call = targets[0].node("ResTarget")?["val"]?.node("FuncCall"),
              let names = call["funcname"]?.names else { return false }
        return names.last == "set_config" && (names.count == 1 || names.first == "pg_catalog")
    }

    // MARK: Sequences

    func name(_ range: SQLNode?) -> QualifiedName? {
        guard let range, let relname = range["relname"]?.string else { return nil }
        return QualifiedName(schema: range["schemaname"]?.string ?? defaultSchema, name: relname)
    }

    /// `CREATE SEQUENCE` with the options pg_dump writes, as a `<create-sequence>`.
    func sequenceElement(_ body: SQLNode, at location: SourceLocation) -> XMLNode? {
        guard !body["if_not_exists"].bool, body["ownerId"] == nil, let name = name(body["sequence"]),
              body["sequence"]?["relpersistence"]?.string ?? "p" == "p" else { return nil }
        var attributes: [(name: String, value: String)] = [("name", Self.written(name))]
        for option in body["options"]?.array ?? [] {
            guard let def = option.node("DefElem"), let key = def["defname"]?.string else { return nil }
            let arg = def["arg"]
            switch key {
            case "as":
                guard let type = arg?.node("TypeName")?["names"]?.names.last else { return nil }
                let spelled = ["int2": "smallint", "int4": "integer", "int8": "bigint"][type] ?? type
                attributes.append(("type", spelled))
            case "start", "increment", "minvalue", "maxvalue", "cache":
                guard let arg else { continue } // NO MINVALUE / NO MAXVALUE: the default
                guard let value = Self.integer(arg) else { return nil }
                // What PostgreSQL would choose anyway is left out, as a person would write it.
                if value == 1 && (key == "increment" || key == "cache") { continue }
                let attribute = ["start": "start", "increment": "increment", "minvalue": "min-value", "maxvalue": "max-value", "cache": "cache"][key]!
                attributes.append((attribute, String(value)))
            case "cycle":
                if arg.map({ Self.integer($0) != 0 }) ?? true { attributes.append(("cycle", "true")) }
            default:
                return nil
            }
        }
        let descending = attributes.contains { $0.name == "increment" && $0.value.hasPrefix("-") }
        if !descending { attributes.removeAll { $0.name == "start" && $0.value == "1" } }
        return XMLNode(name: "create-sequence", attributes: attributes, children: [], text: "", location: location)
    }

    static func integer(_ node: SQLNode) -> Int64? {
        if let value = node.node("Integer") { return Int64(value["ival"]?.int ?? 0) }
        if let value = node.node("Float")?["fval"]?.string { return Int64(value) }
        if let value = node.node("Boolean") { return value["boolval"].bool ? 1 : 0 }
        return nil
    }

    static func written(_ name: QualifiedName) -> String {
        name.schema == defaultSchema ? name.name : name.schema + "." + name.name
    }

    /// `ALTER SEQUENCE s OWNED BY t.c`, nothing else.
    func ownership(_ body: SQLNode) -> (QualifiedName, QualifiedName, String)? {
        guard let sequence = name(body["sequence"]), let options = body["options"]?.array, options.count == 1,
              let def = options[0].node("DefElem"), def["defname"]?.string == "owned_by",
              let names = def["arg"]?.node("List")?["items"]?.names, (2...3).contains(names.count) else { return nil }
        let table = names.count == 3 ? QualifiedName(schema: names[0], name: names[1]) : QualifiedName(schema: defaultSchema, name: names[0])
        return (sequence, table, names.last!)
    }

    /// `ALTER TABLE [ONLY] t ALTER COLUMN c ADD GENERATED {ALWAYS|BY DEFAULT} AS IDENTITY (…)`.
    func identity(_ body: SQLNode) -> (QualifiedName, String, String)? {
        guard let table = name(body["relation"]), let commands = body["cmds"]?.array, commands.count == 1,
              let command = commands[0].node("AlterTableCmd"), command["subtype"]?.string == "AT_AddIdentity",
              let column = command["name"]?.string, let constraint = command["def"]?.node("Constraint") else { return nil }
        let kind = constraint["generated_when"]?.string == "a" ? "always" : "by-default"
        return (table, column, kind)
    }

    /// pg_dump writes a serial column as an integer column, a sequence, `OWNED BY` and a
    /// `nextval` default. When all four are there with the sequence PostgreSQL itself would
    /// create, the column becomes `serial`/`bigserial`/`smallserial` and the rest goes.
    mutating func foldSerialColumns() {
        for owned in ownerships {
            guard let sequenceAt = entryIndex(of: "create-sequence", named: owned.sequence),
                  case .elements(let sequenceNodes, _, _) = entries[sequenceAt], let sequence = sequenceNodes.first,
                  let (tableAt, columnAt) = column(owned.table, owned.column),
                  case .elements(var tableNodes, let tableStatement, let tableLocation) = entries[tableAt] else { continue }
            var column = tableNodes[0].children[columnAt]
            // The nextval default is on the column (as a CREATE TABLE writes it) or set after it (as pg_dump does).
            let inline = column.attribute("default").map(nextvalSpellings(owned.sequence).contains) ?? false
            let defaultAt = inline ? nil : defaultEntry(owned.table, owned.column, sequence: owned.sequence)
            guard inline || defaultAt != nil else { continue }
            if inline { column.attributes.removeAll { $0.name == "default" } }
            let type = (column.attribute("type") ?? "").lowercased()
            let sequenceType = sequence.attribute("type") ?? "bigint"
            let serial = ["integer": "serial", "bigint": "bigserial", "smallint": "smallserial"][type]
            let plain = sequence.attributes.allSatisfy { attribute in
                switch attribute.name {
                case "name", "type": true
                case "start", "increment", "cache": attribute.value == "1"
                default: false
                }
            }
            let expected = PostgresNaming.choose(owned.table.name, owned.column, "seq") { _ in false }
            guard let serial, sequenceType == type, plain, owned.sequence.name == expected, owned.sequence.schema == owned.table.schema,
                  column.attribute("default") == nil, column.attribute("identity") == nil else { continue }
            column.attributes = column.attributes.filter { $0.name != "nullable" }.map { $0.name == "type" ? ("type", serial) : $0 }
            tableNodes[0].children[columnAt] = column
            entries[tableAt] = .elements(tableNodes, tableStatement, tableLocation)
            entries[sequenceAt] = .folded
            entries[owned.entry] = .folded
            if let defaultAt { entries[defaultAt] = .folded }
        }
    }

    /// pg_dump adds an identity after the table: it goes onto the column.
    mutating func foldIdentities() {
        for identity in identities {
            guard let (tableAt, columnAt) = column(identity.table, identity.column),
                  case .elements(var tableNodes, let statement, let location) = entries[tableAt] else { continue }
            var column = tableNodes[0].children[columnAt]
            guard column.attribute("default") == nil, column.attribute("identity") == nil else { continue }
            column.attributes.append(("identity", identity.kind))
            tableNodes[0].children[columnAt] = column
            entries[tableAt] = .elements(tableNodes, statement, location)
            entries[identity.entry] = .folded
        }
    }

    func qualified(_ written: String?) -> QualifiedName? {
        guard let written else { return nil }
        let parts = written.split(separator: ".", maxSplits: 1).map(String.init)
        return parts.count == 2 ? QualifiedName(schema: parts[0], name: parts[1]) : QualifiedName(schema: defaultSchema, name: written)
    }

    func entryIndex(of element: String, named name: QualifiedName) -> Int? {
        entries.indices.first { i in
            guard case .elements(let nodes, _, _) = entries[i], nodes.count == 1, nodes[0].name == element else { return false }
            return qualified(nodes[0].attribute("name")) == name
        }
    }

    func column(_ table: QualifiedName, _ column: String) -> (Int, Int)? {
        guard let at = entryIndex(of: "create-table", named: table), case .elements(let nodes, _, _) = entries[at],
              let index = nodes[0].children.firstIndex(where: { $0.name == "column" && $0.attribute("name") == column }) else { return nil }
        return (at, index)
    }

    func nextvalSpellings(_ sequence: QualifiedName) -> Set<String> {
        Set([Self.written(sequence), sequence.schema + "." + sequence.name].map { "nextval('\($0)'::regclass)" })
    }

    /// The `ALTER TABLE … ALTER COLUMN c SET DEFAULT nextval('s'::regclass)` of a serial.
    func defaultEntry(_ table: QualifiedName, _ column: String, sequence: QualifiedName) -> Int? {
        let spellings = nextvalSpellings(sequence)
        return entries.indices.first { i in
            guard case .elements(let nodes, _, _) = entries[i], nodes.count == 1, nodes[0].name == "alter-column",
                  qualified(nodes[0].attribute("table")) == table, nodes[0].attribute("column") == column,
                  let value = nodes[0].attribute("default"), nodes[0].attributes.count == 3 else { return false }
            return spellings.contains(value)
        }
    }

    // MARK: Replay

    func finish(sha256: String) throws -> SchemaImport {
        var state = SchemaState()
        var kept: [SchemaImport.Kept] = []
        for entry in entries {
            switch entry {
            case .folded: continue
            case .kept(let statement): kept.append(statement)
            case .elements(let nodes, let statement, let location):
                // A statement is modelled whole or kept whole.
                var trial = state
                do {
                    for node in nodes {
                        for step in try decoder.operation(node) { _ = try trial.apply(step.operation, at: location) }
                    }
                    state = trial
                } catch let error as Diagnostic {
                    kept.append(keep(statement, at: location, reason: error.message))
                }
            }
        }
        return SchemaImport(state: state, kept: kept, preamble: preamble,
                            versionTables: versionTables.sorted(), sha256: sha256)
    }
}
