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

/// The `retort` executable as users run it: exit statuses, diagnostics, atomic output.
final class CommandLineTests: XCTestCase {
    func testSqlCheckAcceptsTheCommittedExampleOutput() throws {
        let run = try runRetort(["--project", exampleProject.path, "sql", "--check"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("is up to date"))
    }

    func testBadInputExitsTwoWithALocatedDiagnosticAndLeavesOutUntouched() throws {
        let project = try TemporaryProject([
            "retort.xml": "<project name=\"p\" format=\"1\"><output dir=\"../out\"/></project>",
            "revisions/0001_a.xml": revisionXML("r1", "<create-table name=\"t\"><column name=\"id\" type=\"int\"/></create-table>"),
        ])
        XCTAssertEqual(try runRetort(["--project", project.directory.path, "sql"]).status, 0)
        let out = project.root.appendingPathComponent("out")
        let before = try snapshot(out)
        try project.write("revisions/0002_b.xml", revisionXML("r2", parent: "r1", "<drop-column table=\"t\" column=\"nope\"/>"))
        let run = try runRetort(["sql", "--project", "proj"], cwd: project.root)
        XCTAssertEqual(run.status, 2)
        XCTAssertEqual(run.stderr, "proj/revisions/0002_b.xml:4:1: error[column-missing]: drop-column: table \"t\" has no column \"nope\"\n")
        XCTAssertEqual(try snapshot(out), before, "a failed compile must not touch out/")
    }

    func testStaleOutputExitsOne() throws {
        let project = try TemporaryProject([
            "revisions/0001_a.xml": revisionXML("r1", "<create-table name=\"t\"><column name=\"id\" type=\"int\"/></create-table>"),
        ])
        XCTAssertEqual(try runRetort(["--project", project.directory.path, "sql"]).status, 0)
        try project.write("revisions/0002_b.xml", revisionXML("r2", parent: "r1", "<drop-table name=\"t\"/>"))
        let run = try runRetort(["--project", project.directory.path, "sql", "--check"])
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("missing: upgrade/0002_b.sql"), run.stderr)
        XCTAssertTrue(run.stderr.contains("changed: upgrade.sql"), run.stderr)
    }

    func testUsageErrorsExitTwo() throws {
        XCTAssertEqual(try runRetort(["--project", exampleProject.path, "upgrade", "head"]).status, 2, "upgrade without --sql")
        XCTAssertEqual(try runRetort(["--project", exampleProject.path, "no-such-command"]).status, 2)
        let unknown = try runRetort(["--project", exampleProject.path, "upgrade", "base:zzzz", "--sql"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("unknown revision 'zzzz'"), unknown.stderr)
    }

    func testEveryCommandHasHelp() throws {
        for command in ["init", "sql", "upgrade", "downgrade", "schema", "check", "history", "heads", "show"] {
            let run = try runRetort([command, "--help"])
            XCTAssertEqual(run.status, 0, command)
            XCTAssertTrue(run.stdout.contains("USAGE"), "\(command): \(run.stdout)")
            XCTAssertTrue(run.stdout.contains("--project"), command)
        }
    }

    func testUpgradeAndDowngradeRanges() throws {
        let up = try runRetort(["--project", exampleProject.path, "upgrade", "d2c9:f80d", "--sql"])
        XCTAssertEqual(up.status, 0, up.stderr)
        XCTAssertTrue(up.stdout.contains("-- Revision e5b1a8c3d749"))
        XCTAssertTrue(up.stdout.contains("-- Revision f80d6e2c1a34"))
        XCTAssertFalse(up.stdout.contains("-- Revision d2c94b7e0a55"))
        XCTAssertFalse(up.stdout.contains("CREATE TABLE IF NOT EXISTS"), "a range from a revision does not create the version table")

        let down = try runRetort(["--project", exampleProject.path, "downgrade", "head:-1", "--sql"])
        XCTAssertEqual(down.status, 0, down.stderr)
        XCTAssertTrue(down.stdout.contains("-- Downgrade revision 6a9d2e5c0b48"))
        XCTAssertTrue(down.stdout.contains("UPDATE retort_version SET version_num = '4e7b0c3a8f26' WHERE version_num = '6a9d2e5c0b48';"))
        XCTAssertTrue(down.stdout.contains("INSERT INTO retort_version (version_num) VALUES ('5f8c1d4b9a37');"))
    }

    func testCheckReportsDriftWithModelPositions() throws {
        let project = try TemporaryProject([
            "schema.xml": "<schema format=\"1\">\n  <table name=\"t\">\n    <column name=\"id\" type=\"int8\"/>\n  </table>\n</schema>\n",
            "revisions/0001_a.xml": revisionXML("r1", "<create-table name=\"t\"><column name=\"id\" type=\"bigint\"/></create-table>"),
        ])
        XCTAssertEqual(try runRetort(["--project", project.directory.path, "check"]).status, 0, "int8 and bigint are the same type")
        try project.write("schema.xml", "<schema format=\"1\">\n  <table name=\"t\">\n    <column name=\"id\" type=\"int4\"/>\n  </table>\n</schema>\n")
        let run = try runRetort(["--project", project.directory.path, "check"])
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("proj/schema.xml:2:3: relation t: differs"), run.stderr)
    }

    func testInitScaffoldsAProjectThatCompiles() throws {
        let project = try TemporaryProject([:])
        let target = project.root.appendingPathComponent("fresh")
        XCTAssertEqual(try runRetort(["init", target.path]).status, 0)
        let run = try runRetort(["--project", target.path, "sql"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try runRetort(["init", target.path]).status, 2, "init refuses to overwrite")
        // The folder name becomes the project name, escaped for its XML attribute.
        let odd = project.root.appendingPathComponent("a&\"b<c>")
        XCTAssertEqual(try runRetort(["init", odd.path]).status, 0)
        let compiled = try runRetort(["--project", odd.path, "sql"])
        XCTAssertEqual(compiled.status, 0, compiled.stderr)
    }

    /// Every file below `folder` with its bytes.
    func snapshot(_ folder: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            if let data = FileManager.default.contents(atPath: url.path) { result[url.path] = data }
        }
        return result
    }
}

/// `revision --autogenerate` as a user runs it: nothing to do, then a change in the models.
final class AutogenerateCommandTests: XCTestCase {
    func testAutogenerateWritesOnlyWhenTheModelsChanged() throws {
        let project = try TemporaryProject([:])
        try FileManager.default.removeItem(at: project.directory)
        try FileManager.default.copyItem(at: exampleProject, to: project.directory)
        let nothing = try runRetort(["revision", "--autogenerate", "-m", "nothing", "--project", "proj"], cwd: project.root)
        XCTAssertEqual(nothing.status, 0, nothing.stderr)
        XCTAssertTrue(nothing.stdout.hasPrefix("no changes"), nothing.stdout)
        let people = project.directory.appendingPathComponent("people.xml")
        var text = try String(contentsOf: people, encoding: .utf8)
        text = text.replacingOccurrences(of: "<column name=\"phone\" type=\"character varying(32)\"/>",
                                         with: "<column name=\"phone\" type=\"character varying(32)\"/>\n    <column name=\"nickname\" type=\"text\"/>")
        try text.write(to: people, atomically: true, encoding: .utf8)
        XCTAssertEqual(try runRetort(["check", "--project", "proj"], cwd: project.root).status, 1, "drift before the revision")
        let written = try runRetort(["revision", "--autogenerate", "-m", "nicknames", "--project", "proj"], cwd: project.root)
        XCTAssertEqual(written.status, 0, written.stderr)
        XCTAssertTrue(written.stdout.hasPrefix("proj/revisions/0014_nicknames.xml"), written.stdout)
        let revision = try String(contentsOf: project.root.appendingPathComponent(written.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), encoding: .utf8)
        XCTAssertTrue(revision.contains("<add-column table=\"students\">"), revision)
        XCTAssertEqual(try runRetort(["check", "--project", "proj"], cwd: project.root).status, 0, "no drift after it")
        XCTAssertEqual(try runRetort(["sql", "--project", "proj"], cwd: project.root).status, 0)
    }
}
