import XCTest
import RetortSQL
import RetortModel
@testable import RetortRendering

/// The serializer is the one place SQL text is made. These tests render statements whose
/// names and texts try to break out of their quotes, and read the result back with
/// PostgreSQL's parser: one statement each, holding exactly the names it was given.
final class SQLSerializerTests: XCTestCase {
    let hostile = [
        #"x"; DROP TABLE students; --"#, "Mixed Case", "select", "a.b", "tab\tname", "naïve", #"q""q"#, "$retort$", "-- c", "/* c */",
    ]

    /// Every schema, relation and column name in a parse tree, as `field=name`, sorted.
    private func names(in node: SQLNode) -> [String] {
        var found: [String] = []
        node.walk { _, body in
            for field in ["schemaname", "relname", "colname"] {
                if let name = body[field]?.string { found.append("\(field)=\(name)") }
            }
        }
        return found.sorted()
    }

    private func parsedOne(_ statement: Statement, file: StaticString = #filePath, line: UInt = #line) throws -> SQLScript.Statement {
        let sql = statement.sql
        let script = try SQLScript.parse(sql)
        XCTAssertEqual(script.statements.count, 1, "one statement: \(sql)", file: file, line: line)
        return try XCTUnwrap(script.statements.first, file: file, line: line)
    }

    func testHostileNamesStayInsideTheirQuotes() throws {
        for name in hostile {
            let table = QualifiedName(schema: name, name: name)
            var column = Column(name: name, type: .text)
            column.defaultExpression = "'x'"
            let statements = PostgresRenderer.render(.addColumn(table, column, ownedSequence: nil))
            let parsed = try parsedOne(try XCTUnwrap(statements.first))
            XCTAssertEqual(parsed.tag, "AlterTableStmt")
            XCTAssertEqual(parsed.body["relation"]?["schemaname"]?.string, name)
            XCTAssertEqual(parsed.body["relation"]?["relname"]?.string, name)
            XCTAssertEqual(names(in: parsed.parsed.node), ["colname=\(name)"], "one column, named \(name)")
            XCTAssertEqual(statements.first?.kind, .alterTable(table))

            let drop = try parsedOne(try XCTUnwrap(PostgresRenderer.render(.dropTable(table)).first))
            XCTAssertEqual(drop.tag, "DropStmt")
            XCTAssertEqual(drop.body["objects"]?.array.first?.node("List")?["items"]?.names, [name, name])
        }
    }

    func testHostileLiteralsStayInsideTheirQuotes() throws {
        let texts = ["it's", #"back\slash"#, "'); DROP TABLE students; --", "$$", "$retort$ END $retort$", "line\nbreak"]
        for text in texts {
            let comment = try parsedOne(try XCTUnwrap(PostgresRenderer.render(.comment(.table(QualifiedName(schema: "public", name: "t")), text)).first))
            XCTAssertEqual(comment.tag, "CommentStmt")
            XCTAssertEqual(comment.body["comment"]?.string, text)

            // A DO block whose message holds the dollar tag the serializer would pick first.
            let raise = PostgresRenderer.raise(text)
            let parsed = try parsedOne(raise)
            XCTAssertEqual(parsed.tag, "DoStmt")
            XCTAssertEqual(raise.kind, .check)
            let body = try XCTUnwrap(parsed.body["args"]?.array.first?.node("DefElem")?["arg"]?.stringValue)
            XCTAssertTrue(body.contains("RAISE EXCEPTION"), body)
        }
        XCTAssertTrue(PostgresRenderer.raise("$retort$").sql.hasPrefix("DO $retort1$"), "the tag avoids the body")
    }

    func testSpacingGlueAndLists() {
        let statement = Statement(.alterTable(QualifiedName(schema: "public", name: "t")), [
            "ALTER TABLE", .name(QualifiedName(schema: "s", name: "t")), "ALTER COLUMN", .identifier("c"),
            "TYPE", .type(SQLType(base: "numeric", modifiers: [10, 2], arrayDepth: 1)), "USING", .identifier("c"), .glue("::"), .type(.text),
        ])
        XCTAssertEqual(statement.sql, "ALTER TABLE s.t ALTER COLUMN c TYPE numeric(10,2)[] USING c::text;")
        let lines = Statement(.createTable(QualifiedName(schema: "public", name: "t")), [
            "CREATE TABLE", .name(QualifiedName(schema: "public", name: "t")),
            .lines([[.identifier("a"), .type(.integer)], ["CONSTRAINT", .identifier("k"), "PRIMARY KEY", .group([.list([[.identifier("a")], [.identifier("user")]])])]]),
        ])
        XCTAssertEqual(lines.sql, "CREATE TABLE t (\n    a integer,\n    CONSTRAINT k PRIMARY KEY (a, \"user\")\n);")
        let view = Statement(.createView(QualifiedName(schema: "public", name: "v")), ["CREATE VIEW", .name(QualifiedName(schema: "public", name: "v")), "AS", .query("SELECT 1")])
        XCTAssertEqual(view.sql, "CREATE VIEW v AS\nSELECT 1;")
    }

    func testStatementsSayWhatTheyDo() {
        let table = QualifiedName(schema: "public", name: "t")
        let index = TableIndex(name: "t_a_idx", unique: true, elements: [.column("a")])
        let create = PostgresRenderer.render(.createIndex(table, index, concurrently: true))
        XCTAssertEqual(create.map(\.kind), [.createIndex(table: table, index: "t_a_idx")])
        XCTAssertEqual(create.map(\.transactional), [false])
        XCTAssertEqual(create.first?.sql, "CREATE UNIQUE INDEX CONCURRENTLY t_a_idx ON t (a);")
        let raw = PostgresRenderer.render(.sql(RawSQL(forward: "UPDATE t SET a = 1; VACUUM t", reverse: nil)))
        XCTAssertEqual(raw.map(\.kind), [.raw(tag: "UpdateStmt"), .raw(tag: "VacuumStmt")])
        XCTAssertEqual(raw.map(\.transactional), [true, false])
        XCTAssertEqual(raw.map(\.sql), ["UPDATE t SET a = 1;", "VACUUM t;"])
    }
}
