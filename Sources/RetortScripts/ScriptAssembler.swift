import RetortSQL
import RetortModel
import RetortGraph
import RetortState
import RetortCompiler
import RetortRendering
/// One revision's part of a script: comment lines, then its statements, each serialized
/// once, however many scripts the block goes into.
public struct ScriptBlock: Sendable {
    public struct Line: Sendable {
        public var text: String
        public var transactional: Bool
    }

    public var header: [String]
    public var statements: [Line]

    package init(header: [String], statements: [Statement]) {
        self.header = header
        self.statements = statements.map { statement in
            var text = ""
            SQLSerializer.write(statement, into: &text)
            return Line(text: text, transactional: statement.transactional)
        }
    }
}

/// Lays statements out as a psql script: transaction boundaries per the project's mode,
/// statements PostgreSQL refuses in a transaction block placed outside one, the version
/// table's guard and bookkeeping around each revision.
public struct ScriptAssembler: Sendable {
    public var compilation: Compilation
    package var settings: ProjectSettings { compilation.project.settings }
    package var graph: RevisionGraph { compilation.graph }

    /// The project folder as the scripts' header names it, worked out once.
    package let source: String

    public init(_ compilation: Compilation) {
        self.compilation = compilation
        source = commentSafe(compilation.project.displayPath(compilation.project.directory))
    }

    // MARK: - Whole scripts

    /// Upgrade through `revisions` (replay order) starting with the heads `start`.
    public func upgradeScript(_ revisions: [Int], from start: [Int], title: String, mode: TransactionMode? = nil, createVersionTable: Bool? = nil) -> String {
        let steps = VersionPlanner.upgrade(graph, revisions, from: start)
        let blocks = inParallel(revisions.count) { i in upgradeBlock(revisions[i], steps[i]) }
        return upgradeScript(blocks, from: start, title: title, mode: mode, createVersionTable: createVersionTable)
    }

    /// The same, from blocks already rendered (the artifacts reuse each revision's block).
    package func upgradeScript(_ blocks: [ScriptBlock], from start: [Int], title: String, mode: TransactionMode? = nil, createVersionTable: Bool? = nil) -> String {
        let createTable = createVersionTable ?? start.isEmpty
        return assemble(title: title, preamble: createTable ? [versionTableDDL()] : [], blocks: blocks, mode: mode ?? settings.transaction)
    }

    /// Downgrade through `revisions` (reverse replay order) starting with the heads `start`.
    public func downgradeScript(_ revisions: [Int], from start: [Int], title: String, mode: TransactionMode? = nil) -> String {
        let steps = VersionPlanner.downgrade(graph, revisions, from: start)
        return downgradeScript(inParallel(revisions.count) { i in downgradeBlock(revisions[i], steps[i]) }, title: title, mode: mode)
    }

    package func downgradeScript(_ blocks: [ScriptBlock], title: String, mode: TransactionMode? = nil) -> String {
        assemble(title: title, preamble: [], blocks: blocks, mode: mode ?? settings.transaction)
    }

    /// The head state as one CREATE script, stamped with the heads.
    public func schemaScript(title: String) -> String {
        var statements = StateRenderer.statements(for: compilation.headState)
        statements.append(versionTableDDL())
        for head in graph.heads {
            statements.append(versionStatement(.insert(graph.revisions[head].id)))
        }
        let block = ScriptBlock(header: ["-- Schema at head: \(graph.heads.map { graph.revisions[$0].id }.joined(separator: " "))"], statements: statements)
        return assemble(title: title, preamble: [], blocks: [block], mode: settings.transaction == .none ? .none : .single)
    }

    // MARK: - Blocks

    package func upgradeBlock(_ index: Int, _ step: VersionStep) -> ScriptBlock {
        let compiled = compilation.revisions[index]
        let revision = compiled.revision
        let parents = revision.parents.isEmpty ? "(none)" : revision.parents.joined(separator: " ")
        var header = ["-- Revision \(revision.id): \(commentSafe(revision.message))",
                      "-- \(revision.parents.count > 1 ? "Parents" : "Parent"): \(parents)   Source: \(commentSafe(revision.location.file))"]
        if !revision.dependsOn.isEmpty { header.append("-- Depends on: \(revision.dependsOn.joined(separator: " "))") }
        var statements: [Statement] = []
        if settings.guardEnabled { statements.append(guardStatement(revision.id, expected: step.expected, upgrade: true)) }
        statements += compiled.upgrade.flatMap(PostgresRenderer.render)
        statements += step.changes.map(versionStatement)
        return ScriptBlock(header: header, statements: statements)
    }

    package func downgradeBlock(_ index: Int, _ step: VersionStep) -> ScriptBlock {
        let compiled = compilation.revisions[index]
        let revision = compiled.revision
        let target = revision.parents.isEmpty ? "base" : revision.parents.joined(separator: " ")
        let header = ["-- Downgrade revision \(revision.id): \(commentSafe(revision.message))",
                      "-- Back to: \(target)   Source: \(commentSafe(revision.location.file))"]
        var statements: [Statement] = []
        if settings.guardEnabled { statements.append(guardStatement(revision.id, expected: step.expected, upgrade: false)) }
        if let at = compiled.irreversibleAt {
            statements.append(PostgresRenderer.raise("retort: revision \(revision.id) cannot be downgraded: the raw SQL at \(at) has no <reverse>"))
            return ScriptBlock(header: header, statements: statements)
        }
        statements += compiled.downgrade.flatMap(PostgresRenderer.render)
        statements += step.changes.map(versionStatement)
        return ScriptBlock(header: header, statements: statements)
    }

    /// Stops the script before any change unless the version table holds exactly `expected`.
    package func guardStatement(_ id: String, expected: [String], upgrade: Bool) -> Statement {
        let want = expected.joined(separator: " ")
        let action = upgrade ? "upgrade to" : "downgrade of"
        return Statement(.check, ["DO", .block([
            BlockLine(0, ["DECLARE"]),
            BlockLine(1, [.identifier("found"), .type(.text), .glue(";")]),
            BlockLine(0, ["BEGIN"]),
            BlockLine(1, ["SELECT", .expression(#"coalesce(string_agg(version_num, ' ' ORDER BY version_num COLLATE "C"), '')"#),
                          "INTO", .identifier("found"), "FROM", .name(settings.versionTable), .glue(";")]),
            BlockLine(1, ["IF", .identifier("found"), .op("<>"), .literal(want), "THEN"]),
            BlockLine(2, ["RAISE EXCEPTION", .list([[.literal("retort: % expects version [%] but the database is at [%]")],
                                                    [.literal("\(action) \(id)")], [.literal(want)], [.identifier("found")]]), .glue(";")]),
            BlockLine(1, ["END IF", .glue(";")]),
            BlockLine(0, ["END"]),
        ])])
    }

    package func versionStatement(_ change: VersionChange) -> Statement {
        let table = settings.versionTable
        let body: [SQLPiece] = switch change {
        case .insert(let id): ["INSERT INTO", .name(table), PostgresRenderer.columns(["version_num"]), "VALUES", .group([.literal(id)])]
        case .update(let from, let to): ["UPDATE", .name(table), "SET", .identifier("version_num"), .op("="), .literal(to),
                                         "WHERE", .identifier("version_num"), .op("="), .literal(from)]
        case .delete(let id): ["DELETE FROM", .name(table), "WHERE", .identifier("version_num"), .op("="), .literal(id)]
        }
        return Statement(.versionRows(table), body)
    }

    package func versionTableDDL() -> Statement {
        let table = settings.versionTable
        let key = PostgresNaming.clip(Array(table.name.utf8), to: 59) + "_pkc"
        return Statement(.createTable(table), ["CREATE TABLE IF NOT EXISTS", .name(table), .lines([
            [.identifier("version_num"), .type(SQLType(base: "character varying", modifiers: [32])), "NOT NULL"],
            ["CONSTRAINT", .identifier(key), "PRIMARY KEY", PostgresRenderer.columns(["version_num"])],
        ])])
    }

    // MARK: - Layout

    package func assemble(title: String, preamble: [Statement], blocks: [ScriptBlock], mode: TransactionMode) -> String {
        var out = ""
        out.reserveCapacity(blocks.reduce(256) { total, block in
            block.statements.reduce(total + 64 * block.header.count) { $0 + $1.text.utf8.count + 16 }
        })
        out += "-- "
        out += commentSafe(title)
        out += "\n-- Generated by Retort from "
        out += source
        out += "; do not edit. Run with psql.\n\\set ON_ERROR_STOP on\n"
        if let timeout = settings.lockTimeout { out += "SET lock_timeout = \(Quoting.literal(timeout));\n" }
        var open = false
        func emit(_ line: ScriptBlock.Line) {
            if mode != .none {
                if line.transactional && !open { out += "BEGIN;\n"; open = true }
                if !line.transactional && open { out += "COMMIT;\n"; open = false }
            }
            out += line.text
            out += "\n"
        }
        if !preamble.isEmpty {
            out += "\n"
            for line in ScriptBlock(header: [], statements: preamble).statements { emit(line) }
            if mode == .perRevision, open { out += "COMMIT;\n"; open = false }
        }
        for block in blocks {
            out += "\n"
            for line in block.header { out += line; out += "\n" }
            for line in block.statements { emit(line) }
            if mode == .perRevision, open { out += "COMMIT;\n"; open = false }
        }
        if open { out += "COMMIT;\n" }
        return out
    }
}
