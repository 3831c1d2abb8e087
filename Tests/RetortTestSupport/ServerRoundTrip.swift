import XCTest
import Foundation
import RetortSQL
import RetortModel
import RetortReading
import RetortGraph
import RetortState
import RetortCompiler
import RetortRendering
import RetortDiff
import RetortScripts
import RetortLint
import RetortKit

/// A project compiled by Retort's library, its scripts written to a temporary folder that
/// goes away with the value.
package final class CompiledProject {
    package let compilation: Compilation
    /// The folder holding `upgrade.sql`, `upgrade/<stem>.sql`, … as `retort sql` writes them.
    package let scripts: URL
    /// The version table as `schema.table`.
    package let versionTable: String

    package init(_ project: URL, transaction: TransactionMode? = nil) throws {
        var loaded = try ProjectLoader.load(project)
        if let transaction { loaded.settings.transaction = transaction }
        compilation = try Compiler.compile(loaded)
        scripts = FileManager.default.temporaryDirectory.appendingPathComponent("retort-scripts-\(UUID().uuidString)")
        try OutputWriter.write(try Artifacts.build(compilation), to: scripts)
        let table = loaded.settings.versionTable
        versionTable = "\(table.schema).\(table.name)"
    }

    deinit { try? FileManager.default.removeItem(at: scripts) }

    package func script(_ path: String) -> URL { scripts.appendingPathComponent(path) }

    package var graph: RevisionGraph { compilation.graph }

    /// The ids of the heads, sorted as the version rows are.
    package var headIDs: [String] {
        graph.heads.map { graph.revisions[$0].id }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}

/// The round trips that let a real server judge a compiled project's scripts. Each returns
/// the problems it found (empty when the scripts are right) instead of failing a test, so a
/// caller can report them, or run them again on smaller inputs to shrink a failure.
///
/// Every database a round trip creates is dropped before it returns.
package struct ServerRoundTrip {
    package let server: PostgresServer

    package init(server: PostgresServer) {
        self.server = server
    }

    /// `upgrade.sql` builds exactly the catalog `schema.sql` builds and both stamp the heads;
    /// `downgrade.sql` then leaves the catalog of an empty database and an empty version table.
    package func wholeHistory(_ project: CompiledProject) throws -> [String] {
        let viaHistory = try server.createDatabase(), viaSchema = try server.createDatabase()
        defer {
            try? server.dropDatabase(viaHistory)
            try? server.dropDatabase(viaSchema)
        }
        var history = ProbeScript(project)
        history.snapshot("empty")
        history.run(project.script("upgrade.sql"), "upgrade.sql")
        history.snapshot("upgraded")
        history.versionRows("upgraded")
        history.run(project.script("downgrade.sql"), "downgrade.sql")
        history.snapshot("downgraded")
        history.versionRows("downgraded")
        var schema = ProbeScript(project)
        schema.run(project.script("schema.sql"), "schema.sql")
        schema.snapshot("schema")
        schema.versionRows("schema")

        let viaSchemaOutput = try schema.execute(on: server, database: viaSchema)
        if let failure = viaSchemaOutput.failure { return [failure] }
        let viaHistoryOutput = try history.execute(on: server, database: viaHistory)
        if let failure = viaHistoryOutput.failure { return [failure] }
        let built = viaHistoryOutput.snapshot("upgraded"), expected = viaSchemaOutput.snapshot("schema")
        var problems: [String] = []
        if !project.compilation.headState.tables.isEmpty && !built.contains("table ") {
            problems.append("upgrade.sql built no table, but the head state has tables")
        }
        if built != expected {
            problems.append("upgrade.sql and schema.sql build different catalogs (- upgrade.sql, + schema.sql):\n\(CatalogSnapshot.diff(built, expected))")
        }
        for (label, rows) in [("upgrade.sql", viaHistoryOutput.versionRows("upgraded")), ("schema.sql", viaSchemaOutput.versionRows("schema"))]
        where rows != project.headIDs {
            problems.append("\(label) leaves version rows \(rows), not the heads \(project.headIDs)")
        }
        let empty = viaHistoryOutput.snapshot("empty"), downgraded = viaHistoryOutput.snapshot("downgraded")
        if downgraded != empty {
            problems.append("downgrade.sql leaves more than the version table (- after downgrade.sql, + empty):\n\(CatalogSnapshot.diff(downgraded, empty))")
        }
        let rows = viaHistoryOutput.versionRows("downgraded")
        if !rows.isEmpty { problems.append("downgrade.sql leaves version rows \(rows)") }
        return problems
    }

    /// Every revision in replay order goes up, down (the catalog and the version rows are
    /// back where they were) and up again (the catalog is what the first upgrade built), then
    /// the walk goes on from there. One psql session runs the whole walk.
    package func everyRevision(_ project: CompiledProject) throws -> (verified: Int, problems: [String]) {
        let database = try server.createDatabase()
        defer { try? server.dropDatabase(database) }
        let graph = project.graph
        var probe = ProbeScript(project)
        probe.snapshot("base")
        for index in graph.order {
            let stem = graph.revisions[index].stem
            probe.run(project.script("upgrade/\(stem).sql"), "upgrade/\(stem).sql")
            probe.snapshot("up \(stem)")
            probe.versionRows("up \(stem)")
            probe.run(project.script("downgrade/\(stem).sql"), "downgrade/\(stem).sql")
            probe.snapshot("down \(stem)")
            probe.versionRows("down \(stem)")
            probe.run(project.script("upgrade/\(stem).sql"), "upgrade/\(stem).sql again, after its downgrade")
            probe.snapshot("up again \(stem)")
        }
        let output = try probe.execute(on: server, database: database)
        var problems: [String] = []
        var verified = 0
        var before = output.snapshot("base"), rowsBefore: [String] = []
        for index in graph.order {
            let revision = graph.revisions[index], stem = revision.stem
            guard output.reached("up again \(stem)") else { break }
            let after = output.snapshot("up \(stem)"), rowsAfter = output.versionRows("up \(stem)")
            if !rowsAfter.contains(revision.id) {
                problems.append("\(stem): after its upgrade the version rows are \(rowsAfter), without \(revision.id)")
            }
            let down = output.snapshot("down \(stem)")
            if down != before {
                problems.append("\(stem): its downgrade does not give back the catalog before its upgrade (- after the downgrade, + before the upgrade):\n\(CatalogSnapshot.diff(down, before))")
            }
            let rowsDown = output.versionRows("down \(stem)")
            if rowsDown != rowsBefore {
                problems.append("\(stem): after its downgrade the version rows are \(rowsDown), not \(rowsBefore)")
            }
            let again = output.snapshot("up again \(stem)")
            if again != after {
                problems.append("\(stem): upgrading again builds another catalog (- again, + the first time):\n\(CatalogSnapshot.diff(again, after))")
            }
            before = after
            rowsBefore = rowsAfter
            verified += 1
        }
        if let failure = output.failure { problems.append(failure) }
        return (verified, problems)
    }
}

/// A psql script that runs script files and catalog queries in one session, each preceded by
/// a marker line, so its output splits back into what each query returned and, when a script
/// stops with an error, tells which one it was. One psql run instead of one per step: the
/// round trips cost server work, not process starts.
package struct ProbeScript {
    private let versionTable: String
    private var text = "\\pset format unaligned\n\\pset tuples_only on\n"

    package init(_ project: CompiledProject) { versionTable = project.versionTable }

    private static let marker = "@@retort-probe "

    /// Runs a script file, as `psql -f` would.
    package mutating func run(_ file: URL, _ label: String) {
        precondition(!file.path.contains("'") && !file.path.contains("\\"), "a path psql's \\i takes as is")
        text += "\(echo("run \(label)"))\\i '\(file.path)'\n"
    }

    /// Records the catalog snapshot (without the version table) under `label`.
    package mutating func snapshot(_ label: String) {
        text += "\(echo("snapshot \(label)"))\(CatalogSnapshot.sql(excludingTable: versionTable))\n"
    }

    /// Records the version table's rows under `label`.
    package mutating func versionRows(_ label: String) {
        text += "\(echo("rows \(label)"))\(CatalogSnapshot.versionRowsSQL(table: versionTable))\n"
    }

    private func echo(_ key: String) -> String {
        precondition(!key.contains("'") && !key.contains("\\") && !key.contains("\n"), "a marker psql's \\echo prints as is")
        return "\\echo '\(Self.marker)\(key)'\n"
    }

    package func execute(on server: PostgresServer, database: String) throws -> ProbeOutput {
        let result = try server.psql(database: database, sql: text)
        var sections: [String: [Substring]] = [:]
        var order: [String] = []
        var current: String?
        for line in result.stdout.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(Self.marker) {
                let key = String(line.dropFirst(Self.marker.count))
                current = key
                order.append(key)
                sections[key] = []
            } else if let current {
                sections[current]!.append(line)
            }
        }
        var failure: String?
        if result.status != 0 {
            let step = order.last.map { $0.hasPrefix("run ") ? String($0.dropFirst(4)) : "the query for \($0)" } ?? "psql"
            failure = "\(step) failed (psql status \(result.status)):\n\(result.stderr)"
        }
        return ProbeOutput(sections: sections, failure: failure)
    }
}

/// What a `ProbeScript` printed, by marker.
package struct ProbeOutput {
    fileprivate let sections: [String: [Substring]]
    /// Which step stopped the session and the server's message, when one did.
    package let failure: String?

    /// Whether the session got as far as the snapshot `label`.
    package func reached(_ label: String) -> Bool { sections["snapshot \(label)"] != nil }

    package func snapshot(_ label: String) -> String {
        CatalogSnapshot.snapshot(fromRows: rows("snapshot \(label)"))
    }

    package func versionRows(_ label: String) -> [String] {
        CatalogSnapshot.versionRows(fromRows: rows("rows \(label)"))
    }

    /// A section's lines as `PostgresServer.query` returns rows: without the final newline.
    private func rows(_ key: String) -> String {
        var lines = sections[key] ?? []
        while lines.last == "" { lines.removeLast() }
        return lines.joined(separator: "\n")
    }
}

extension XCTestCase {
    /// Compiles the revisions (bodies of `<upgrade>`, in order) and fails with every problem
    /// the server finds in the scripts, going up, down and up, whole and revision by
    /// revision; the whole-history scripts are also tried in the other transaction `modes`.
    package func assertRoundTrips(_ upgrades: [String], modes: [TransactionMode] = [], file: StaticString = #filePath, line: UInt = #line) throws {
        let roundTrip = ServerRoundTrip(server: try PostgresServer.shared())
        var files: [String: String] = [:]
        for (n, upgrade) in upgrades.enumerated() {
            files["revisions/000\(n + 1)_r.xml"] = revisionXML("r\(n + 1)", parent: n == 0 ? nil : "r\(n)", upgrade)
        }
        let project = try TemporaryProject(files)
        let compiled = try CompiledProject(project.directory)
        let walk = try roundTrip.everyRevision(compiled)
        for problem in try roundTrip.wholeHistory(compiled) + walk.problems { XCTFail(problem, file: file, line: line) }
        XCTAssertEqual(walk.verified, upgrades.count, "revisions verified", file: file, line: line)
        for mode in modes {
            for problem in try roundTrip.wholeHistory(try CompiledProject(project.directory, transaction: mode)) {
                XCTFail("transaction \(mode.rawValue): \(problem)", file: file, line: line)
            }
        }
    }
}
