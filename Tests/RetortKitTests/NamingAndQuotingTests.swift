import XCTest
@testable import RetortKit

final class NamingAndQuotingTests: XCTestCase {
    func testQuoteIdentMatchesPostgres() {
        XCTAssertEqual(Quoting.identifier("students"), "students")
        XCTAssertEqual(Quoting.identifier("name"), "name")          // unreserved keyword: bare
        XCTAssertEqual(Quoting.identifier("user"), "\"user\"")      // reserved
        XCTAssertEqual(Quoting.identifier("left"), "\"left\"")      // type/function name keyword
        XCTAssertEqual(Quoting.identifier("integer"), "\"integer\"") // column name keyword
        XCTAssertEqual(Quoting.identifier("Mixed"), "\"Mixed\"")
        XCTAssertEqual(Quoting.identifier("a\"b"), "\"a\"\"b\"")
        XCTAssertEqual(Quoting.identifier("1abc"), "\"1abc\"")
        XCTAssertEqual(Quoting.identifier("élève"), "\"élève\"")
        XCTAssertEqual(Quoting.identifier("a b"), "\"a b\"")
    }

    func testLiteralsCannotBreakOut() {
        XCTAssertEqual(Quoting.literal("it's"), "'it''s'")
        XCTAssertEqual(Quoting.literal("back\\slash'"), "E'back\\\\slash'''")
        XCTAssertEqual(Quoting.literal("$$x$$\n"), "'$$x$$\n'")
    }

    func testPostgresNamesForUnnamedObjects() {
        XCTAssertEqual(PostgresNaming.makeObjectName("students", nil, "pkey"), "students_pkey")
        XCTAssertEqual(PostgresNaming.makeObjectName("students", "email", "key"), "students_email_key")
        XCTAssertEqual(PostgresNaming.makeObjectName("students", PostgresNaming.columnPart(["first_name", "last_name"]), "key"),
                       "students_first_name_last_name_key")
        // The reference's examples: 50 × t with 40 × c, and a 63-byte table's primary key.
        XCTAssertEqual(PostgresNaming.makeObjectName(String(repeating: "t", count: 50), String(repeating: "c", count: 40), "key"),
                       String(repeating: "t", count: 29) + "_" + String(repeating: "c", count: 29) + "_key")
        XCTAssertEqual(PostgresNaming.makeObjectName(String(repeating: "x", count: 63), nil, "pkey"), String(repeating: "x", count: 58) + "_pkey")
        // Truncation never splits a UTF-8 character.
        let name = PostgresNaming.makeObjectName(String(repeating: "é", count: 40), nil, "pkey")
        XCTAssertLessThanOrEqual(name.utf8.count, 63)
        XCTAssertTrue(name.hasSuffix("_pkey"))
    }

    func testDeduplicationAddsANumberToTheLabel() {
        let taken: Set<String> = ["t_a_idx", "t_a_idx1"]
        XCTAssertEqual(PostgresNaming.choose("t", "a", "idx") { taken.contains($0) }, "t_a_idx2")
    }

    func testIndexExpressionNames() {
        XCTAssertEqual(PostgresNaming.indexColumnPart([.expression("lower(email)")]), "lower")
        XCTAssertEqual(PostgresNaming.indexColumnPart([.expression("a + b"), .expression("a * b")]), "expr_expr1")
    }

    func testStateNamesUnnamedConstraintsLikePostgres() throws {
        let project = try TemporaryProject([
            "revisions/0001_a.xml": revisionXML("r1", """
                <create-table name="t">
                  <column name="id" type="int" primary-key="true"/>
                  <column name="email" type="text" unique="true"/>
                  <column name="age" type="int"/>
                  <check expression="age &gt; 0"/>
                  <check expression="age &lt; email::int"/>
                  <index columns="age"/>
                  <index expression="lower(email)"/>
                </create-table>
                <create-index table="t" columns="age"/>
                """),
        ])
        let table = try XCTUnwrap(try project.compile().headState.table(QualifiedName(schema: "public", name: "t")))
        XCTAssertEqual(table.constraints.map(\.name).sorted(), ["t_age_check", "t_check", "t_email_key", "t_pkey"])
        XCTAssertEqual(table.indexes.map(\.name).sorted(), ["t_age_idx", "t_age_idx1", "t_lower_idx"])
    }
}
