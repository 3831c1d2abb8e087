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
        /// A psql meta-command (`\if`, `\endif`): neither a statement nor a transaction boundary.
        public var meta = false
        /// How a run after a failure tells that the statement already took effect.
        package var rerun = Rerun.repeats

        package init(text: String, transactional: Bool, meta: Bool = false, rerun: Rerun = .repeats) {
            self.text = text
            self.transactional = transactional
            self.meta = meta
            self.rerun = rerun
        }
    }

    /// What running a statement a second time does.
    package enum Rerun: Sendable, Equatable {
        /// It fails or does its work twice: a re-run must skip it once it has taken effect.
        case repeats
        /// It is written to do nothing the second time (`IF NOT EXISTS`, `IF EXISTS`).
        case harmless
        /// `CREATE INDEX CONCURRENTLY` of this index: a re-run skips it when the index is
        /// there and valid, and drops an INVALID one (a failed build) first.
        case buildsIndex(QualifiedName)
    }

    public var header: [String]
    public var statements: [Line]
    /// The revision's own statements within `statements`: without its guard before them
    /// and its version rows after them (which the whole-history scripts write their way).
    package var body: Range<Int>
    /// The revision the block moves, and which way: its progress through statements that
    /// commit on their own is recorded under this key. Nil for the schema script.
    package var revision: (id: String, upgrade: Bool)?

    package init(header: [String], statements: [Statement], guarded: Bool = false, versionRows: Int = 0, revision: (id: String, upgrade: Bool)? = nil) {
        self.header = header
        self.statements = statements.map { statement in
            var text = ""
            SQLSerializer.write(statement, into: &text)
            return Line(text: text, transactional: statement.transactional, rerun: Self.rerun(statement))
        }
        body = (guarded ? 1 : 0)..<(statements.count - versionRows)
        self.revision = revision
    }

    private static func rerun(_ statement: Statement) -> Rerun {
        guard !statement.transactional else { return .repeats }
        switch statement.kind {
        case .createIndex(let table, let index): return .buildsIndex(table.renamed(index))
        case .dropIndex, .alterType: return .harmless
        default: return .repeats
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
        return ScriptBlock(header: header, statements: statements, guarded: settings.guardEnabled, versionRows: step.changes.count,
                           revision: (revision.id, true))
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
            return ScriptBlock(header: header, statements: statements, guarded: settings.guardEnabled)
        }
        statements += compiled.downgrade.flatMap(PostgresRenderer.render)
        statements += step.changes.map(versionStatement)
        return ScriptBlock(header: header, statements: statements, guarded: settings.guardEnabled, versionRows: step.changes.count,
                           revision: (revision.id, false))
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

    // MARK: - Whole-history scripts, for a database at any revision

    /// `out/upgrade.sql`: first the revisions this database has (the ancestors of what its
    /// version table holds; an unknown version stops the script before any change), then
    /// each revision in graph order, applied only if the database lacks it, its version rows
    /// kept as Alembic keeps them. At head it changes nothing. `blocks[i]` is revision `order[i]`'s.
    package func universalUpgradeScript(_ blocks: [ScriptBlock], order: [Int], title: String, mode: TransactionMode? = nil) -> String {
        universal(title: title, blocks: blocks, order: order, upgrade: true, mode: mode ?? settings.transaction)
    }

    /// `out/downgrade.sql`: each revision the database has, in reverse graph order, down to base.
    package func universalDowngradeScript(_ blocks: [ScriptBlock], order: [Int], title: String, mode: TransactionMode? = nil) -> String {
        universal(title: title, blocks: blocks, order: order, upgrade: false, mode: mode ?? settings.transaction)
    }

    private static let history = QualifiedName(schema: "pg_temp", name: "retort_history")
    private static let edges = QualifiedName(schema: "pg_temp", name: "retort_edges")
    private static let applied = QualifiedName(schema: "pg_temp", name: "retort_applied")

    /// The session's picture of the history: every revision with the revisions it comes
    /// after (parents and depends-on), and which of them this database has.
    package func historyStatements() -> [Statement] {
        let table = settings.versionTable
        var statements: [Statement] = [
            Statement(.createTable(Self.history), ["CREATE TEMPORARY TABLE", .identifier("retort_history"), .lines([
                [.identifier("id"), .type(.text), "PRIMARY KEY"], [.identifier("parents"), .type(SQLType(base: "text", arrayDepth: 1)), "NOT NULL"]])]),
        ]
        let rows: [[SQLPiece]] = graph.order.map { index in
            let parents = graph.downRevisions[index].map { graph.revisions[$0].id }
            return [.group([.list([[.literal(graph.revisions[index].id)], [.literal("{" + parents.joined(separator: ",") + "}")]])])]
        }
        // A few thousand rows per statement keeps each one small enough to read in a log.
        var start = 0
        while start < rows.count {
            let chunk = Array(rows[start..<min(rows.count, start + 1000)])
            statements.append(Statement(.versionRows(Self.history), ["INSERT INTO", .name(Self.history), "VALUES", .list(chunk)]))
            start += 1000
        }
        statements.append(Statement(.check, ["DO", .block([
            BlockLine(0, ["DECLARE"]),
            BlockLine(1, [.identifier("unknown"), .type(.text), .glue(";")]),
            BlockLine(0, ["BEGIN"]),
            BlockLine(1, ["SELECT", .expression(#"string_agg(version_num, ' ' ORDER BY version_num COLLATE "C")"#), "INTO", .identifier("unknown"),
                          "FROM", .name(table), "WHERE", .identifier("version_num"), "NOT IN", .group(["SELECT", .identifier("id"), "FROM", .name(Self.history)]), .glue(";")]),
            BlockLine(1, ["IF", .identifier("unknown"), "IS NOT NULL THEN"]),
            BlockLine(2, ["RAISE EXCEPTION", .list([[.literal("retort: the version table % holds [%], which this history does not have; nothing was changed")],
                                                    [.literal(table.description)], [.identifier("unknown")]]), .glue(";")]),
            BlockLine(1, ["END IF", .glue(";")]),
            BlockLine(0, ["END"]),
        ])]))
        statements.append(Statement(.createTable(Self.edges), ["CREATE TEMPORARY TABLE", .identifier("retort_edges"), "AS SELECT",
            .list([[.identifier("id"), "AS", .identifier("child")], [.expression("unnest(parents)"), "AS", .identifier("parent")]]), "FROM", .name(Self.history)]))
        statements.append(Statement(.createIndex(table: Self.edges, index: "retort_edges_parent_idx"), ["CREATE INDEX", .identifier("retort_edges_parent_idx"), "ON", .name(Self.edges), .group([.identifier("parent")])]))
        statements.append(Statement(.createTable(Self.applied), ["CREATE TEMPORARY TABLE", .identifier("retort_applied"), .group([.identifier("id"), .type(.text), "PRIMARY KEY"])]))
        statements.append(Statement(.versionRows(Self.applied), ["INSERT INTO", .name(Self.applied),
            .expression("WITH RECURSIVE applied (id) AS (SELECT version_num::text FROM \(Quoting.qualified(table)) UNION SELECT e.parent FROM \(Quoting.qualified(Self.edges)) e JOIN applied a ON a.id = e.child) SELECT id FROM applied")]))
        return statements
    }

    /// What a revision's transaction does to the rows beside its own statements.
    private func universalRows(_ index: Int, upgrade: Bool) -> [Statement] {
        let table = settings.versionTable
        let id = graph.revisions[index].id
        let down = graph.downRevisions[index].map { graph.revisions[$0].id }
        let column = SQLPiece.identifier("version_num")
        if upgrade {
            var statements: [Statement] = []
            if !down.isEmpty {
                statements.append(Statement(.versionRows(table), ["DELETE FROM", .name(table), "WHERE", column, "IN", .group([.list(down.map { [.literal($0)] })])]))
            }
            statements.append(Statement(.versionRows(table), ["INSERT INTO", .name(table), PostgresRenderer.columns(["version_num"]), "VALUES", .group([.literal(id)])]))
            statements.append(Statement(.versionRows(Self.applied), ["INSERT INTO", .name(Self.applied), "VALUES", .group([.literal(id)])]))
            return statements
        }
        var statements: [Statement] = [
            Statement(.versionRows(table), ["DELETE FROM", .name(table), "WHERE", column, .op("="), .literal(id)]),
            Statement(.versionRows(Self.applied), ["DELETE FROM", .name(Self.applied), "WHERE", .identifier("id"), .op("="), .literal(id)]),
        ]
        if !down.isEmpty {
            // A predecessor gets its row back unless another revision still there comes after it.
            statements.append(Statement(.versionRows(table), ["INSERT INTO", .name(table), PostgresRenderer.columns(["version_num"]),
                "SELECT", .identifier("p"), "FROM", .expression("unnest(ARRAY[\(down.map(Quoting.literal).joined(separator: ", "))]::text[]) AS p"),
                "WHERE NOT EXISTS", .group(["SELECT FROM", .name(Self.edges), .identifier("e"), "JOIN", .name(Self.applied), .identifier("a"), "ON",
                                            .expression("a.id = e.child"), "WHERE", .expression("e.parent = p")])]))
        }
        return statements
    }

    private func universal(title: String, blocks: [ScriptBlock], order: [Int], upgrade: Bool, mode: TransactionMode) -> String {
        var out = head(title: title, blocks: blocks, extra: 4096 + 64 * order.count,
                       runWith: "psql 10 or later (it uses \\if and \\gset)",
                       about: upgrade
                           ? "-- Applied to a database at any revision of this history, it applies exactly the revisions\n-- the database lacks, in graph order; at head it changes nothing.\n"
                           : "-- Applied to a database at any revision of this history, it downgrades each revision the\n-- database has, children first, down to base; at base it changes nothing.\n")
        var open = false
        func line(_ text: String, transactional: Bool) {
            if mode != .none {
                if transactional && !open { out += "BEGIN;\n"; open = true }
                if !transactional && open { out += "COMMIT;\n"; open = false }
            }
            out += text
            out += "\n"
        }
        /// The transaction as it must be between revisions, whether a revision ran or not.
        func settle() {
            if mode == .perRevision, open { out += "COMMIT;\n"; open = false }
            if mode == .single, !open { out += "BEGIN;\n"; open = true }
        }
        out += "\n"
        for statement in [versionTableDDL()] + historyStatements() {
            var text = ""
            SQLSerializer.write(statement, into: &text)
            line(text, transactional: true)
        }
        settle()
        let check = upgrade ? "NOT EXISTS" : "EXISTS"
        for (block, index) in zip(blocks, order) {
            let id = graph.revisions[index].id
            out += "\n"
            for header in block.header { out += header; out += "\n" }
            out += "SELECT \(check) (SELECT FROM \(Quoting.qualified(Self.applied)) WHERE id = \(Quoting.literal(id))) AS retort_run \\gset\n\\if :retort_run\n"
            let (body, cleanup) = resumable(block, mode: mode)
            for statement in body + cleanup {
                if statement.meta { out += statement.text; out += "\n" } else { line(statement.text, transactional: statement.transactional) }
            }
            for statement in universalRows(index, upgrade: upgrade) {
                var text = ""
                SQLSerializer.write(statement, into: &text)
                line(text, transactional: true)
            }
            settle()
            out += "\\endif\n"
        }
        // The session's tables go, so another script can follow in the same session.
        out += "\n"
        var drop = ""
        SQLSerializer.write(Statement(.dropTable(Self.history), ["DROP TABLE", .list([[.name(Self.applied)], [.name(Self.edges)], [.name(Self.history)]])]), into: &drop)
        line(drop, transactional: true)
        if open { out += "COMMIT;\n" }
        return out
    }

    // MARK: - Resumable revisions

    /// Beside the version table (never in it, which stays as Alembic keeps it): how far a
    /// revision that stopped part way got through the statements that commit on their own.
    /// It exists only while such a revision is unfinished.
    package var progressTable: QualifiedName {
        let table = settings.versionTable
        return table.renamed(PostgresNaming.clip(Array(table.name.utf8), to: 54) + "_progress")
    }

    /// A revision's own statements laid out so that running the script again, after it
    /// stopped at any of them and the cause is fixed, finishes the revision as a clean run
    /// would. What commits before the revision's last transaction (a transaction closed for
    /// a statement PostgreSQL refuses inside one; in `none` mode every statement followed by
    /// another) records that it is done, in the same transaction, and is skipped once the
    /// record is there. `CREATE INDEX CONCURRENTLY` needs no record: it looks at the index,
    /// builds it when it is missing and drops an INVALID one (a failed build) first. The
    /// returned `cleanup` (nothing, when nothing records) goes in the revision's last
    /// transaction, before its version rows: one statement that removes the revision's
    /// records and, with the last of them, the table.
    package func resumable(_ block: ScriptBlock, mode: TransactionMode) -> (body: [ScriptBlock.Line], cleanup: [ScriptBlock.Line]) {
        let body = block.statements[block.body]
        guard let (id, upgrade) = block.revision,
              body.contains(where: { !$0.transactional || mode == .none }) else { return (Array(body), []) }
        // The units that commit together: a run of transactional statements, or one statement.
        var units: [[ScriptBlock.Line]] = []
        for line in body {
            if mode != .none, line.transactional, units.last?.last?.transactional == true {
                units[units.count - 1].append(line)
            } else {
                units.append([line])
            }
        }
        let progress = progressTable
        let direction = upgrade ? "upgrade" : "downgrade"
        var lines: [ScriptBlock.Line] = []
        var recording = false
        for (number, unit) in zip(1..., units) {
            if unit.count == 1, case .buildsIndex(let index) = unit[0].rerun {
                let name = Quoting.literal(Quoting.identifier(index.schema) + "." + Quoting.identifier(index.name))
                lines += [
                    .init(text: "SELECT coalesce((SELECT NOT indisvalid FROM pg_catalog.pg_index WHERE indexrelid = pg_catalog.to_regclass(\(name))), false) AS retort_invalid \\gset", transactional: false),
                    .init(text: "\\if :retort_invalid", transactional: false, meta: true),
                    .init(text: Statement(.dropIndex(index), ["DROP INDEX CONCURRENTLY IF EXISTS", .name(index)], transactional: false).sql, transactional: false),
                    .init(text: "\\endif", transactional: false, meta: true),
                    .init(text: "SELECT pg_catalog.to_regclass(\(name)) IS NULL AS retort_step \\gset", transactional: false),
                    .init(text: "\\if :retort_step", transactional: false, meta: true),
                    unit[0],
                    .init(text: "\\endif", transactional: false, meta: true),
                ]
                continue
            }
            // The last unit commits with the revision's end, except in `none` mode, where the
            // cleanup's DROP TABLE follows it on its own when an earlier unit recorded.
            let last = number == units.count
            guard unit.contains(where: { $0.rerun == .repeats }), !last || (mode == .none && recording) else {
                lines += unit
                continue
            }
            let transactional = unit[0].transactional
            if !recording {
                recording = true
                lines.append(.init(text: Statement(.createTable(progress), ["CREATE TABLE IF NOT EXISTS", .name(progress), .lines([
                    [.identifier("revision"), .type(SQLType(base: "character varying", modifiers: [32])), "NOT NULL"],
                    [.identifier("direction"), .type(.text), "NOT NULL"],
                    [.identifier("step"), .type(.integer), "NOT NULL"],
                    ["PRIMARY KEY", PostgresRenderer.columns(["revision", "direction", "step"])],
                ])]).sql, transactional: transactional))
            }
            lines.append(.init(text: "SELECT NOT EXISTS (SELECT FROM \(Quoting.qualified(progress)) WHERE revision = \(Quoting.literal(id)) AND direction = '\(direction)' AND step = \(number)) AS retort_step \\gset",
                               transactional: transactional))
            lines.append(.init(text: "\\if :retort_step", transactional: transactional, meta: true))
            lines += unit
            lines.append(.init(text: Statement(.versionRows(progress), ["INSERT INTO", .name(progress), PostgresRenderer.columns(["revision", "direction", "step"]),
                                                                  "VALUES", .group([.list([[.literal(id)], [.literal(direction)], [.integer(Int64(number))]])])]).sql,
                               transactional: transactional))
            lines.append(.init(text: "\\endif", transactional: transactional, meta: true))
        }
        guard recording else { return (lines, []) }
        let cleanup = Statement(.versionRows(progress), ["DO", .block([
            BlockLine(0, ["BEGIN"]),
            BlockLine(1, ["DELETE FROM", .name(progress), "WHERE", .identifier("revision"), .op("="), .literal(id),
                          "AND", .identifier("direction"), .op("="), .literal(direction), .glue(";")]),
            BlockLine(1, ["IF NOT EXISTS", .group(["SELECT FROM", .name(progress)]), "THEN"]),
            BlockLine(2, ["DROP TABLE", .name(progress), .glue(";")]),
            BlockLine(1, ["END IF", .glue(";")]),
            BlockLine(0, ["END"]),
        ])])
        return (lines, [.init(text: cleanup.sql, transactional: true)])
    }

    // MARK: - Layout

    /// A script's first lines, in a buffer reserved for `blocks`: title, provenance, how to
    /// run it, `about` (comment lines), `ON_ERROR_STOP` and the project's lock timeout.
    private func head(title: String, blocks: [ScriptBlock], extra: Int, runWith: String, about: String) -> String {
        var out = ""
        out.reserveCapacity(blocks.reduce(extra) { total, block in
            block.statements.reduce(total + 64 * block.header.count) { $0 + $1.text.utf8.count + 16 }
        })
        out += "-- "
        out += commentSafe(title)
        out += "\n-- Generated by Retort from "
        out += source
        out += "; do not edit. Run with \(runWith).\n"
        out += about
        out += "\\set ON_ERROR_STOP on\n"
        if let timeout = settings.lockTimeout { out += "SET lock_timeout = \(Quoting.literal(timeout));\n" }
        return out
    }

    package func assemble(title: String, preamble: [Statement], blocks: [ScriptBlock], mode: TransactionMode) -> String {
        var out = head(title: title, blocks: blocks, extra: 256, runWith: "psql", about: "")
        var open = false
        func emit(_ line: ScriptBlock.Line) {
            if line.meta { out += line.text; out += "\n"; return }
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
            let (body, cleanup) = resumable(block, mode: mode)
            for line in block.statements[..<block.body.lowerBound] { emit(line) }
            for line in body + cleanup { emit(line) }
            for line in block.statements[block.body.upperBound...] { emit(line) }
            if mode == .perRevision, open { out += "COMMIT;\n"; open = false }
        }
        if open { out += "COMMIT;\n" }
        return out
    }
}
