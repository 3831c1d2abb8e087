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

final class LintReporterTests: XCTestCase {
    let findings = [
        Finding(rule: "drop-column", severity: .error, category: .dataLoss, location: SourceLocation(file: "models/revisions/0002_b.xml", line: 4, column: 5),
                revision: "r2", message: "drops column t.c, \"quoted\"\nsecond line: 100%", help: "stop using it"),
        Finding(rule: "index-not-concurrent", severity: .warning, category: .locking, location: SourceLocation(file: "models/revisions/0003_c.xml", line: 7, column: 3),
                revision: "r3", message: "takes SHARE on t", help: "concurrently"),
    ]

    func testTextIsCompilerStyle() {
        let text = TextReporter.render(findings)
        XCTAssertTrue(text.hasPrefix("models/revisions/0002_b.xml:4:5: error[drop-column]: drops column t.c"))
        XCTAssertTrue(text.contains("  help: stop using it\n"))
        XCTAssertTrue(text.hasSuffix("1 error(s), 1 warning(s), 0 info\n"))
    }

    func testJSONHasExactlyTheSpecifiedShape() throws {
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try JSONReporter.render(findings).utf8)) as? [String: Any])
        XCTAssertEqual(Set(object.keys), ["findings", "summary"])
        let first = try XCTUnwrap((object["findings"] as? [[String: Any]])?.first)
        XCTAssertEqual(Set(first.keys), ["rule", "severity", "category", "file", "line", "column", "revision", "message", "help"])
        XCTAssertEqual(first["line"] as? Int, 4)
        XCTAssertEqual(first["file"] as? String, "models/revisions/0002_b.xml")
        XCTAssertEqual(object["summary"] as? [String: Int], ["error": 1, "warning": 1, "info": 0])
    }

    /// The structure SARIF 2.1.0's schema requires and GitHub code scanning reads.
    func testSARIFHasTheRequiredStructure() throws {
        let log = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try SARIFReporter.render(findings).utf8)) as? [String: Any])
        XCTAssertEqual(log["version"] as? String, "2.1.0")
        XCTAssertNotNil(log["$schema"])
        let run = try XCTUnwrap((log["runs"] as? [[String: Any]])?.first)
        let driver = try XCTUnwrap((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        XCTAssertEqual(driver["name"] as? String, "retort")
        let rules = try XCTUnwrap(driver["rules"] as? [[String: Any]])
        XCTAssertEqual(rules.count, LintCatalogue.rules.count)
        for rule in rules { XCTAssertNotNil(rule["id"] as? String); XCTAssertNotNil((rule["shortDescription"] as? [String: Any])?["text"]) }
        let results = try XCTUnwrap(run["results"] as? [[String: Any]])
        XCTAssertEqual(results.count, 2)
        for result in results {
            let ruleID = try XCTUnwrap(result["ruleId"] as? String)
            let index = try XCTUnwrap(result["ruleIndex"] as? Int)
            XCTAssertEqual(rules[index]["id"] as? String, ruleID)
            XCTAssertTrue(["error", "warning", "note", "none"].contains(result["level"] as? String ?? ""))
            XCTAssertNotNil((result["message"] as? [String: Any])?["text"] as? String)
            let physical = try XCTUnwrap(((result["locations"] as? [[String: Any]])?.first?["physicalLocation"]) as? [String: Any])
            XCTAssertNotNil((physical["artifactLocation"] as? [String: Any])?["uri"] as? String)
            let region = try XCTUnwrap(physical["region"] as? [String: Any])
            XCTAssertGreaterThanOrEqual(region["startLine"] as? Int ?? 0, 1)
        }
    }

    func testGitHubAnnotationsEscapeTheirValues() {
        let lines = GitHubReporter.render(findings).split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        XCTAssertTrue(lines[0].hasPrefix("::error file=models/revisions/0002_b.xml,line=4,col=5,title=drop-column::drops column t.c"))
        XCTAssertTrue(lines[0].contains("%0Asecond line: 100%25"))
        XCTAssertTrue(lines[1].hasPrefix("::warning file="))
    }

    func testLintCommandExitStatuses() throws {
        let clean = try runRetort(["--project", exampleProject.path, "lint"])
        XCTAssertEqual(clean.status, 0, clean.stdout + clean.stderr)
        let project = try TemporaryProject([
            "revisions/0000_base.xml": revisionXML("base0", LintExample.baseSchema),
            "revisions/0001_a.xml": revisionXML("a1", parent: "base0", "<create-index table=\"students\" columns=\"email\"/>"),
        ])
        XCTAssertEqual(try runRetort(["--project", project.directory.path, "lint"]).status, 0, "warnings alone pass")
        XCTAssertEqual(try runRetort(["--project", project.directory.path, "lint", "--strict"]).status, 1)
        try project.write("revisions/0002_b.xml", revisionXML("b2", parent: "a1", "<drop-table name=\"courses\"/>"))
        let failing = try runRetort(["--project", project.directory.path, "lint", "--format", "json"])
        XCTAssertEqual(failing.status, 1)
        XCTAssertTrue(failing.stdout.contains("\"rule\" : \"drop-table\""), failing.stdout)
        XCTAssertEqual(try runRetort(["--project", project.directory.path, "lint", "--format", "xml"]).status, 2)
        let explain = try runRetort(["explain", "drop-column"])
        XCTAssertEqual(explain.status, 0)
        XCTAssertTrue(explain.stdout.contains("Fails:") && explain.stdout.contains("Passes:") && explain.stdout.contains("Safe alternative:"))
        XCTAssertEqual(try runRetort(["explain", "no-such-rule"]).status, 2)
    }

    /// A project that does not compile: every format says why, with the diagnostic's id and
    /// position, and the exit status is 2.
    func testCompileErrorsReachEveryFormatWithTheirIDs() throws {
        let project = try TemporaryProject([
            "revisions/0000_base.xml": revisionXML("base0", LintExample.baseSchema),
            "revisions/0001_a.xml": revisionXML("a1", parent: "base0", "<drop-column table=\"students\" column=\"nope\"/>"),
        ])
        let lint = { (format: String) in try runRetort(["--project", project.directory.path, "lint", "--format", format]) }
        let text = try lint("text")
        XCTAssertEqual(text.status, 2)
        XCTAssertTrue(text.stderr.contains("revisions/0001_a.xml:4:1: error[column-missing]: "), text.stderr)

        let json = try lint("json")
        XCTAssertEqual(json.status, 2)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], json.stdout)
        XCTAssertEqual(Set(object.keys), ["findings", "summary", "errors"])
        let error = try XCTUnwrap((object["errors"] as? [[String: Any]])?.first)
        XCTAssertEqual(error["id"] as? String, "column-missing")
        XCTAssertEqual(error["line"] as? Int, 4)
        XCTAssertEqual(error["column"] as? Int, 1)
        XCTAssertTrue((error["file"] as? String ?? "").hasSuffix("revisions/0001_a.xml"))

        let sarif = try lint("sarif")
        XCTAssertEqual(sarif.status, 2)
        let log = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(sarif.stdout.utf8)) as? [String: Any])
        let invocation = try XCTUnwrap(((log["runs"] as? [[String: Any]])?.first?["invocations"] as? [[String: Any]])?.first)
        XCTAssertEqual(invocation["executionSuccessful"] as? Bool, false)
        let notification = try XCTUnwrap((invocation["toolExecutionNotifications"] as? [[String: Any]])?.first)
        XCTAssertEqual((notification["descriptor"] as? [String: Any])?["id"] as? String, "column-missing")

        let github = try lint("github")
        XCTAssertEqual(github.status, 2)
        XCTAssertTrue(github.stdout.hasPrefix("::error file="), github.stdout)
        XCTAssertTrue(github.stdout.contains("revisions/0001_a.xml,line=4,col=1,title=retort error[column-missing]::drop-column: "), github.stdout)
    }
}
