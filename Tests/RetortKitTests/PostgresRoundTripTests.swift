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

/// A real PostgreSQL 15 judges the SQL Retort writes: whole-history scripts against
/// `schema.sql`, every revision up, down and up again, guards, and every transaction mode.
final class PostgresRoundTripTests: XCTestCase {
    /// The projects put through the server: the example and every golden fixture.
    static var projects: [URL] {
        [exampleProject] + goldenFixtures.map { $0.appendingPathComponent("project") }
    }

    func database(_ server: PostgresServer) throws -> String {
        let name = try server.createDatabase()
        addTeardownBlock { try? server.dropDatabase(name) }
        return name
    }

    func apply(_ server: PostgresServer, _ database: String, _ script: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try server.psql(database: database, file: script)
        XCTAssertEqual(result.status, 0, "\(script.lastPathComponent) failed:\n\(result.stderr)", file: file, line: line)
        if result.status != 0 { throw PostgresServerError(description: "stop at the first failing script") }
    }

    func snapshot(_ server: PostgresServer, _ database: String, _ compiled: CompiledProject) throws -> String {
        try CatalogSnapshot.snapshot(server: server, database: database, excludingTable: compiled.versionTable)
    }

    func assertSame(_ a: String, _ b: String, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(a == b, "\(message):\n\(CatalogSnapshot.diff(a, b))", file: file, line: line)
    }

    func testUpgradeScriptBuildsExactlyTheSchemaScriptAndDowngradeRemovesIt() throws {
        let roundTrip = ServerRoundTrip(server: try PostgresServer.shared())
        for project in Self.projects {
            for problem in try roundTrip.wholeHistory(try CompiledProject(project)) {
                XCTFail("\(project.path): \(problem)")
            }
        }
    }

    func testEveryRevisionGoesUpDownAndUpAgain() throws {
        let roundTrip = ServerRoundTrip(server: try PostgresServer.shared())
        var verified = 0
        for project in Self.projects {
            let c = try CompiledProject(project)
            let result = try roundTrip.everyRevision(c)
            for problem in result.problems { XCTFail("\(project.path): \(problem)") }
            XCTAssertEqual(result.verified, c.graph.order.count, project.path)
            verified += result.verified
        }
        XCTAssertGreaterThanOrEqual(verified, 20)
    }

    func testGuardStopsAScriptRunAgainstTheWrongRevision() throws {
        let server = try PostgresServer.shared()
        let c = try CompiledProject(exampleProject)
        let graph = c.graph
        let db = try database(server)
        try apply(server, db, c.script("upgrade/\(graph.revisions[graph.order[0]].stem).sql"))
        let before = try snapshot(server, db, c)
        // The third revision expects the second; the database is at the first.
        let third = graph.revisions[graph.order[2]]
        let result = try server.psql(database: db, file: c.script("upgrade/\(third.stem).sql"))
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("expects version [\(graph.revisions[graph.order[1]].id)]"), result.stderr)
        assertSame(try snapshot(server, db, c), before, "the guard stops before any change")
        XCTAssertEqual(try CatalogSnapshot.versionRows(server: server, database: db, table: c.versionTable), [graph.revisions[graph.order[0]].id])
        // Running a downgrade twice stops at its guard too.
        let first = graph.revisions[graph.order[0]]
        try apply(server, db, c.script("downgrade/\(first.stem).sql"))
        XCTAssertNotEqual(try server.psql(database: db, file: c.script("downgrade/\(first.stem).sql")).status, 0)
    }

    func testEveryTransactionModeRunsWithOnErrorStop() throws {
        let server = try PostgresServer.shared()
        for project in Self.projects {
            let reference = try CompiledProject(project)
            let schemaDB = try database(server), empty = try database(server)
            try apply(server, schemaDB, reference.script("schema.sql"))
            let expected = try snapshot(server, schemaDB, reference)
            for mode in TransactionMode.allCases {
                let c = try CompiledProject(project, transaction: mode)
                let upgrade = try String(contentsOf: c.script("upgrade.sql"), encoding: .utf8)
                if mode == .none { XCTAssertFalse(upgrade.contains("BEGIN;"), "mode none opens no transaction") }
                if mode == .single {
                    // One transaction, reopened after each statement that runs outside one.
                    // (The DROP of an INVALID index before a concurrent build runs with the build.)
                    let lines = upgrade.split(separator: "\n", omittingEmptySubsequences: false)
                    let outside = zip(lines.dropFirst(), lines).filter { line, previous in
                        (line.contains("CONCURRENTLY") || line.contains("ADD VALUE")) && previous != "\\if :retort_invalid"
                    }.count
                    XCTAssertEqual(upgrade.components(separatedBy: "BEGIN;").count - 1, 1 + outside)
                }
                let db = try database(server)
                try apply(server, db, c.script("upgrade.sql"))
                assertSame(try snapshot(server, db, c), expected, "\(project.lastPathComponent) in mode \(mode.rawValue)")
                try apply(server, db, c.script("downgrade.sql"))
                assertSame(try snapshot(server, db, c), try snapshot(server, empty, c), "\(project.lastPathComponent) down in mode \(mode.rawValue)")
            }
        }
    }
}
