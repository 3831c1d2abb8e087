import XCTest
import Foundation
import RetortTestSupport

/// `out/upgrade.sql` and `out/downgrade.sql` are one script for every environment: applied
/// on the throwaway server to a database at any revision of the example (both sides of
/// its branch included), in each transaction mode, the upgrade reaches exactly the catalog
/// and version rows of a clean apply, the downgrade reaches base, running either again
/// changes nothing, and a version the history does not have stops before any change.
final class UniversalScriptTests: XCTestCase {
    private func dumpAndVersions(_ server: PostgresServer, _ database: String) throws -> String {
        let dump = try server.schemaDump(database: database)
            .split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("\\restrict") && !$0.hasPrefix("\\unrestrict") }.joined(separator: "\n")
        let versions = try server.query(database: database, "SELECT coalesce(string_agg(version_num, ' ' ORDER BY version_num), '') FROM retort_version")
        return dump + "\n-- versions: [" + versions + "]\n"
    }

    private func apply(_ server: PostgresServer, _ database: String, _ scripts: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        for script in scripts {
            let result = try server.psql(database: database, sql: script)
            XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
        }
    }

    func testEveryRevisionReachesHeadAndBaseInEveryTransactionMode() throws {
        let server = try PostgresServer.shared()
        let revisions = try FileManager.default.contentsOfDirectory(atPath: exampleProject.appendingPathComponent("revisions").path)
        for mode in ["per-revision", "single", "none"] {
            let project = try TemporaryProject([:])
            let models = project.directory
            try FileManager.default.removeItem(at: models)
            try FileManager.default.copyItem(at: exampleProject, to: models)
            let settings = models.appendingPathComponent("retort.xml")
            let text = try String(contentsOf: settings, encoding: .utf8)
                .replacingOccurrences(of: #"transaction="per-revision""#, with: #"transaction="\#(mode)""#)
                .replacingOccurrences(of: #"dir="../out""#, with: #"dir="out""#)
            try Data(text.utf8).write(to: settings)
            let written = try runRetort(["--project", models.path, "sql"])
            XCTAssertEqual(written.status, 0, written.stderr)
            let upgrade = try String(contentsOf: models.appendingPathComponent("out/upgrade.sql"), encoding: .utf8)
            let downgrade = try String(contentsOf: models.appendingPathComponent("out/downgrade.sql"), encoding: .utf8)
            XCTAssertTrue(upgrade.contains("Run with psql 10 or later"), upgrade)

            let clean = try server.createDatabase()
            try apply(server, clean, [upgrade])
            let head = try dumpAndVersions(server, clean)
            try apply(server, clean, [downgrade])
            let base = try dumpAndVersions(server, clean)
            XCTAssertTrue(base.hasSuffix("-- versions: []\n"), base)
            XCTAssertFalse(base.contains("CREATE TABLE public.students"), base)
            try server.dropDatabase(clean)

            // Every revision, read from its file: `<revision id="…"`.
            let ids = try revisions.sorted().map { name -> String in
                let xml = try String(contentsOf: models.appendingPathComponent("revisions/\(name)"), encoding: .utf8)
                let start = try XCTUnwrap(xml.range(of: "<revision id=\"")).upperBound
                return String(xml[start...].prefix { $0 != "\"" })
            }
            XCTAssertEqual(Set(ids).count, revisions.count)
            for id in ids {
                let partway = try runRetort(["--project", models.path, "upgrade", "base:\(id)", "--sql"])
                XCTAssertEqual(partway.status, 0, partway.stderr)
                let database = try server.createDatabase()
                try apply(server, database, [partway.stdout, upgrade])
                XCTAssertEqual(try dumpAndVersions(server, database), head, "\(mode): upgrade.sql from \(id)")
                try apply(server, database, [upgrade])
                XCTAssertEqual(try dumpAndVersions(server, database), head, "\(mode): upgrade.sql again at head")
                try server.dropDatabase(database)

                let other = try server.createDatabase()
                try apply(server, other, [partway.stdout, downgrade, downgrade])
                XCTAssertEqual(try dumpAndVersions(server, other), base, "\(mode): downgrade.sql from \(id), twice")
                try server.dropDatabase(other)
            }
        }
    }

    func testAnUnknownVersionStopsBeforeAnyChange() throws {
        let server = try PostgresServer.shared()
        let upgrade = try String(contentsOf: packageRoot.appendingPathComponent("out/upgrade.sql"), encoding: .utf8)
        let database = try server.createDatabase()
        defer { try? server.dropDatabase(database) }
        try apply(server, database, ["CREATE TABLE retort_version (version_num varchar(32) NOT NULL PRIMARY KEY); INSERT INTO retort_version VALUES ('0000deadbeef');"])
        let before = try dumpAndVersions(server, database)
        let run = try server.psql(database: database, sql: upgrade)
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("retort: the version table retort_version holds [0000deadbeef], which this history does not have; nothing was changed"), run.stderr)
        XCTAssertEqual(try dumpAndVersions(server, database), before)
    }
}
