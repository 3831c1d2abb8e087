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

/// Every rule's documentation is its test: each failing example fires the rule exactly at
/// its marker, each passing example keeps it silent.
final class LintCatalogueTests: XCTestCase {
    /// Lints an example after the base schema; returns the findings and the marked location.
    func lint(_ example: LintExample) throws -> (findings: [Finding], marked: SourceLocation?) {
        var files = ["retort.xml": "<project name=\"example\" format=\"1\">\(example.settings)</project>\n",
                     "revisions/0000_base.xml": revisionXML("base0", LintExample.baseSchema)]
        var marked: SourceLocation?
        for (i, body) in example.revisions.enumerated() {
            let parent = example.siblings || i == 0 ? "base0" : "ex\(i)"
            let name = String(format: "%04d_example.xml", i + 1)
            let text = revisionXML("ex\(i + 1)", parent: parent, body)
            files["revisions/" + name] = text
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if let at = lines.firstIndex(where: { $0.contains("<!--!revision-->") }) {
                _ = at
                marked = SourceLocation(file: "proj/revisions/\(name)", line: 2, column: 1)
            } else if let at = lines.firstIndex(where: { $0.contains("/*!*/") }) {
                // Inside SQL text: the finding points at the token after the marker.
                let before = lines[at].components(separatedBy: "/*!*/")[0]
                marked = SourceLocation(file: "proj/revisions/\(name)", line: at + 1, column: before.utf8.count + 6)
            } else if let at = lines.firstIndex(where: { $0.contains("<!--!-->") }) {
                let line = lines[at + 1]
                let column = line.prefix { $0 == " " }.count + 1
                marked = SourceLocation(file: "proj/revisions/\(name)", line: at + 2, column: column)
            }
        }
        let project = try TemporaryProject(files)
        let (_, findings) = try Lint.run(try ProjectLoader.load(project.directory))
        return (findings.filter { !$0.location.file.hasSuffix("0000_base.xml") }, marked)
    }

    func testEveryRuleFiresOnItsFailingExamplesAndOnlyThere() throws {
        XCTAssertEqual(Set(LintCatalogue.rules.map(\.description.id)).count, LintCatalogue.rules.count, "rule ids are unique")
        // edited-revision needs a committed manifest; IntegrityTests covers it.
        for rule in LintCatalogue.rules.map(\.description) where rule.id != "edited-revision" {
            XCTAssertFalse(rule.failing.isEmpty, "\(rule.id) has a failing example")
            XCTAssertFalse(rule.passing.isEmpty, "\(rule.id) has a passing example")
            for example in rule.failing {
                let (findings, marked) = try lint(example)
                let mine = findings.filter { $0.rule == rule.id }
                let marker = try XCTUnwrap(marked, "\(rule.id): failing example without a marker")
                XCTAssertTrue(mine.contains { $0.location == marker }, "\(rule.id) must fire at \(marker); got \(mine.map { "\($0.location): \($0.message)" }) of \(findings.map(\.rule))")
                if let first = mine.first {
                    XCTAssertFalse(first.message.isEmpty)
                    XCTAssertEqual(first.help, rule.safeAlternative)
                }
            }
            for example in rule.passing {
                let (findings, _) = try lint(example)
                XCTAssertEqual(findings.filter { $0.rule == rule.id }.map(\.message), [], "\(rule.id) must stay silent")
            }
        }
    }

    func testStateAwareVerdicts() throws {
        func rules(_ body: String) throws -> Set<String> { Set(try lint(LintExample(body)).findings.map(\.rule)) }
        // Silent where SQL-text linters raise false alarms.
        XCTAssertFalse(try rules("<create-table name=\"t\"><column name=\"x\" type=\"int\"/></create-table>\n<create-index table=\"t\" columns=\"x\"/>").contains("index-not-concurrent"))
        XCTAssertTrue(try rules("<alter-column table=\"students\" column=\"email\" type=\"varchar(100)\"/>").isDisjoint(with: ["narrowing-type-change", "rewriting-type-change"]))
        XCTAssertTrue(try rules("<alter-column table=\"students\" column=\"nickname\" type=\"varchar(20)\"/>\n").contains("narrowing-type-change"))
        XCTAssertTrue(try rules("<alter-column table=\"students\" column=\"email\" type=\"text\"/>").isDisjoint(with: ["narrowing-type-change", "rewriting-type-change"]))
        XCTAssertTrue(try rules("<alter-column table=\"students\" column=\"score\" type=\"numeric(8,2)\"/>").isDisjoint(with: ["narrowing-type-change", "rewriting-type-change"]))
        XCTAssertTrue(try rules("<add-column table=\"students\"><column name=\"ok\" type=\"boolean\" nullable=\"false\" default=\"false\"/></add-column>").isDisjoint(with: ["add-required-column", "volatile-default"]))
        XCTAssertFalse(try rules("<add-column table=\"students\"><column name=\"c\" type=\"bigint\"/></add-column>\n<add-foreign-key table=\"students\" columns=\"c\" references=\"courses(id)\" not-valid=\"true\"/>").contains("foreign-key-not-valid"))
        // Firing where the state says it matters.
        XCTAssertTrue(try rules("<alter-column table=\"students\" column=\"id\" type=\"integer\"/>").contains("narrowing-type-change"))
        XCTAssertTrue(try rules("<alter-column table=\"students\" column=\"email\" type=\"varchar(10)\"/>").contains("narrowing-type-change"))
        XCTAssertTrue(try rules("<add-column table=\"students\"><column name=\"c\" type=\"text\" nullable=\"false\"/></add-column>").contains("add-required-column"))
        XCTAssertTrue(try rules("<create-index table=\"students\" columns=\"email\"/>").contains("index-not-concurrent"))
        XCTAssertTrue(try rules("<add-column table=\"students\"><column name=\"u\" type=\"uuid\" default=\"gen_random_uuid()\"/></add-column>").contains("volatile-default"))
        // The target version gates verdicts: before 11 every default rewrites.
        let old = try lint(LintExample("<add-column table=\"students\"><column name=\"ok\" type=\"boolean\" default=\"false\"/></add-column>", settings: "<target postgres=\"12\"/>"))
        XCTAssertFalse(old.findings.contains { $0.rule == "volatile-default" })
    }

    func testSinceTreatsObjectsCreatedAfterItAsNew() throws {
        let project = try TemporaryProject([
            "revisions/0000_base.xml": revisionXML("base0", LintExample.baseSchema),
            "revisions/0001_a.xml": revisionXML("a1", parent: "base0", "<create-table name=\"feature\"><column name=\"x\" type=\"int\"/></create-table>"),
            "revisions/0002_b.xml": revisionXML("b2", parent: "a1", "<create-index table=\"feature\" columns=\"x\"/>\n<create-index table=\"students\" columns=\"email\"/>"),
        ])
        let loaded = try ProjectLoader.load(project.directory)
        let all = try Lint.run(loaded).1.filter { $0.rule == "index-not-concurrent" }
        XCTAssertEqual(all.count, 2, "without --since, feature is an existing table in b2")
        let graph = try RevisionGraph(loaded.revisions)
        let since = try Lint.run(loaded, options: Linter.Options(since: graph.indexByID["base0"]!)).1.filter { $0.rule == "index-not-concurrent" }
        XCTAssertEqual(since.map(\.message).count, 1, "with --since base0, feature is new on the branch")
        XCTAssertTrue(since[0].message.contains("students"))
    }

    func testSeverityConfigurationAndUnknownRules() throws {
        let project = try TemporaryProject([
            "retort.xml": "<project format=\"1\"><lint><rule id=\"drop-column\" severity=\"off\"/><rule id=\"index-not-concurrent\" severity=\"error\"/></lint></project>",
            "revisions/0000_base.xml": revisionXML("base0", LintExample.baseSchema),
            "revisions/0001_a.xml": revisionXML("a1", parent: "base0", "<drop-column table=\"students\" column=\"nickname\"/>\n<create-index table=\"students\" columns=\"email\"/>"),
        ])
        let findings = try Lint.run(try ProjectLoader.load(project.directory)).1
        XCTAssertFalse(findings.contains { $0.rule == "drop-column" })
        XCTAssertEqual(findings.first { $0.rule == "index-not-concurrent" }?.severity, .error)
        try project.write("retort.xml", "<project format=\"1\"><lint><rule id=\"drop-colum\" severity=\"off\"/></lint></project>")
        assertDiagnostic(try Lint.run(try ProjectLoader.load(project.directory)), id: "unknown-lint-rule", contains: "did you mean 'drop-column'")
    }

    func testExampleProjectLintsClean() throws {
        let findings = try Lint.run(try ProjectLoader.load(exampleProject)).1
        XCTAssertEqual(findings.filter { $0.severity >= .warning }.map { "\($0.location) \($0.rule)" }, [])
    }

    func testDocsAreGeneratedFromTheRules() throws {
        let path = packageRoot.appendingPathComponent("docs/lint-rules.md")
        let committed = try String(contentsOf: path, encoding: .utf8)
        XCTAssertEqual(committed, LintCatalogue.markdown(), "docs/lint-rules.md is stale: run `make docs`")
    }

    /// Raw SQL that says what an operation says gets the operation's verdicts, at the
    /// statement's position: the linter reads the translated operations, not the text.
    func testRawSQLTwinsGetTheTypedVerdicts() throws {
        let twins: [(typed: String, raw: String)] = [
            (#"<drop-column table="students" column="nickname"/>"#, "ALTER TABLE students DROP COLUMN nickname"),
            (#"<drop-table name="courses"/>"#, "DROP TABLE courses"),
            (#"<rename-column table="students" from="nickname" to="alias"/>"#, "ALTER TABLE students RENAME COLUMN nickname TO alias"),
            (#"<rename-table from="courses" to="classes"/>"#, "ALTER TABLE courses RENAME TO classes"),
            (#"<add-column table="students"><column name="phone" type="text" nullable="false"/></add-column>"#, "ALTER TABLE students ADD COLUMN phone text NOT NULL"),
            (#"<create-index table="students" columns="email"/>"#, "CREATE INDEX ON students (email)"),
            (#"<drop-index name="students_nickname_idx"/>"#, "DROP INDEX students_nickname_idx"),
            (#"<alter-column table="students" column="nickname" nullable="false"/>"#, "ALTER TABLE students ALTER COLUMN nickname SET NOT NULL"),
            (#"<alter-column table="students" column="email" type="varchar(20)"/>"#, "ALTER TABLE students ALTER COLUMN email TYPE varchar(20)"),
            (#"<alter-column table="students" column="age" type="bigint"/>"#, "ALTER TABLE students ALTER COLUMN age TYPE bigint"),
            (#"<alter-column table="students" column="age" drop-default="true"/>"#, "ALTER TABLE students ALTER COLUMN age DROP DEFAULT"),
            (#"<add-unique table="courses" columns="title"/>"#, "ALTER TABLE courses ADD UNIQUE (title)"),
            (#"<add-check table="students" expression="age &gt; 0"/>"#, "ALTER TABLE students ADD CHECK (age &gt; 0)"),
            (#"<add-column table="students"><column name="token" type="double precision" default="random()"/></add-column>"#,
             "ALTER TABLE students ADD COLUMN token double precision DEFAULT random()"),
            (#"<create-index table="students" columns="email" concurrently="true"/>"#, "-- no lock\nCREATE INDEX CONCURRENTLY ON students (email)"),
            (#"<drop-sequence name="tickets"/>"#, "DROP SEQUENCE tickets"),
        ]
        for (typed, raw) in twins {
            let (typedFindings, _) = try lint(LintExample("<!--!-->\n" + typed))
            let (rawFindings, _) = try lint(LintExample("<sql>\(raw)</sql>"))
            let expected = typedFindings.map { "\($0.rule): \($0.message)" }.sorted()
            XCTAssertFalse(expected.isEmpty && raw.contains("DROP"), "\(typed) has verdicts")
            XCTAssertEqual(rawFindings.map { "\($0.rule): \($0.message)" }.sorted(), expected, raw)
            let statementColumn = raw.hasPrefix("--") ? 1 : 6
            for finding in rawFindings where finding.rule != "irreversible-revision" {
                XCTAssertEqual(finding.location.column, statementColumn, "\(raw): \(finding.rule) points at the statement")
            }
        }
    }
}
