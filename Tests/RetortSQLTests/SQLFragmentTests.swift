import RetortSQL
import XCTest

final class SQLFragmentTests: XCTestCase {
    private func refusal(_ text: String, _ slot: SQLSlot) -> SQLFragmentError? {
        do { try SQLFragment.check(text, as: slot); return nil } catch { return error }
    }

    func testSyntaxErrorsPointIntoTheFragment() throws {
        let error = try XCTUnwrap(refusal("gpa >= 0 AND AND gpa", .check))
        XCTAssertEqual(error.id, "sql-syntax")
        XCTAssertEqual(error.message, "syntax error at or near \"AND\"")
        XCTAssertEqual(error.offset, 13)
        let open = try XCTUnwrap(refusal("lower((", .defaultValue))
        XCTAssertEqual(open.id, "sql-syntax")
        let view = try XCTUnwrap(refusal("SELEC * FROM students", .viewBody))
        XCTAssertEqual(view.message, "syntax error at or near \"SELEC\"")
        XCTAssertEqual(view.offset, 0)
    }

    func testAnExpressionSlotHoldsOneExpression() throws {
        let smuggled = try XCTUnwrap(refusal("'x'; DROP TABLE grades CASCADE; SELECT 'y'", .defaultValue))
        XCTAssertEqual(smuggled.id, "sql-slot")
        XCTAssertEqual(smuggled.message, "a default must be one expression; this one holds 3 statements")
        XCTAssertEqual(smuggled.offset, 5)
        XCTAssertEqual(refusal("1, 2", .check)?.message, "a check expression must be one expression; this one holds 2 expressions")
        XCTAssertEqual(refusal("1 FROM grades", .defaultValue)?.id, "sql-slot")
        XCTAssertEqual(refusal("1 AS x", .defaultValue)?.id, "sql-slot")
        XCTAssertEqual(refusal("1 -- one", .defaultValue)?.id, "sql-comment")
        XCTAssertNil(refusal("1 /* one */", .defaultValue))
        XCTAssertNil(refusal("now()", .defaultValue))
        XCTAssertNil(refusal("gpa BETWEEN 0 AND 4", .check))
    }

    func testAViewBodyIsOneQuery() throws {
        XCTAssertNil(refusal("WITH x AS (SELECT 1) SELECT * FROM x", .viewBody))
        XCTAssertNil(refusal("VALUES (1), (2)", .viewBody))
        XCTAssertEqual(refusal("SELECT 1; DROP TABLE t", .viewBody)?.message, "a view body must be one query; this one holds 2 statements")
        XCTAssertEqual(refusal("DELETE FROM t", .viewBody)?.id, "sql-slot")
    }

    func testScriptsSplitOnTheGrammarNotOnSemicolons() throws {
        let text = "-- c\nCREATE INDEX CONCURRENTLY i ON t (a); UPDATE t SET a = ';' -- x\n; DO $$ BEGIN PERFORM 1; END $$; SELECT E'\\';'"
        let script = try SQLScript.parse(text)
        XCTAssertEqual(script.statements.map(\.tag), ["IndexStmt", "UpdateStmt", "DoStmt", "SelectStmt"])
        XCTAssertEqual(script.statements[0].text, "-- c\nCREATE INDEX CONCURRENTLY i ON t (a)")
        XCTAssertEqual(script.statements[1].text, "UPDATE t SET a = ';'")
        XCTAssertEqual(script.statements[2].text, "DO $$ BEGIN PERFORM 1; END $$")
        XCTAssertEqual(script.statements[3].text, "SELECT E'\\';'")
        XCTAssertEqual(script.statements.map(\.refusedInTransaction), [true, false, false, false])
        XCTAssertTrue(try SQLScript.parse("COMMIT").statements[0].isTransactionControl)
        XCTAssertTrue(try SQLScript.parse("REINDEX INDEX CONCURRENTLY i").statements[0].refusedInTransaction)
        XCTAssertTrue(try SQLScript.parse("VACUUM t").statements[0].refusedInTransaction)
        XCTAssertFalse(try SQLScript.parse("ANALYZE t").statements[0].refusedInTransaction)
        for sql in ["ALTER TABLE p DETACH PARTITION c CONCURRENTLY", "CLUSTER", "DISCARD ALL"] {
            XCTAssertTrue(try SQLScript.parse(sql).statements[0].refusedInTransaction, sql)
        }
        // A constant with no position in the text (libpg_query writes location -1) is no trouble.
        XCTAssertNoThrow(try SQLExpression.parse("xmlroot(x, version '1.0', standalone yes)"))
    }

    func testExpressionFacts() throws {
        let e = try SQLExpression.parse("lower(\"Name\") || t.email || 'name'")
        XCTAssertEqual(e.columnNames, ["Name", "email"])
        XCTAssertEqual(e.renamingColumn(from: "email", to: "mail"), "lower(\"Name\") || t.mail || 'name'")
        XCTAssertEqual(e.functionNames, ["lower"])
        XCTAssertTrue(e.containsString("name"))
        XCTAssertEqual(try SQLExpression.parse("E'it\\'s'::status").renamingLiteral(from: "it's", to: "its"), "'its'::status")
        XCTAssertEqual(try SQLExpression.parse("lower(email)").indexColumnName, "lower")
        XCTAssertEqual(try SQLExpression.parse("(a)::int8").indexColumnName, "a")
        XCTAssertEqual(try SQLExpression.parse("1 + 2").indexColumnName, "expr")
        XCTAssertEqual(try SQLExpression.parse("CASE WHEN a THEN 1 END").indexColumnName, "case")
        XCTAssertTrue(try SQLExpression.parse("(a > 0) AND (b IS NOT NULL)").provesNotNull("b"))
        XCTAssertFalse(try SQLExpression.parse("a > 0 OR b IS NOT NULL").provesNotNull("b"))
        XCTAssertEqual(try SQLExpression.parse("gpa  >=  0").structure, try SQLExpression.parse("(GPA >= 0)").structure)
        // libpg_query's JSON loses negative integers; the parser reads them back from the text.
        XCTAssertNotEqual(try SQLExpression.parse("-5").structure, try SQLExpression.parse("0").structure)
        XCTAssertNotEqual(try SQLExpression.parse("x > -3").structure, try SQLExpression.parse("x > - 4").structure)
        XCTAssertEqual(try SQLExpression.parse("x > -3").structure, try SQLExpression.parse("x>- 3").structure)
    }

    func testKeywordListsAgreeWithTheScanner() throws {
        for (words, kind) in [(reservedKeywords, SQLToken.Keyword.reserved), (typeFunctionNameKeywords, .typeFunctionName), (columnNameKeywords, .columnName)] {
            for word in words {
                let tokens = try SQLParser.scan(word)
                XCTAssertEqual(tokens.first?.keyword, kind, word)
            }
        }
    }
}
