import RetortSQL
import XCTest

/// What a view's query uses and how a rename rewrites it, against a small catalog.
final class ViewAnalysisTests: XCTestCase {
    let catalog: [String: [String]] = ["t": ["id", "a", "b", "created_at"], "u": ["id", "t_id", "name"]]

    func analyze(_ body: String, rename: ViewRename? = nil) throws -> ViewAnalysis {
        try SQLQuery.parse(body).analyze(rename: rename) { schema, name in
            self.catalog[name].map { CatalogRelation(schema: schema ?? "public", name: name, columns: $0) }
        }
    }

    func uses(_ body: String) throws -> [String] {
        try analyze(body).uses.flatMap { use in use.columns.map { "\(use.name).\($0)" } + (use.columns.isEmpty ? [use.name] : []) }
    }

    func testScopesAliasesSubqueriesAndCTEs() throws {
        XCTAssertEqual(try uses("SELECT x.a FROM t x JOIN u ON u.t_id = x.id"), ["t.a", "t.id", "u.t_id"])
        XCTAssertEqual(try uses("WITH c AS (SELECT b FROM t) SELECT b FROM c"), ["t.b"])
        XCTAssertEqual(try uses("SELECT name FROM u WHERE EXISTS (SELECT 1 FROM t WHERE t.id = u.t_id)"), ["t.id", "u.name", "u.t_id"])
        // ORDER BY a bare name is the output column first: `a` here is `b`.
        XCTAssertEqual(try uses("SELECT b AS a FROM t ORDER BY a"), ["t.b"])
    }

    func testStarIsSpelledOutOnlyWhenItsColumnsAreKnown() throws {
        let plain = try analyze("SELECT * FROM u")
        XCTAssertEqual(plain.text, "SELECT id, t_id, name FROM u")
        XCTAssertEqual(plain.columns, ["id", "t_id", "name"])
        XCTAssertEqual(try analyze("SELECT * FROM u, unnest(ARRAY[1]) AS n").text, "SELECT * FROM u, unnest(ARRAY[1]) AS n")
        XCTAssertEqual(try analyze("SELECT * FROM t JOIN u USING (id)").text, "SELECT * FROM t JOIN u USING (id)")
    }

    func testRenamesKeepOutputNamesAndComeBack() throws {
        let forward = ViewRename.column(schema: "public", table: "t", from: "created_at", to: "inserted_at")
        let back = ViewRename.column(schema: "public", table: "t", from: "inserted_at", to: "created_at")
        let original = "SELECT created_at::date, a FROM t ORDER BY a"
        let renamed = try analyze(original, rename: forward).text
        XCTAssertEqual(renamed, "SELECT inserted_at::date AS created_at, a FROM t ORDER BY a")
        let catalogAfter = ["t": ["id", "a", "b", "inserted_at"]]
        let restored = try SQLQuery.parse(renamed).analyze(rename: back) { schema, name in
            catalogAfter[name].map { CatalogRelation(schema: schema ?? "public", name: name, columns: $0) }
        }
        XCTAssertEqual(restored.text, original)
        // Only the rename collapses an alias; a respelling does not.
        XCTAssertEqual(try analyze("SELECT o.ID AS t_id FROM u o", rename: .column(schema: "public", table: "t", from: "id", to: "t_id")).text,
                       "SELECT o.id AS t_id FROM u o")
        XCTAssertEqual(try analyze("SELECT t.a FROM t", rename: .relation(schema: "public", from: "t", to: "v")).text, "SELECT v.a FROM v")
    }
}
