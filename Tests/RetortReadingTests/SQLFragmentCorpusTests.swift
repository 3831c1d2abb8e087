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

/// Broken and smuggled SQL in every slot, in models and in revisions: each is refused with
/// its id at the exact line and column inside the attribute or the element text, through
/// XML entity and character references.
final class SQLFragmentCorpusTests: XCTestCase {
    /// One case: XML with `§` where the diagnostic must point (removed before writing).
    struct Case {
        var xml: String
        var id: String
        var message: String
    }

    /// Where `§` is in `text` (1-based line and byte column), and the text without it.
    func marked(_ text: String) -> (text: String, line: Int, column: Int) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (n, line) in lines.enumerated() {
            if let range = line.range(of: "§") {
                let column = line[..<range.lowerBound].utf8.count + 1
                return (text.replacingOccurrences(of: "§", with: ""), n + 1, column)
            }
        }
        XCTFail("no marker in \(text)")
        return (text, 0, 0)
    }

    static let revisionCases: [Case] = [
        Case(xml: "<add-column table=\"students\"><column name=\"x\" type=\"int\" default=\"lower((§\"/></add-column>",
             id: "sql-syntax", message: "syntax error at end of input"),
        Case(xml: "<add-column table=\"students\"><column name=\"x\" type=\"text\" default=\"'x'; §DROP TABLE grades CASCADE; SELECT 'y'\"/></add-column>",
             id: "sql-slot", message: "a default must be one expression; this one holds 3 statements"),
        Case(xml: "<add-column table=\"students\"><column name=\"x\" type=\"int\" generated=\"id + + §)\"/></add-column>",
             id: "sql-syntax", message: "syntax error at or near \")\""),
        Case(xml: "<add-check table=\"students\" expression=\"id &gt;= 0 AND §AND id\"/>",
             id: "sql-syntax", message: "syntax error at or near \"AND\""),
        Case(xml: "<add-check table=\"students\" expression=\"id &gt; 0, §id &lt; 9\"/>",
             id: "sql-slot", message: "a check expression must be one expression; this one holds 2 expressions"),
        Case(xml: "<create-index table=\"students\" expression=\"lower(email §email)\"/>",
             id: "sql-syntax", message: "syntax error at or near \"email\""),
        Case(xml: "<create-index table=\"students\" columns=\"email\" where=\"email &lt;&gt; '&#233;' §)\"/>",
             id: "sql-syntax", message: "syntax error at or near \")\""),
        Case(xml: "<alter-column table=\"students\" column=\"id\" type=\"text\" using=\"id::text §-- id\"/>",
             id: "sql-comment", message: "a using expression cannot hold a -- comment"),
        Case(xml: "<alter-column table=\"students\" column=\"email\" default=\"'a' §FROM students\"/>",
             id: "sql-slot", message: "a default must be one expression; this one goes on with FROM"),
        Case(xml: "<create-view name=\"v\">\n      §SELEC * FROM students\n    </create-view>",
             id: "sql-syntax", message: "syntax error at or near \"SELEC\""),
        Case(xml: "<create-view name=\"v\">SELECT 1; §DROP TABLE students</create-view>",
             id: "sql-slot", message: "a view body must be one query; this one holds 2 statements"),
        Case(xml: "<create-view name=\"v\">§DELETE FROM students RETURNING id</create-view>",
             id: "sql-slot", message: "a view body must be one query (SELECT, WITH or VALUES), not DELETE"),
        Case(xml: "<sql><forward>UPDATE students SET email = 'a&amp;b' WHERE id = 1;\n      UPDATE students SET §WHERE id = 2</forward><reverse/></sql>",
             id: "sql-syntax", message: "syntax error at or near \"WHERE\""),
        Case(xml: "<sql><forward>SELECT 1</forward><reverse><![CDATA[SELECT 1 < 2 §) ]]></reverse></sql>",
             id: "sql-syntax", message: "syntax error at or near \")\""),
        Case(xml: "<sql>SELECT §$$ unterminated </sql>",
             id: "sql-syntax", message: "unterminated dollar-quoted string"),
    ]

    static let modelCases: [Case] = [
        Case(xml: "<table name=\"t\"><column name=\"a\" type=\"int\" default=\"1 +§\"/></table>", id: "sql-syntax", message: "syntax error at end of input"),
        Case(xml: "<table name=\"t\"><column name=\"a\" type=\"int\" generated=\"a §b\"/></table>", id: "sql-slot", message: "goes on with AS"),
        Case(xml: "<table name=\"t\"><column name=\"a\" type=\"int\"/><check expression=\"a &gt; 0; §SELECT 1\"/></table>",
             id: "sql-slot", message: "a check expression must be one expression; this one holds 2 statements"),
        Case(xml: "<table name=\"t\"><column name=\"a\" type=\"int\"/><index expression=\"(a §\"/></table>", id: "sql-syntax", message: "syntax error at end of input"),
        Case(xml: "<table name=\"t\"><column name=\"a\" type=\"int\"/><index columns=\"a\" where=\"a = §= 1\"/></table>", id: "sql-syntax", message: "syntax error at or near \"=\""),
        Case(xml: "<view name=\"v\">SELECT 1 FROM §)</view>", id: "sql-syntax", message: "syntax error at or near \")\""),
        Case(xml: "<view name=\"v\">\n    SELECT a FROM t;\n    §SELECT 2\n  </view>", id: "sql-slot", message: "this one holds 2 statements"),
    ]

    func testRevisionSlots() throws {
        for item in Self.revisionCases {
            let text = revisionXML("r2", parent: "r1", "    " + item.xml)
            let (clean, line, column) = marked(text)
            let project = try TemporaryProject([
                "revisions/0001_init.xml": revisionXML("r1", """
                    <create-table name="students">
                      <column name="id" type="bigint" primary-key="true"/>
                      <column name="email" type="text"/>
                    </create-table>
                    """),
                "revisions/0002_next.xml": clean,
            ])
            assertDiagnostic(try project.compile(), id: item.id, file: "proj/revisions/0002_next.xml", line: line, column: column, contains: item.message)
        }
    }

    func testModelSlots() throws {
        for item in Self.modelCases {
            let text = "<schema format=\"1\">\n  \(item.xml)\n</schema>\n"
            let (clean, line, column) = marked(text)
            let project = try TemporaryProject(["tables.xml": clean])
            assertDiagnostic(try project.compile(), id: item.id, file: "proj/tables.xml", line: line, column: column, contains: item.message)
        }
    }

    /// A file with CR LF line endings and the SQL in CDATA: libxml2 hands CDATA over with its
    /// CR LF (plain text gets LF), and the position still lands on the right line and column.
    func testPositionsInCDATAWithWindowsLineEndings() throws {
        let body = "<sql><forward><![CDATA[UPDATE students SET email = 'a' WHERE id < 1;\nUPDATE students SET §WHERE id = 2]]></forward><reverse/></sql>"
        let (clean, line, column) = marked(revisionXML("r2", parent: "r1", body))
        let project = try TemporaryProject([
            "revisions/0001_init.xml": revisionXML("r1", "<create-table name=\"students\"><column name=\"id\" type=\"int\"/><column name=\"email\" type=\"text\"/></create-table>"),
            "revisions/0002_next.xml": clean.replacingOccurrences(of: "\n", with: "\r\n"),
        ])
        assertDiagnostic(try project.compile(), id: "sql-syntax", file: "proj/revisions/0002_next.xml", line: line, column: column, contains: "\"WHERE\"")
    }

    /// The whole command: exit 2, `path:line:col: error[sql-syntax]: ...`, and `out/` as it was.
    func testTheCommandRefusesAndLeavesOutputAlone() throws {
        let project = try TemporaryProject([
            "revisions/0001_init.xml": revisionXML("r1", "<create-table name=\"t\"><column name=\"a\" type=\"int\"/></create-table>"),
        ])
        XCTAssertEqual(try runRetort(["--project", project.directory.path, "sql"]).status, 0)
        let before = try FileManager.default.contentsOfDirectory(atPath: project.directory.deletingLastPathComponent().appendingPathComponent("out").path).sorted()
        try project.write("revisions/0002_b.xml", revisionXML("r2", parent: "r1", "<add-check table=\"t\" expression=\"a &gt;= 0 AND AND a\"/>"))
        let run = try runRetort(["--project", project.directory.path, "sql"])
        XCTAssertEqual(run.status, 2)
        XCTAssertTrue(run.stderr.hasPrefix("proj/revisions/0002_b.xml:4:48: error[sql-syntax]: syntax error at or near \"AND\""), run.stderr)
        let after = try FileManager.default.contentsOfDirectory(atPath: project.directory.deletingLastPathComponent().appendingPathComponent("out").path).sorted()
        XCTAssertEqual(before, after)
    }
}
