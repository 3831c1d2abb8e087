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

/// Every kind of bad input gets a diagnostic with its id, position and a useful message.
final class BadInputTests: XCTestCase {
    let base = """
            <create-table name="students">
              <column name="id" type="bigint" primary-key="true"/>
              <column name="email" type="text"/>
            </create-table>
        """

    /// Compiles a project whose first revision creates `students` and whose second holds `second`.
    func compile(second: String) throws -> Compilation {
        let project = try TemporaryProject([
            "revisions/0001_init.xml": revisionXML("r1", base),
            "revisions/0002_next.xml": revisionXML("r2", parent: "r1", second),
        ])
        return try project.compile()
    }

    func testUnknownElementSuggestsTheRightOne() {
        assertDiagnostic(try compile(second: "    <add-colum table=\"students\"/>"), id: "unknown-element",
                         file: "proj/revisions/0002_next.xml", line: 4, column: 5, contains: "did you mean 'add-column'")
    }

    func testUnknownAttributeSuggestsTheRightOne() {
        assertDiagnostic(try compile(second: "    <drop-column tabel=\"students\" column=\"email\"/>"), id: "unknown-attribute",
                         line: 4, column: 5, contains: "did you mean 'table'")
    }

    func testMissingAttribute() {
        assertDiagnostic(try compile(second: "    <drop-column table=\"students\"/>"), id: "missing-attribute", line: 4, contains: "'column'")
    }

    func testBadBoolean() {
        assertDiagnostic(try compile(second: "    <add-column table=\"students\"><column name=\"x\" type=\"int\" nullable=\"yes\"/></add-column>"),
                         id: "bad-value", line: 4, column: 34, contains: "true or false")
    }

    func testBadOnDelete() {
        assertDiagnostic(try compile(second: "    <add-foreign-key table=\"students\" columns=\"id\" references=\"students(id)\" on-delete=\"cascde\"/>"),
                         id: "bad-value", contains: "did you mean 'cascade'")
    }

    func testOperationOnMissingTable() {
        assertDiagnostic(try compile(second: "    <drop-table name=\"studnets\"/>"), id: "table-missing", line: 4, column: 5,
                         contains: "table \"studnets\" does not exist; did you mean 'students'?")
    }

    func testOperationOnMissingColumn() {
        assertDiagnostic(try compile(second: "    <drop-column table=\"students\" column=\"emial\"/>"), id: "column-missing",
                         contains: "has no column \"emial\"; did you mean 'email'?")
    }

    func testExpressionNamingAMissingColumn() {
        assertDiagnostic(try compile(second: "    <add-check table=\"students\" expression=\"emial &lt;&gt; ''\"/>"), id: "column-missing", line: 4, column: 5,
                         contains: "add-check: the check expression names column \"emial\", which table \"students\" does not have; did you mean 'email'?")
        assertDiagnostic(try compile(second: "    <create-index table=\"students\" expression=\"lower(emial)\"/>"), id: "column-missing",
                         contains: "the index expression names column \"emial\"")
        assertDiagnostic(try compile(second: "    <add-column table=\"students\"><column name=\"g\" type=\"text\" generated=\"g || email\"/></add-column>"),
                         id: "column-not-usable", contains: "the generation expression of column \"g\" cannot use generated column \"g\"")
    }

    func testDefaultNamingAColumnIsPointedAt() {
        assertDiagnostic(try compile(second: "    <add-column table=\"students\"><column name=\"x\" type=\"text\" default=\"upper(email)\"/></add-column>"),
                         id: "sql-slot", line: 4, column: 78, contains: "a default cannot name a column (\"email\")")
    }

    func testOperationOnMissingIndex() {
        assertDiagnostic(try compile(second: "    <drop-index name=\"students_email_idx\"/>"), id: "index-missing", contains: "index \"students_email_idx\" does not exist")
    }

    func testDuplicateColumnNamesBothPlaces() {
        assertDiagnostic(try compile(second: "    <add-column table=\"students\"><column name=\"email\" type=\"text\"/></add-column>"), id: "column-exists",
                         file: "proj/revisions/0002_next.xml", line: 4, column: 5,
                         contains: "add-column: column \"email\" already exists on table \"students\", added at proj/revisions/0001_init.xml:6:7")
    }

    func testRenameOntoAnExistingName() {
        assertDiagnostic(try compile(second: "    <rename-column table=\"students\" from=\"id\" to=\"email\"/>"), id: "column-exists", contains: "column \"email\" already exists")
    }

    func testForeignKeyToMissingColumn() {
        assertDiagnostic(try compile(second: "    <add-foreign-key table=\"students\" columns=\"id\" references=\"students(nope)\"/>"), id: "column-missing",
                         contains: "has no column \"nope\"")
    }

    func testIdentifierOver63Bytes() {
        let long = String(repeating: "x", count: 64)
        assertDiagnostic(try compile(second: "    <add-column table=\"students\"><column name=\"\(long)\" type=\"int\"/></add-column>"), id: "identifier-too-long",
                         contains: "64 bytes long; PostgreSQL's limit is 63 bytes")
    }

    func testUnknownType() {
        assertDiagnostic(try compile(second: "    <add-column table=\"students\"><column name=\"x\" type=\"bigitn\"/></add-column>"), id: "type-unknown",
                         contains: "unknown type \"bigitn\"; did you mean 'bigint'?")
    }

    func testNulInAttributeIsRejected() throws {
        let project = try TemporaryProject(["revisions/0001_a.xml": revisionXML("r1", "<sql>SELECT 1</sql>")])
        try project.write("revisions/0002_b.xml", revisionXML("r2", parent: "r1", "<add-column table=\"t\"><column name=\"a&#0;\" type=\"int\"/></add-column>"))
        XCTAssertThrowsError(try project.compile())
    }

    func testDuplicateRevisionId() throws {
        let project = try TemporaryProject([
            "revisions/0001_a.xml": revisionXML("r1", "<sql>SELECT 1</sql>"),
            "revisions/0002_b.xml": revisionXML("r1", "<sql>SELECT 2</sql>"),
        ])
        assertDiagnostic(try project.compile(), id: "duplicate-revision", file: "proj/revisions/0002_b.xml", line: 2, column: 1,
                         contains: "already used at proj/revisions/0001_a.xml:2:1")
    }

    func testDanglingParent() throws {
        let project = try TemporaryProject(["revisions/0001_a.xml": revisionXML("r1", parent: "r0", "<sql>SELECT 1</sql>")])
        assertDiagnostic(try project.compile(), id: "dangling-parent", line: 2, contains: "names parent r0, which does not exist")
    }

    func testCycle() throws {
        let project = try TemporaryProject([
            "revisions/0001_a.xml": revisionXML("r1", parent: "r2", "<sql>SELECT 1</sql>"),
            "revisions/0002_b.xml": revisionXML("r2", parent: "r1", "<sql>SELECT 2</sql>"),
            "revisions/0003_c.xml": revisionXML("r3", "<sql>SELECT 3</sql>"),
        ])
        assertDiagnostic(try project.compile(), id: "cycle", contains: "cycle: r2 -> r1 -> r2")
    }

    func testMalformedRevisionId() throws {
        let project = try TemporaryProject(["revisions/0001_a.xml": revisionXML("bad-id", "<sql>SELECT 1</sql>")])
        assertDiagnostic(try project.compile(), id: "bad-value", contains: "[A-Za-z0-9_]{1,32}")
    }

    func testEmptyAndNonUTF8Files() throws {
        let project = try TemporaryProject([:])
        try project.writeBytes("revisions/0001_a.xml", [])
        assertDiagnostic(try project.compile(), id: "xml-empty", file: "proj/revisions/0001_a.xml", line: 1, column: 1, contains: "empty")
        try project.writeBytes("revisions/0001_a.xml", Array("<revision id=\"r1\">".utf8) + [0xFF])
        assertDiagnostic(try project.compile(), id: "xml-encoding", line: 1, column: 19, contains: "UTF-8")
    }

    func testDoctypeInARevisionFile() throws {
        let project = try TemporaryProject(["revisions/0001_a.xml": "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<revision id=\"r1\"><upgrade><sql>&x;</sql></upgrade></revision>\n"])
        assertDiagnostic(try project.compile(), id: "xml-forbidden", file: "proj/revisions/0001_a.xml", line: 2, contains: "DOCTYPE")
    }

    func testIrreversibleDowngradeIsNamed() throws {
        let compilation = try compile(second: "    <sql>UPDATE students SET email = lower(email)</sql>")
        let second = try XCTUnwrap(compilation.revisions.first { $0.revision.id == "r2" })
        // The statement inside <sql> that has no reverse.
        XCTAssertEqual(second.irreversibleAt, SourceLocation(file: "proj/revisions/0002_next.xml", line: 4, column: 10))
    }

    func testExplicitDowngradeThatDoesNotUndoIsCaught() throws {
        let project = try TemporaryProject([
            "revisions/0001_init.xml": revisionXML("r1", base),
            "revisions/0002_next.xml": revisionXML("r2", parent: "r1", "<add-column table=\"students\"><column name=\"x\" type=\"int\"/></add-column>",
                                                   downgrade: "<add-column table=\"students\"><column name=\"y\" type=\"int\"/></add-column>"),
        ])
        assertDiagnostic(try project.compile(), id: "downgrade-mismatch", contains: "does not restore the previous state of relation students")
    }

    /// A check naming an enum column with the renamed value as text: Retort cannot tell an
    /// enum constant (which PostgreSQL renames) from text (which it does not).
    func testRenamingAnEnumValueThatAnExpressionComparesWith() throws {
        let project = try TemporaryProject([
            "revisions/0001_init.xml": revisionXML("r1", """
                <create-enum name="mood"><value>happy</value></create-enum>
                <create-table name="t"><column name="m" type="mood"/><check expression="m &lt;&gt; 'happy'"/></create-table>
                """),
            "revisions/0002_next.xml": revisionXML("r2", parent: "r1", #"    <rename-enum-value enum="mood" from="happy" to="glad"/>"#),
        ])
        assertDiagnostic(try project.compile(), id: "enum-rename-in-sql-text", file: "proj/revisions/0002_next.xml", line: 4,
                         contains: "check \"t_m_check\" of table \"t\" compares column \"m\" with \"happy\"")
    }
}
