import XCTest
import Foundation
@testable import RetortModel
import RetortScripts
import RetortTestSupport

/// Scripts that stop part way and are run again: on the throwaway server, the k-th DDL
/// command of a script is made to fail, for every k, without editing the script (an event
/// trigger on `ddl_command_end` raises when a sequence reaches k; `nextval` is not undone
/// by the rollback). The trigger is then dropped (the cause fixed), the script that stopped
/// is run again, and the ones after it; the catalog and version rows must be exactly those
/// of a clean run. For the example and for a generated history with a branch, a merge and
/// non-transactional steps, in every transaction mode: `upgrade.sql` from base,
/// `downgrade.sql` from head, and the per-revision upgrade scripts one after another.
final class FaultInjectionTests: XCTestCase {
    /// The fault, installed disarmed: the k-th DDL command from when `retort_fault.at`
    /// says k fails (none while it says 0). All of it lives in schema `retort_fault`,
    /// which `disarm` drops.
    static let install = """
        CREATE SCHEMA retort_fault;
        CREATE SEQUENCE retort_fault.counter;
        CREATE TABLE retort_fault.at (k bigint NOT NULL);
        INSERT INTO retort_fault.at VALUES (0);
        CREATE FUNCTION retort_fault.fail() RETURNS event_trigger LANGUAGE plpgsql AS $$
        DECLARE
            at bigint := (SELECT k FROM retort_fault.at);
        BEGIN
            IF nextval('retort_fault.counter') = at THEN
                RAISE EXCEPTION 'retort test: injected fault at DDL command %', at;
            END IF;
        END
        $$;
        CREATE EVENT TRIGGER retort_fault ON ddl_command_end EXECUTE FUNCTION retort_fault.fail();

        """

    static func arm(_ at: Int) -> String { "UPDATE retort_fault.at SET k = \(at);\n" }

    static let disarm = "DROP EVENT TRIGGER retort_fault;\nDROP SCHEMA retort_fault CASCADE;\n"

    /// Appended to a script: psql then prints the catalog and the version rows, so the
    /// last run of a scenario needs no psql of its own to look at the result.
    static let snapshot = "\n\\pset format unaligned\n\\pset tuples_only on\n" + CatalogSnapshot.sql() + "\n"
        + CatalogSnapshot.versionRowsSQL(table: "retort_version") + "\n"

    /// One scenario: `setup` brings a new database to the starting point, then `scripts`
    /// run in order. Returns how many faults were injected and the problems found.
    func injectEveryFault(_ label: String, setup: [String], scripts: [String]) throws -> (faults: Int, problems: [String]) {
        let server = try PostgresServer.shared()
        func run(_ database: String, _ sql: String) throws -> PsqlResult { try server.psql(database: database, sql: sql) }

        // The starting point, with the fault installed, is the template of every run.
        let start = try server.createDatabase()
        defer { try? server.dropDatabase(start) }
        for script in setup + [Self.install] {
            let result = try run(start, script)
            XCTAssertEqual(result.status, 0, "\(label): setup: \(result.stderr)")
        }
        func copy() throws -> String {
            let database = try server.createDatabase(template: start)
            return database
        }

        // A clean run, counted: how many DDL commands the scripts execute.
        let clean = try copy()
        defer { try? server.dropDatabase(clean) }
        for script in scripts {
            let result = try run(clean, script)
            XCTAssertEqual(result.status, 0, "\(label): clean run: \(result.stderr)")
        }
        let commands = Int(try server.query(database: clean, "SELECT last_value FROM retort_fault.counter")) ?? 0
        let final = try run(clean, Self.disarm + Self.snapshot)
        XCTAssertEqual(final.status, 0, final.stderr)
        let expected = final.stdout
        XCTAssertTrue(expected.contains("retort_version"), expected)
        XCTAssertGreaterThan(commands, 5, "\(label): the scripts run DDL commands")

        func faultAt(_ k: Int) throws -> [String] {
            let database = try copy()
            defer { try? server.dropDatabase(database) }
            var stopped: Int?
            for (i, script) in scripts.enumerated() {
                let result = try run(database, (i == 0 ? Self.arm(k) : "") + script)
                if result.status != 0 {
                    guard result.stderr.contains("injected fault at DDL command \(k)") else { return ["failed on its own: \(result.stderr)"] }
                    stopped = i
                    break
                }
            }
            guard let stopped else { return ["no script stopped"] }
            var reached = ""
            for (i, script) in scripts[stopped...].enumerated() {
                let last = stopped + i == scripts.count - 1
                let result = try run(database, (i == 0 ? Self.disarm : "") + script + (last ? Self.snapshot : ""))
                if result.status != 0 { return ["the run again fails: \(result.stderr)"] }
                reached = result.stdout
            }
            return reached == expected ? [] : ["the run again ends elsewhere than a clean run:\n\(CatalogSnapshot.diff(expected, reached))"]
        }
        // Two at a time: each is a chain of psql runs that mostly waits on the server.
        let outcomes = inParallel(commands) { index in try faultAt(index + 1) }
        var problems: [String] = []
        for (index, outcome) in outcomes.enumerated() {
            let found: [String]
            switch outcome {
            case .success(let list): found = list
            case .failure(let error): found = ["\(error)"]
            }
            problems += found.map { "\(label), fault at DDL command \(index + 1): \($0)" }
        }
        return (commands, problems)
    }

    /// Every scenario of one compiled project.
    /// `perRevisionFiles`: also the per-revision upgrade scripts, one after another.
    func injectEveryFault(in project: CompiledProject, _ name: String, perRevisionFiles: Bool) throws -> (faults: Int, problems: [String]) {
        let upgrade = try String(contentsOf: project.script("upgrade.sql"), encoding: .utf8)
        let downgrade = try String(contentsOf: project.script("downgrade.sql"), encoding: .utf8)
        let folder = project.script("upgrade")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
            .map { try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8) }
        XCTAssertEqual(files.count, project.compilation.revisions.count)
        var faults = 0
        var problems: [String] = []
        var scenarios = [("upgrade.sql", [], [upgrade]), ("downgrade.sql", [upgrade], [downgrade])]
        if perRevisionFiles { scenarios.append(("upgrade/*.sql", [], files)) }
        for (label, setup, scripts) in scenarios {
            let (count, found) = try injectEveryFault("\(name) \(label)", setup: setup, scripts: scripts)
            faults += count
            problems += found
        }
        return (faults, problems)
    }

    /// The per-revision scripts of `single` mode are those of `per-revision` mode, byte for
    /// byte (one revision, one transaction), so they are injected once.
    private var perRevisionFilesSeen: [String: [String: Data]] = [:]
    func hasOwnFiles(_ project: CompiledProject, _ mode: TransactionMode) throws -> Bool {
        let folder = project.script("upgrade")
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            files[name] = try Data(contentsOf: folder.appendingPathComponent(name))
        }
        let key = project.compilation.project.directory.path
        if mode == .perRevision { perRevisionFilesSeen[key] = files }
        guard mode == .single else { return true }
        XCTAssertEqual(perRevisionFilesSeen[key], files, "single mode's per-revision scripts are per-revision mode's")
        return false
    }

    func testTheExampleFinishesAfterAFaultAtEveryDDLCommand() throws {
        var faults = 0
        for mode in [TransactionMode.perRevision, .single, .none] {
            let compiled = try CompiledProject(exampleProject, transaction: mode)
            let (count, problems) = try injectEveryFault(in: compiled, "example, transaction \(mode.rawValue),", perRevisionFiles: try hasOwnFiles(compiled, mode))
            XCTAssertEqual(problems, [], problems.prefix(5).joined(separator: "\n\n"))
            faults += count
        }
        print("FaultInjectionTests: the example, \(faults) faults injected and recovered from")
    }

    func testAGeneratedHistoryFinishesAfterAFaultAtEveryDDLCommand() throws {
        // The first seed whose 9 revisions (a branch every 4) build an index concurrently.
        var files: [String: String] = [:]
        for seed in UInt64(1)...100 {
            var generator = HistoryGenerator(seed: seed)
            generator.branchEvery = 4
            let revisions = (0..<9).map { _ in generator.nextRevision() }
            if revisions.contains(where: { $0.xml.contains("concurrently=\"true\"") }) {
                for revision in revisions { files["revisions/\(revision.stem).xml"] = revision.xml }
                break
            }
        }
        XCTAssertFalse(files.isEmpty, "a seed builds an index concurrently")
        let project = try TemporaryProject(files)
        var faults = 0
        for mode in [TransactionMode.perRevision, .single, .none] {
            let compiled = try CompiledProject(project.directory, transaction: mode)
            XCTAssertTrue(compiled.compilation.graph.revisions.contains { $0.parents.count == 2 }, "the history has a merge")
            let (count, problems) = try injectEveryFault(in: compiled, "generated history, transaction \(mode.rawValue),", perRevisionFiles: try hasOwnFiles(compiled, mode))
            XCTAssertEqual(problems, [], problems.prefix(5).joined(separator: "\n\n"))
            faults += count
        }
        print("FaultInjectionTests: a generated history, \(faults) faults injected and recovered from")
    }

    /// A failed `CREATE UNIQUE INDEX CONCURRENTLY` leaves an INVALID index behind, here with
    /// the name of an index the example builds concurrently. `upgrade.sql` drops it and
    /// builds its own: the result is a clean run's.
    func testAnInvalidIndexLeftByAFailedBuildIsDroppedAndBuiltAgain() throws {
        let server = try PostgresServer.shared()
        let project = try CompiledProject(exampleProject)
        let upgrade = try String(contentsOf: project.script("upgrade.sql"), encoding: .utf8)
        XCTAssertTrue(upgrade.contains("CREATE INDEX CONCURRENTLY attendance_section_date_idx"), "the example builds the index concurrently")
        let clean = try server.createDatabase()
        defer { try? server.dropDatabase(clean) }
        XCTAssertEqual(try server.psql(database: clean, sql: upgrade).status, 0)
        let expected = try server.psql(database: clean, sql: Self.snapshot).stdout

        let database = try server.createDatabase()
        defer { try? server.dropDatabase(database) }
        let failed = try server.psql(database: database, sql: """
            CREATE TABLE scratch (a integer);
            INSERT INTO scratch VALUES (1), (1);
            CREATE UNIQUE INDEX CONCURRENTLY attendance_section_date_idx ON scratch (a);
            """)
        XCTAssertNotEqual(failed.status, 0, "the unique build fails on the duplicate")
        XCTAssertEqual(try server.query(database: database, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'attendance_section_date_idx'::regclass"), "f")
        let run = try server.psql(database: database, sql: upgrade + "DROP TABLE scratch;\n" + Self.snapshot)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout, expected, CatalogSnapshot.diff(expected, run.stdout))
    }
}
