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
        // INCLUDE columns count: CREATE INDEX ON t (a) INCLUDE (b) is t_a_b_idx; (a, a) is t_a_a1_idx.
        XCTAssertEqual(PostgresNaming.indexColumnPart([.column("a")], include: ["b"]), "a_b")
        XCTAssertEqual(PostgresNaming.indexColumnPart([.column("a"), .column("a")]), "a_a1")
        // What PostgreSQL 15 names these (FigureIndexColname), read from its catalog.
        let expected = [
            "(a)": "a", "(a + 1)::integer": "int4", "b::character varying": "b", "(a + 1)::double precision": "float8",
            "CAST(b AS text)": "b", "pg_catalog.upper(b)": "upper", "CASE WHEN a > 0 THEN 1 ELSE a END": "a",
            "CASE WHEN a > 0 THEN 1 END": "case", "(CASE WHEN a > 0 THEN 1 END)::bigint": "int8", "b COLLATE \"C\"": "b",
            "trim(b)": "btrim", "r[1]": "r", "nullif(a, 0)": "nullif", "greatest(a, 1)": "greatest", "ARRAY[a, 1]": "array",
            "\"C x\" || $$it's$$": "expr", "a::numeric(10,2)": "a", "-a": "expr", "substring(b, 1, 2)": "substring",
            "extract(year from d)": "extract", "\"is\" + 1": "expr", "name || 'x'": "expr", "between + 1": "expr",
            "\"Mixed\"::text": "Mixed",
        ]
        for (expression, name) in expected {
            XCTAssertEqual(ExpressionFacts.figureColumnName(expression), name, expression)
        }
    }

    func testColumnReferencesSkipKeywordsLiteralsTypesAndComments() {
        let cases: [(String, [String], [String])] = [
            ("\"c\" IS NOT NULL", ["c", "is", "not", "null"], ["c"]),
            ("\"c\" BETWEEN -1000 AND 100000", ["c", "between", "and"], ["c"]),
            ("between + 1", ["between"], ["between"]),
            ("$$a$$ <> \"b\"", ["a", "b"], ["b"]),
            ("$q$ a $q$ <> b", ["a", "b", "q"], ["b"]),
            ("E'it\\'s' <> \"b\"", ["s", "b"], ["b"]),
            ("x::text <> 'y'", ["x", "text", "y"], ["x"]),
            ("\"c\"::character varying <> ''", ["c", "character", "varying"], ["c"]),
            ("/* a */ b /* c */", ["a", "b", "c"], ["b"]),
            ("x AT TIME ZONE 'UTC'", ["x", "at", "time", "zone"], ["x"]),
            ("date '2020-01-01' < d", ["date", "d"], ["d"]),
        ]
        for (expression, columns, referenced) in cases {
            XCTAssertEqual(ExpressionFacts.columnsReferenced(in: expression, among: columns), referenced, expression)
        }
        XCTAssertEqual(ExpressionFacts.renamingColumn(in: "text::text <> 'text'", from: "text", to: "body"), "body::text <> 'text'")
        XCTAssertEqual(ExpressionFacts.canonicalizingReferences(in: "\"c3\" > C3 AND \"Mixed\" <> 'c3' AND lower(x) = \"user\"", to: ["c3", "Mixed", "user", "x"]),
                       "c3 > c3 AND \"Mixed\" <> 'c3' AND lower(x) = \"user\"")
        XCTAssertEqual(ExpressionFacts.renamingColumn(in: "$$a$$ || a", from: "a", to: "\"A\""), "$$a$$ || \"A\"")
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
