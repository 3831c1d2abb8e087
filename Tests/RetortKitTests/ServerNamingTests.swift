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

/// Names and quoting, judged by the server: identifiers and string values that stress
/// quoting come back from the catalog exactly as written, and every unnamed constraint,
/// index and sequence gets the name PostgreSQL itself gives it.
final class ServerNamingTests: XCTestCase {
    static let seeds: [UInt64] = [11, 12, 13, 14, 15, 16]

    func testIdentifiersValuesAndCommentsComeBackFromTheCatalogExactly() throws {
        let server = try PostgresServer.shared()
        for seed in Self.seeds {
            var random = SplitMix64(seed: seed)
            var used = Set<String>()
            func identifier(_ base: String, typeSafe: Bool = false) -> String {
                var n = 0
                while true {
                    n += 1
                    let name = WildText.identifier("\(base)\(n)", &random, typeSafe: typeSafe)
                    if used.insert(name).inserted { return name }
                }
            }
            let schema = identifier("s", typeSafe: true), table = identifier("t"), type = identifier("e", typeSafe: true)
            let values = Array(Set((0..<6).map { _ in WildText.value(&random) } + ["it's", "back\\slash", "line\nbreak", "$$", "\"", "\\'"]))
                .sorted()
            var columns: [(name: String, value: String, literal: String, comment: String)] = []
            for value in values {
                columns.append((identifier("c"), value, WildText.literal(value, &random), WildText.value(&random)))
            }
            let check = identifier("ck"), unique = identifier("uq"), key = identifier("pk"), index = identifier("ix")
            let tableComment = WildText.value(&random), indexComment = WildText.value(&random), enumComment = WildText.value(&random)
            let schemaComment = WildText.value(&random)
            let qualified = "\(schema).\(table)"
            func attribute(_ name: String, _ value: String) -> String { " \(name)=\"\(WildText.xmlAttribute(value))\"" }
            let xml = """
                <create-schema\(attribute("name", schema))\(attribute("comment", schemaComment))/>
                <create-enum\(attribute("name", "\(schema).\(type)"))>\(values.map { "<value>\(WildText.xmlText($0))</value>" }.joined())</create-enum>
                <comment\(attribute("enum", "\(schema).\(type)"))\(attribute("text", enumComment))/>
                <create-table\(attribute("name", qualified))\(attribute("comment", tableComment))>
                  <column name="id" type="int" default="1"/>
                  <column name="mood"\(attribute("type", "\(schema).\(type)"))\(attribute("default", WildText.literal(values[0], &random)))/>
                \(columns.map { "  <column\(attribute("name", $0.name)) type=\"text\"\(attribute("default", $0.literal))\(attribute("comment", $0.comment))/>" }.joined(separator: "\n"))
                  <primary-key\(attribute("name", key)) columns="id"/>
                  <unique\(attribute("name", unique))\(attribute("columns", columns[0].name))/>
                  <check\(attribute("name", check))\(attribute("expression", "\(WildText.sqlIdentifier(columns[1].name, &random)) = \(columns[1].literal)"))/>
                </create-table>
                <create-index\(attribute("table", qualified))\(attribute("name", index))\(attribute("columns", columns[2].name))\(attribute("comment", indexComment))/>
                """
            let project = try TemporaryProject(["revisions/0001_names.xml": revisionXML("r1", xml)])
            let compiled = try CompiledProject(project.directory)
            let database = try server.createDatabase()
            defer { try? server.dropDatabase(database) }
            let applied = try server.psql(database: database, file: compiled.script("upgrade.sql"))
            XCTAssertEqual(applied.status, 0, "seed \(seed): upgrade.sql failed:\n\(applied.stderr)")
            guard applied.status == 0 else { continue }

            let catalog = try CatalogNames.read(server: server, database: database, schema: schema)
            let message = "seed \(seed), revision:\n\(xml)"
            XCTAssertEqual(catalog.schemaComment, schemaComment, message)
            XCTAssertEqual(catalog.tables, [table: tableComment], message)
            XCTAssertEqual(catalog.columns, Dictionary(uniqueKeysWithValues: columns.map { ($0.name, $0.comment) }).merging(["id": nil, "mood": nil]) { a, _ in a }, message)
            XCTAssertEqual(catalog.constraints, [check, key, unique].sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }, message)
            XCTAssertEqual(catalog.indexes, [index: indexComment, key: nil, unique: nil], message)
            XCTAssertEqual(catalog.enums, [type: values], message)
            XCTAssertEqual(catalog.enumComments, [type: enumComment], message)

            // The defaults, as values: a row made of them.
            let relation = PostgresServer.quoteIdentifier(schema) + "." + PostgresServer.quoteIdentifier(table)
            let row = try server.query(database: database, "INSERT INTO \(relation) DEFAULT VALUES; SELECT row_to_json(t)::text FROM \(relation) t;")
            let defaults = try JSONSerialization.jsonObject(with: Data(row.utf8)) as? [String: Any] ?? [:]
            for column in columns {
                XCTAssertEqual(defaults[column.name] as? String, column.value, "default of \(column.name) written \(column.literal); \(message)")
            }
            XCTAssertEqual(defaults["mood"] as? String, values[0], message)
        }
    }

    /// Retort writes every name explicitly; here PostgreSQL chooses them. The same changes go
    /// to the server as DDL without constraint, index or sequence names and to Retort as
    /// revision XML without names; the names in the catalog must be those of Retort's state.
    func testUnnamedConstraintsIndexesAndSequencesGetPostgresNames() throws {
        let server = try PostgresServer.shared()
        for seed in Self.seeds {
            var scenario = NamingScenario(seed: seed)
            scenario.build()
            let database = try server.createDatabase()
            defer { try? server.dropDatabase(database) }
            let ddl = scenario.sql.joined(separator: "\n")
            let applied = try server.psql(database: database, sql: ddl)
            XCTAssertEqual(applied.status, 0, "seed \(seed): the unnamed DDL failed:\n\(applied.stderr)\n\(ddl)")
            guard applied.status == 0 else { continue }
            let catalog = try CatalogNames.read(server: server, database: database, schema: scenario.schema)

            let project = try TemporaryProject(["revisions/0001_unnamed.xml": revisionXML("r1", scenario.xml.joined(separator: "\n"))])
            let state = try project.compile().headState
            let tables = state.tables.filter { $0.name.schema == scenario.schema }
            let byteOrder: (String, String) -> Bool = { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            let constraints = tables.flatMap { $0.constraints.map(\.name) }.sorted(by: byteOrder)
            let indexes = tables.flatMap { table in table.indexes.map(\.name) + table.constraints.filter(\.kind.ownsIndex).map(\.name) }.sorted(by: byteOrder)
            let free = state.sortedObjects.compactMap { key, object -> String? in
                guard case .relation(let name) = key, name.schema == scenario.schema, case .sequence = object else { return nil }
                return name.name
            }
            let identity = tables.flatMap { table in table.columns.compactMap(\.identitySequence) }
            let sequences = (free + identity).sorted(by: byteOrder)
            let context = "seed \(seed)\nDDL:\n\(ddl)"
            XCTAssertEqual(constraints, catalog.constraints, "constraint names (Retort, PostgreSQL); \(context)")
            XCTAssertEqual(indexes, catalog.indexes.keys.sorted(by: byteOrder), "index names (Retort, PostgreSQL); \(context)")
            XCTAssertEqual(sequences, catalog.sequences, "sequence names (Retort, PostgreSQL); \(context)")
            XCTAssertGreaterThan(constraints.count + indexes.count, 20, "the scenario names things")
        }
    }
}
