import XCTest
import Foundation
import RetortTestSupport

/// `retort import schema`, as a team adopting Retort uses it: pg_dump of a real database
/// (the example's own, and a shop with serials, identities, two schemas, an enum, a view,
/// expression and GIN indexes, a function, a trigger and row-level security) is imported,
/// and the imported project must rebuild that database exactly: pg_dump of what Retort's
/// scripts create is compared with pg_dump of the original.
final class SchemaImportTests: XCTestCase {
    private let fixtures = packageRoot.appendingPathComponent("Tests/ImportFixtures")

    /// pg_dump output with what differs between two dumps of equal databases taken out: the
    /// `\restrict` keys (random per dump) and the version table Retort's scripts create.
    private func comparable(_ dump: String) -> String {
        var lines: [Substring] = []
        var skipping = false
        for line in dump.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("\\restrict") || line.hasPrefix("\\unrestrict") { continue }
            if line.hasPrefix("-- Name: retort_version") { skipping = true; lines.removeLast(); continue }
            if skipping {
                if line.hasPrefix("-- Name: ") || line.hasPrefix("-- PostgreSQL database dump complete") {
                    skipping = false
                    lines.append("--")
                } else {
                    continue
                }
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    /// Loads `sql` into a fresh database, dumps it, imports the dump with --baseline, and
    /// checks that `check` passes and that both `schema` (models) and `upgrade --sql`
    /// (history) rebuild the database pg_dump saw. Returns the import's stderr.
    @discardableResult
    private func roundTrip(_ sql: String, expectKeptInModels: Bool) throws -> (stderr: String, folder: TemporaryProject) {
        let server = try PostgresServer.shared()
        let original = try server.createDatabase()
        let loaded = try server.psql(database: original, sql: sql)
        XCTAssertEqual(loaded.status, 0, loaded.stderr)
        let dump = try server.schemaDump(database: original)

        let folder = try TemporaryProject([:])
        let dumpFile = folder.root.appendingPathComponent("dump.sql")
        try Data(dump.utf8).write(to: dumpFile)
        let imported = try runRetort(["import", "schema", dumpFile.path, "--into", folder.directory.path, "--baseline"])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        let check = try runRetort(["--project", folder.directory.path, "check"])
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)

        let upgrade = try runRetort(["--project", folder.directory.path, "upgrade", "--sql"])
        XCTAssertEqual(upgrade.status, 0, upgrade.stderr)
        let viaHistory = try server.createDatabase()
        let applied = try server.psql(database: viaHistory, sql: upgrade.stdout)
        XCTAssertEqual(applied.status, 0, applied.stderr)
        XCTAssertEqual(comparable(try server.schemaDump(database: viaHistory)), comparable(dump),
                       "upgrade --sql of the imported project does not rebuild the dumped database")

        let schema = try runRetort(["--project", folder.directory.path, "schema"])
        XCTAssertEqual(schema.status, 0, schema.stderr)
        let viaModels = try server.createDatabase()
        let created = try server.psql(database: viaModels, sql: schema.stdout)
        XCTAssertEqual(created.status, 0, created.stderr)
        if !expectKeptInModels {
            XCTAssertEqual(comparable(try server.schemaDump(database: viaModels)), comparable(dump),
                           "schema of the imported project does not rebuild the dumped database")
        }
        for name in [original, viaHistory, viaModels] { try server.dropDatabase(name) }
        return (imported.stderr, folder)
    }

    /// DDL from other tools, imported as written (not through pg_dump): Retort's scripts
    /// must build what running the file itself builds.
    func testSQLAlchemyAndPrismaDDLBuildWhatTheyDescribe() throws {
        let server = try PostgresServer.shared()
        for name in ["sqlalchemy.sql", "prisma.sql"] {
            let file = fixtures.appendingPathComponent(name)
            let folder = try TemporaryProject([:])
            let imported = try runRetort(["import", "schema", file.path, "--into", folder.directory.path, "--baseline"])
            XCTAssertEqual(imported.status, 0, imported.stderr)
            XCTAssertEqual(imported.stderr, "", "\(name): nothing should be left unmodelled")
            let upgrade = try runRetort(["--project", folder.directory.path, "upgrade", "--sql"])
            XCTAssertEqual(upgrade.status, 0, upgrade.stderr)
            let direct = try server.createDatabase(), viaRetort = try server.createDatabase()
            XCTAssertEqual(try server.psql(database: direct, sql: try String(contentsOf: file, encoding: .utf8)).status, 0)
            let applied = try server.psql(database: viaRetort, sql: upgrade.stdout)
            XCTAssertEqual(applied.status, 0, applied.stderr)
            XCTAssertEqual(comparable(try server.schemaDump(database: viaRetort)), comparable(try server.schemaDump(database: direct)), name)
            for database in [direct, viaRetort] { try server.dropDatabase(database) }
        }
    }

    func testPgDumpOfTheExampleDatabaseRoundTrips() throws {
        let schema = try String(contentsOf: packageRoot.appendingPathComponent("out/schema.sql"), encoding: .utf8)
        let (stderr, folder) = try roundTrip(schema, expectKeptInModels: false)
        // Its only unmodelled statement is pg_dump's comment on the extension.
        XCTAssertTrue(stderr.contains("1 statement Retort has no model element for"), stderr)
        XCTAssertTrue(stderr.contains("COMMENT ON EXTENSION citext"), stderr)
        let model = try String(contentsOf: folder.directory.appendingPathComponent("public.xml"), encoding: .utf8)
        // pg_dump's integer + sequence + OWNED BY + nextval default is a bigserial again,
        // identities added by ALTER TABLE are back on their columns, and the version table
        // the database carried is left out.
        XCTAssertTrue(model.contains(#"<column name="id" type="bigserial"/>"#), model)
        XCTAssertTrue(model.contains(#"identity="always""#), model)
        XCTAssertFalse(model.contains("retort_version"), model)
        XCTAssertFalse(model.contains("<sequence"), model)
    }

    func testPgDumpOfARealisticShopRoundTrips() throws {
        let sql = try String(contentsOf: fixtures.appendingPathComponent("shop.sql"), encoding: .utf8)
        let (stderr, folder) = try roundTrip(sql, expectKeptInModels: true)
        // Each statement Retort cannot model is listed with its place in the dump.
        for kept in ["CREATE FUNCTION public.touch_updated_at()", "CREATE TRIGGER orders_touch",
                     "ALTER TABLE billing.invoices ENABLE ROW LEVEL SECURITY", "CREATE POLICY invoices_recent"] {
            XCTAssertTrue(stderr.contains(kept), "\(kept) not listed in:\n\(stderr)")
        }
        XCTAssertTrue(stderr.range(of: #"dump\.sql:\d+:1: CREATE FUNCTION"#, options: .regularExpression) != nil, stderr)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.directory.path).sorted()
        XCTAssertEqual(files, ["billing.xml", "public.xml", "retort.xml", "revisions"])
        let billing = try String(contentsOf: folder.directory.appendingPathComponent("billing.xml"), encoding: .utf8)
        XCTAssertTrue(billing.contains(#"<schema name="billing" comment="Invoices and payments" format="1">"#), billing)
        XCTAssertTrue(billing.contains(#"references="public.orders(id)""#), billing)
        let baseline = try String(contentsOf: folder.directory.appendingPathComponent("revisions/0001_baseline.xml"), encoding: .utf8)
        XCTAssertTrue(baseline.contains("CREATE FUNCTION public.touch_updated_at()"), baseline)
        let publicModel = try String(contentsOf: folder.directory.appendingPathComponent("public.xml"), encoding: .utf8)
        XCTAssertTrue(publicModel.contains(#"expression="lower((sku)::text)""#), publicModel)
        XCTAssertTrue(publicModel.contains(#"method="gin""#), publicModel)
    }
}

/// The same command without a server: other dialects of DDL, bad input, and the rules
/// about where it writes.
final class SchemaImportCommandTests: XCTestCase {
    private let fixtures = packageRoot.appendingPathComponent("Tests/ImportFixtures")

    func testSQLAlchemyCreateAllDDLBecomesModelsAndABaseline() throws {
        let folder = try TemporaryProject([:])
        let run = try runRetort(["import", "schema", fixtures.appendingPathComponent("sqlalchemy.sql").path,
                                 "--into", folder.directory.path, "--baseline"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stderr, "")
        let model = try String(contentsOf: folder.directory.appendingPathComponent("public.xml"), encoding: .utf8)
        XCTAssertTrue(model.contains(#"<column name="id" type="serial"/>"#), model)
        XCTAssertTrue(model.contains(#"<column name="id" type="bigserial"/>"#), model)
        XCTAssertTrue(model.contains(#"<foreign-key name="posts_author_id_fkey" columns="author_id" references="users(id)" on-delete="cascade"/>"#), model)
        XCTAssertTrue(model.contains(#"<index name="ix_users_created_at" columns="created_at"/>"#), model)
        let check = try runRetort(["--project", folder.directory.path, "check"])
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
    }

    /// Retort's own schema script is a schema.sql too: imported, the project prints it back.
    func testRetortsOwnSchemaScriptImportsToTheSameSchema() throws {
        let folder = try TemporaryProject([:])
        let run = try runRetort(["import", "schema", "out/schema.sql", "--into", folder.directory.path, "--baseline"], cwd: packageRoot)
        XCTAssertEqual(run.status, 0, run.stderr)
        // The transaction around it and the version table's row are how it is run and where
        // it was: neither is schema, so nothing is kept.
        XCTAssertEqual(run.stderr, "")
        XCTAssertTrue(run.stdout.contains("left out retort_version"), run.stdout)
        let printed = try runRetort(["--project", folder.directory.path, "schema"])
        XCTAssertEqual(printed.status, 0, printed.stderr)
        let original = try String(contentsOf: packageRoot.appendingPathComponent("out/schema.sql"), encoding: .utf8)
        // Only what the example's settings and history add differ: its lock_timeout and head id.
        func body(_ script: String) -> [Substring] {
            script.split(separator: "\n").filter { !$0.hasPrefix("--") && !$0.hasPrefix("SET lock_timeout") && !$0.hasPrefix("INSERT INTO retort_version") }
        }
        XCTAssertEqual(body(printed.stdout), body(original))
        XCTAssertGreaterThan(body(original).count, 100)
    }

    func testTheSameDumpGivesTheSameBytes() throws {
        var outputs: [[String: Data]] = []
        for _ in 0..<2 {
            let folder = try TemporaryProject([:])
            let run = try runRetort(["import", "schema", fixtures.appendingPathComponent("sqlalchemy.sql").path,
                                     "--into", folder.directory.path, "--baseline"])
            XCTAssertEqual(run.status, 0, run.stderr)
            var files: [String: Data] = [:]
            for path in ["retort.xml", "public.xml", "revisions/0001_baseline.xml"] {
                files[path] = try Data(contentsOf: folder.directory.appendingPathComponent(path))
            }
            outputs.append(files)
        }
        XCTAssertEqual(outputs[0], outputs[1])
        let baseline = String(decoding: outputs[0]["revisions/0001_baseline.xml"]!, as: UTF8.self)
        XCTAssertTrue(baseline.contains(#"message="baseline imported from sqlalchemy.sql""#), baseline)
    }

    func testASyntaxErrorNamesItsPlaceAndWritesNothing() throws {
        let folder = try TemporaryProject(["dump.sql": "CREATE TABLE t (id int);\nCREATE TABLE u (id int,, x int);\n"])
        let target = folder.root.appendingPathComponent("imported")
        let run = try runRetort(["import", "schema", "dump.sql", "--into", target.path], cwd: folder.directory)
        XCTAssertEqual(run.status, 2)
        XCTAssertTrue(run.stderr.hasPrefix("dump.sql:2:24: error[sql-syntax]: syntax error at or near \",\""), run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: target.path), "an import that failed wrote \(target.path)")
    }

    func testAFolderWithRevisionsIsRefusedUnlessForced() throws {
        let folder = try TemporaryProject(["revisions/0001_x.xml": revisionXML("r1", "<create-table name=\"t\"><column name=\"id\" type=\"int\"/></create-table>")])
        let dump = fixtures.appendingPathComponent("sqlalchemy.sql").path
        let refused = try runRetort(["import", "schema", dump, "--into", folder.directory.path])
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("error[import-target-not-empty]"), refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.directory.appendingPathComponent("public.xml").path))
        let forced = try runRetort(["import", "schema", dump, "--into", folder.directory.path, "--force"])
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.directory.appendingPathComponent("public.xml").path))
    }

    /// A table Retort could model but whose column type an unmodelled statement makes (a
    /// domain) is kept with that statement, opaque, and the project still compiles; a
    /// downgrade below the baseline drops what the models declare.
    func testWhatDependsOnAnUnmodelledObjectIsKeptWithIt() throws {
        let folder = try TemporaryProject(["dump.sql": """
            CREATE DOMAIN public.email AS text CHECK (VALUE LIKE '%@%');
            CREATE TABLE public.people (id bigint NOT NULL, email public.email NOT NULL);
            CREATE TABLE public.notes (id bigint NOT NULL, body text);

            """])
        let target = folder.root.appendingPathComponent("imported")
        let run = try runRetort(["import", "schema", "dump.sql", "--into", target.path, "--baseline"], cwd: folder.directory)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("dump.sql:2:1: CREATE TABLE public.people (id bigint NOT NULL, email public.email NOT NULL) (create-table: unknown type"), run.stderr)
        let model = try String(contentsOf: target.appendingPathComponent("public.xml"), encoding: .utf8)
        XCTAssertTrue(model.contains(#"<table name="notes">"#), model)
        XCTAssertFalse(model.contains("people"), model)
        XCTAssertEqual(try runRetort(["--project", target.path, "check"]).status, 0)
        let upgrade = try runRetort(["--project", target.path, "upgrade", "--sql"])
        XCTAssertTrue(upgrade.stdout.contains("CREATE DOMAIN public.email"), upgrade.stdout)
        XCTAssertTrue(upgrade.stdout.contains("CREATE TABLE public.people"), upgrade.stdout)
        let downgrade = try runRetort(["--project", target.path, "downgrade", "head:base", "--sql"])
        XCTAssertEqual(downgrade.status, 0, downgrade.stderr)
        XCTAssertTrue(downgrade.stdout.contains("DROP TABLE notes"), downgrade.stdout)
        XCTAssertFalse(downgrade.stdout.contains("DROP TABLE people"), downgrade.stdout)
    }

    func testUnmodelledStatementsAreListedNotDropped() throws {
        let folder = try TemporaryProject(["dump.sql": """
            SET statement_timeout = 0;
            SELECT pg_catalog.set_config('search_path', '', false);
            CREATE TABLE public.t (id integer NOT NULL, touched timestamptz);
            CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.touched := now(); RETURN NEW; END $$;
            CREATE TRIGGER t_touch BEFORE UPDATE ON public.t FOR EACH ROW EXECUTE FUNCTION public.touch();

            """])
        let target = folder.root.appendingPathComponent("imported")
        let run = try runRetort(["import", "schema", "dump.sql", "--into", target.path], cwd: folder.directory)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("warning: 2 statements Retort has no model element for not imported (use --baseline"), run.stderr)
        XCTAssertTrue(run.stderr.contains("dump.sql:4:1: CREATE FUNCTION public.touch()"), run.stderr)
        XCTAssertTrue(run.stderr.contains("dump.sql:5:1: CREATE TRIGGER t_touch"), run.stderr)
        // The preamble is how to run the dump, not schema: neither listed nor imported.
        XCTAssertFalse(run.stderr.contains("SET statement_timeout"), run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: target.appendingPathComponent("revisions/0001_baseline.xml").path))
    }
}
