import Foundation
import XCTest
@testable import RetortSQL
@testable import RetortModel
@testable import RetortReading
@testable import RetortGraph
@testable import RetortState
@testable import RetortCompiler
@testable import RetortRendering
@testable import RetortDiff
@testable import RetortScripts
@testable import RetortLint
@testable import RetortKit
import RetortTestSupport

/// A generated branchy history (hundreds of revisions, branch points, merges of two and
/// three heads, `depends-on`, several roots), applied one per-revision script at a time on
/// a real PostgreSQL: after every step up and down, the version table holds exactly the
/// rows Alembic's rules give, and each script's guard agrees.
final class VersionTablePostgresTests: XCTestCase {
    func testAlembicVersionTableWithDependencies() throws {
        try check(GeneratedHistory.branchy(count: 400, seed: 2024, dependencies: true), table: "alembic_version")
    }

    func testRetortVersionTableWithManyOpenBranches() throws {
        try check(GeneratedHistory.branchy(count: 300, seed: 7, dependencies: false, maxHeads: 12), table: "retort_version")
    }

    func check(_ history: GeneratedHistory, table: String) throws {
        let server = try PostgresServer.shared()
        XCTAssertGreaterThan(history.merges, 25)
        XCTAssertGreaterThan(history.branchPoints, 25)
        let project = try TemporaryProject(history.files(settings: "<version-table name=\"\(table)\"/>"))
        let compilation = try project.compile()
        let graph = compilation.graph
        let out = project.root.appendingPathComponent("out")
        try OutputWriter.write(try Artifacts.build(compilation), to: out)

        let database = try server.createDatabase()
        addTeardownBlock { try? server.dropDatabase(database) }
        /// Runs the scripts one after the other in one psql session, reading the version
        /// rows after each: the rows per script, as far as psql got.
        func run(_ scripts: [String]) throws -> [[String]] {
            var session = ""
            for script in scripts {
                session += try String(contentsOf: out.appendingPathComponent(script), encoding: .utf8)
                session += "SELECT 'rows:' || coalesce(string_agg(version_num, ' ' ORDER BY version_num COLLATE \"C\"), '') FROM public.\(table);\n"
            }
            let result = try server.psql(database: database, sql: session)
            XCTAssertEqual(result.status, 0, result.stderr)
            return result.stdout.split(separator: "\n").filter { $0.hasPrefix(" rows:") || $0.hasPrefix("rows:") }.map {
                $0.trimmingCharacters(in: .whitespaces).dropFirst(5).split(separator: " ").map(String.init)
            }
        }

        let up = try run(graph.order.map { "upgrade/\(graph.revisions[$0].stem).sql" })
        XCTAssertEqual(up.count, graph.order.count)
        var applied = Set<Int>()
        for (at, index) in graph.order.enumerated() where at < up.count {
            applied.insert(index)
            XCTAssertEqual(up[at], expectedRows(graph, applied: applied), "after upgrading \(graph.revisions[index].stem)")
        }
        XCTAssertEqual(up.last, VersionPlanner.ids(graph, graph.heads))
        let again = try server.psql(database: database, file: out.appendingPathComponent("upgrade/\(graph.revisions[graph.order.last!].stem).sql"))
        XCTAssertNotEqual(again.status, 0, "the guard refuses to apply a revision twice")
        XCTAssertTrue(again.stderr.contains("expects version"), again.stderr)

        let reversed = Array(graph.order.reversed())
        let down = try run(reversed.map { "downgrade/\(graph.revisions[$0].stem).sql" })
        XCTAssertEqual(down.count, reversed.count)
        for (at, index) in reversed.enumerated() where at < down.count {
            applied.remove(index)
            XCTAssertEqual(down[at], expectedRows(graph, applied: applied), "after downgrading \(graph.revisions[index].stem)")
        }
        XCTAssertEqual(try server.query(database: database, "SELECT count(*) FROM pg_tables WHERE tablename LIKE 't\\_%'"), "0")
    }
}
