import XCTest
import Foundation
import RetortTestSupport

/// `retort import alembic`, proved against real Alembic (from PyPI, in a throwaway venv)
/// and the throwaway PostgreSQL: the imported project's scripts must build the catalog
/// Alembic's own SQL builds, leave `alembic_version` where Alembic leaves it, take a
/// database Alembic brought to any revision to head, and downgrade to what Alembic's own
/// downgrade leaves.
final class AlembicImportTests: XCTestCase {
    private struct Imported {
        var upgrade: String, downgrade: String
        var project: URL
        var folder: TemporaryProject
    }

    /// Alembic's offline SQL of `alembicProject`, imported with --downgrade and --versions.
    private func importHistory(_ alembicProject: URL, mode: String = "per-migration") throws -> Imported {
        let alembic = try AlembicTool.shared()
        let environment = ["ALEMBIC_TRANSACTION": mode]
        let upgrade = try alembic.run(["upgrade", "base:heads", "--sql"], project: alembicProject, environment: environment)
        let downgrade = try alembic.run(["downgrade", "heads:base", "--sql"], project: alembicProject, environment: environment)
        let folder = try TemporaryProject([:])
        let up = folder.root.appendingPathComponent("upgrade.sql"), down = folder.root.appendingPathComponent("downgrade.sql")
        try Data(upgrade.utf8).write(to: up)
        try Data(downgrade.utf8).write(to: down)
        let run = try runRetort(["import", "alembic", up.path, "--downgrade", down.path,
                                 "--versions", alembicProject.appendingPathComponent("versions").path, "--into", folder.directory.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        let check = try runRetort(["--project", folder.directory.path, "check"])
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        return Imported(upgrade: upgrade, downgrade: downgrade, project: folder.directory, folder: folder)
    }

    private func retort(_ arguments: [String], _ project: URL) throws -> String {
        let run = try runRetort(["--project", project.path] + arguments)
        XCTAssertEqual(run.status, 0, "retort \(arguments.joined(separator: " ")): \(run.stderr)")
        return run.stdout
    }

    /// The catalog (pg_dump of the schema, without its per-dump `\restrict` key) and the
    /// version rows of `database` after running `scripts` in order.
    private func state(after scripts: [String], on server: PostgresServer) throws -> String {
        let database = try server.createDatabase()
        defer { try? server.dropDatabase(database) }
        for script in scripts {
            let result = try server.psql(database: database, sql: script)
            XCTAssertEqual(result.status, 0, result.stderr)
            if result.status != 0 { break }
        }
        let dump = try server.schemaDump(database: database)
            .split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("\\restrict") && !$0.hasPrefix("\\unrestrict") }.joined(separator: "\n")
        let versions = try server.query(database: database, "SELECT coalesce(string_agg(version_num, ' ' ORDER BY version_num), '') FROM alembic_version")
        return dump + "\n-- alembic_version: [" + versions + "]\n"
    }

    private func assertSameHistory(_ imported: Imported, alembicProject: URL, intermediates: [String],
                                   file: StaticString = #filePath, line: UInt = #line) throws {
        let server = try PostgresServer.shared()
        let alembic = try AlembicTool.shared()
        let head = try state(after: [imported.upgrade], on: server)
        XCTAssertEqual(try state(after: [try retort(["upgrade", "--sql"], imported.project)], on: server), head,
                       "Retort's upgrade does not build what Alembic's builds", file: file, line: line)
        let emptied = try state(after: [imported.upgrade, imported.downgrade], on: server)
        XCTAssertEqual(try state(after: [try retort(["upgrade", "--sql"], imported.project), try retort(["downgrade", "head:base", "--sql"], imported.project)], on: server),
                       emptied, "Retort's downgrade does not leave what Alembic's downgrade leaves", file: file, line: line)
        XCTAssertFalse(emptied.contains("CREATE TABLE public.posts") || emptied.contains("CREATE TABLE public.t_00001"), emptied)
        for revision in intermediates {
            let partway = try alembic.run(["upgrade", "base:\(revision)", "--sql"], project: alembicProject)
            let rest = try retort(["upgrade", "\(revision):head", "--sql"], imported.project)
            XCTAssertEqual(try state(after: [partway, rest], on: server), head,
                           "a database Alembic brought to \(revision) is not brought to head", file: file, line: line)
        }
    }

    /// A hand-written history with what real ones hold: an enum created with raw SQL and
    /// `ALTER TYPE … ADD VALUE`, `alter_column(new_column_name=…)`, `batch_alter_table`,
    /// `postgresql_using`, a GIN index, server defaults, a branch label, a merge and a data
    /// migration with its reverse; in both of Alembic's transaction modes.
    func testARealisticHistoryInBothTransactionModes() throws {
        let project = packageRoot.appendingPathComponent("Tests/ImportFixtures/alembic-blog")
        for mode in ["per-migration", "single"] {
            let imported = try importHistory(project, mode: mode)
            let revisions = try FileManager.default.contentsOfDirectory(atPath: imported.project.appendingPathComponent("revisions").path).sorted()
            XCTAssertEqual(revisions.count, 6, "\(revisions)")
            let merge = try String(contentsOf: imported.project.appendingPathComponent("revisions/0005_merge_headline_and_tags.xml"), encoding: .utf8)
            XCTAssertTrue(merge.contains(#"<revision id="5e6f7a8b9c0d" parent="3c4d5e6f7a8b 4d5e6f7a8b9c" message="merge headline and tags""#), merge)
            let tags = try String(contentsOf: imported.project.appendingPathComponent("revisions/0003_tags_on_posts_searchable.xml"), encoding: .utf8)
            XCTAssertTrue(tags.contains(#"branch-labels="tags""#), tags)
            XCTAssertTrue(tags.contains(#"method="gin""#), tags)
            let names = try String(contentsOf: imported.project.appendingPathComponent("revisions/0006_display_names_emails_as_text.xml"), encoding: .utf8)
            XCTAssertTrue(names.contains("<reverse>UPDATE users SET display_name = NULL;</reverse>"), names)
            XCTAssertTrue(names.contains(#"using="email::text""#), names)
            let settings = try String(contentsOf: imported.project.appendingPathComponent("retort.xml"), encoding: .utf8)
            XCTAssertTrue(settings.contains(#"<version-table name="alembic_version" schema="public"/>"#), settings)
            try assertSameHistory(imported, alembicProject: project, intermediates: ["1a2b3c4d5e6f", "3c4d5e6f7a8b", "4d5e6f7a8b9c", "5e6f7a8b9c0d"])
        }
    }

    /// The 300-revision synthetic history `make bench` generates for Alembic.
    func testTheBenchmarksThreeHundredRevisionHistory() throws {
        _ = try AlembicTool.shared()
        let folder = try TemporaryProject([:])
        let project = folder.root.appendingPathComponent("alembic")
        let generator = Process()
        generator.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        generator.arguments = ["python3", packageRoot.appendingPathComponent("bench/alembic_history.py").path, "300", project.path]
        generator.standardOutput = FileHandle.nullDevice
        try generator.run()
        generator.waitUntilExit()
        XCTAssertEqual(generator.terminationStatus, 0)
        let imported = try importHistory(project)
        let revisions = try FileManager.default.contentsOfDirectory(atPath: imported.project.appendingPathComponent("revisions").path)
        XCTAssertEqual(revisions.count, 300)
        // Alembic's ids are kept, so the first Retort-written revision continues from its head.
        let heads = try retort(["heads"], imported.project)
        XCTAssertTrue(heads.contains("r00000300"), heads)
        try assertSameHistory(imported, alembicProject: project, intermediates: ["r00000001", "r00000150", "r00000299"])
    }
}

/// Bad input, without Alembic or a server.
final class AlembicImportCommandTests: XCTestCase {
    func testMarkersThatDoNotFormAGraphNameTheirLine() throws {
        let folder = try TemporaryProject([
            "missing.sql": "-- Running upgrade  -> a1\nCREATE TABLE t (id int);\n\n-- Running upgrade zz -> a2\nALTER TABLE t ADD COLUMN x int;\n",
            "twice.sql": "-- Running upgrade  -> a1\nCREATE TABLE t (id int);\n-- Running upgrade a1 -> a1\nSELECT 1;\n",
            "none.sql": "CREATE TABLE t (id int);\n",
        ])
        let missing = try runRetort(["import", "alembic", "missing.sql", "--into", "out1"], cwd: folder.directory)
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.hasPrefix("missing.sql:4:1: error[alembic-marker]: revision a2 names parent zz"), missing.stderr)
        let twice = try runRetort(["import", "alembic", "twice.sql", "--into", "out2"], cwd: folder.directory)
        XCTAssertTrue(twice.stderr.hasPrefix("twice.sql:3:1: error[alembic-marker]: revision a1 runs twice"), twice.stderr)
        let none = try runRetort(["import", "alembic", "none.sql", "--into", "out3"], cwd: folder.directory)
        XCTAssertTrue(none.stderr.contains("error[alembic-marker]: no '-- Running upgrade A -> B' marker"), none.stderr)
        for out in ["out1", "out2", "out3"] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: folder.directory.appendingPathComponent(out).path), "\(out) was written")
        }
    }

    /// Without Alembic's downgrade the reverse of a data migration is unknown: a downgrade
    /// through it stops there, before it changes anything, saying why.
    func testWithoutTheDowngradeADataMigrationStopsTheDowngrade() throws {
        let folder = try TemporaryProject(["up.sql": """
            BEGIN;
            CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));
            -- Running upgrade  -> a1
            CREATE TABLE t (id SERIAL NOT NULL, x INTEGER, PRIMARY KEY (id));
            INSERT INTO alembic_version (version_num) VALUES ('a1') RETURNING alembic_version.version_num;
            -- Running upgrade a1 -> a2
            UPDATE t SET x = 0 WHERE x IS NULL;
            UPDATE alembic_version SET version_num='a2' WHERE alembic_version.version_num = 'a1';
            COMMIT;

            """])
        let run = try runRetort(["import", "alembic", "up.sql", "--into", "imported"], cwd: folder.directory)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("up.sql:7:1: UPDATE t SET x = 0 WHERE x IS NULL (revision a2)"), run.stderr)
        let project = folder.directory.appendingPathComponent("imported")
        XCTAssertEqual(try runRetort(["--project", project.path, "check"]).status, 0)
        let settings = try String(contentsOf: project.appendingPathComponent("retort.xml"), encoding: .utf8)
        XCTAssertTrue(settings.contains(#"<version-table name="alembic_version""#), settings)
        let downgrade = try runRetort(["--project", project.path, "downgrade", "head:base", "--sql"])
        XCTAssertEqual(downgrade.status, 0, downgrade.stderr)
        let stop = try XCTUnwrap(downgrade.stdout.range(of: "revision a2 was imported without --downgrade"), downgrade.stdout)
        let drop = try XCTUnwrap(downgrade.stdout.range(of: "DROP TABLE t"), downgrade.stdout)
        XCTAssertLessThan(stop.lowerBound, drop.lowerBound)
        // Alembic's bookkeeping is not carried over.
        let upgrade = try runRetort(["--project", project.path, "upgrade", "--sql"])
        XCTAssertFalse(upgrade.stdout.contains("RETURNING"), upgrade.stdout)
    }

    func testASyntaxErrorNamesItsPlace() throws {
        let folder = try TemporaryProject(["up.sql": "-- Running upgrade  -> a1\nCREATE TABLE t (id int,,);\n"])
        let run = try runRetort(["import", "alembic", "up.sql", "--into", "out"], cwd: folder.directory)
        XCTAssertEqual(run.status, 2)
        XCTAssertTrue(run.stderr.hasPrefix("up.sql:2:24: error[sql-syntax]"), run.stderr)
    }
}
