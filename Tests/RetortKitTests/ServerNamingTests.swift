import Foundation
import XCTest
@testable import RetortKit

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
            let sequences = state.sortedObjects.compactMap { key, object -> String? in
                guard case .relation(let name) = key, name.schema == scenario.schema else { return nil }
                switch object {
                case .sequence, .identitySequence: return name.name
                default: return nil
                }
            }.sorted(by: byteOrder)
            let context = "seed \(seed)\nDDL:\n\(ddl)"
            XCTAssertEqual(constraints, catalog.constraints, "constraint names (Retort, PostgreSQL); \(context)")
            XCTAssertEqual(indexes, catalog.indexes.keys.sorted(by: byteOrder), "index names (Retort, PostgreSQL); \(context)")
            XCTAssertEqual(sequences, catalog.sequences, "sequence names (Retort, PostgreSQL); \(context)")
            XCTAssertGreaterThan(constraints.count + indexes.count, 20, "the scenario names things")
        }
    }
}

/// The same schema changes as revision XML and as PostgreSQL DDL that names no constraint,
/// index or sequence, built at random around names chosen to collide once PostgreSQL
/// derives names from them: 63-byte names sharing long prefixes, keywords, quotes, spaces
/// and non-ASCII, repeated keys and indexes, relations that take the obvious name first.
struct NamingScenario {
    private(set) var xml: [String] = []
    private(set) var sql: [String] = []
    let schema: String
    private var random: SplitMix64
    private var counter = 0
    /// Tables with their integer and text columns and primary key.
    private var tables: [(name: String, ints: [String], texts: [String], key: [String]?)] = []

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
        schema = WildText.identifier("s\(seed)", &random, typeSafe: true)
    }

    /// A name; one time in three 63 bytes that share their first 57, so that the names
    /// derived from it (`name_pkey`, `t_name_key`) are cut to the same bytes and collide.
    private mutating func name(_ base: String) -> String {
        counter += 1
        guard random.chance(33) else { return WildText.identifier("\(base)\(counter)", &random) }
        let tail = String(counter)
        return String(repeating: "n", count: 57) + "_" + base.prefix(1) + String(repeating: "0", count: 4 - tail.count) + tail
    }

    private mutating func ident(_ name: String) -> String { WildText.sqlIdentifier(name, &random) }
    private func quoted(_ name: String) -> String { PostgresServer.quoteIdentifier(name) }
    private func relation(_ table: String) -> String { quoted(schema) + "." + quoted(table) }
    private func xmlName(_ table: String) -> String { WildText.xmlAttribute("\(schema).\(table)") }
    private func attribute(_ name: String, _ value: String) -> String { " \(name)=\"\(WildText.xmlAttribute(value))\"" }
    private func xmlList(_ names: [String]) -> String { WildText.xmlAttribute(names.joined(separator: ", ")) }
    private func sqlList(_ names: [String]) -> String { names.map(quoted).joined(separator: ", ") }

    mutating func build() {
        xml.append("<create-schema\(attribute("name", schema))/>")
        sql.append("CREATE SCHEMA \(quoted(schema));")
        for _ in 0..<random.between(4...6) { createTable() }
        for _ in 0..<random.between(14...20) {
            switch random.below(6) {
            case 0: addUnique()
            case 1: addCheck()
            case 2: addForeignKey()
            case 3: addSequenceColumn()
            default: createIndex()
            }
        }
    }

    private mutating func createTable() {
        let table = name("t")
        var ints: [String] = [], texts: [String] = []
        var lines: [(xml: String, sql: String)] = []
        for _ in 0..<random.between(1...3) {
            let column = name("i")
            ints.append(column)
            lines.append(("<column\(attribute("name", column)) type=\"int\"/>", "\(quoted(column)) int"))
        }
        for _ in 0..<random.between(1...2) {
            let column = name("x")
            texts.append(column)
            lines.append(("<column\(attribute("name", column)) type=\"text\"/>", "\(quoted(column)) text"))
        }
        if random.chance(40) {
            let column = name("id")
            if random.chance(50) {
                lines.append(("<column\(attribute("name", column)) type=\"bigint\" identity=\"always\"/>", "\(quoted(column)) bigint GENERATED ALWAYS AS IDENTITY"))
            } else {
                lines.append(("<column\(attribute("name", column)) type=\"bigserial\"/>", "\(quoted(column)) bigserial"))
            }
        }
        var key: [String]?
        if random.chance(80) {
            let columns = random.chance(30) && ints.count > 1 ? Array(ints.prefix(2)) : [ints[0]]
            key = columns
            lines.append(("<primary-key\(attribute("columns", columns.joined(separator: ", ")))/>", "PRIMARY KEY (\(sqlList(columns)))"))
        }
        // A unique key unlike the primary key (CREATE TABLE would merge equal ones).
        let unique = [random.pick(texts)]
        lines.append(("<unique\(attribute("columns", unique[0]))/>", "UNIQUE (\(sqlList(unique)))"))
        let check = checkExpression(ints: ints, texts: texts)
        lines.append(("<check\(attribute("expression", check))/>", "CHECK (\(check))"))
        if let target = random.pickIfAny(tables.filter { $0.key?.count == 1 }) {
            let column = ints.last!
            lines.append(("<foreign-key\(attribute("columns", column))\(attribute("references", "\(schema).\(target.name)(\(target.key![0]))"))/>",
                          "FOREIGN KEY (\(quoted(column))) REFERENCES \(relation(target.name)) (\(quoted(target.key![0])))"))
        }
        xml.append("<create-table name=\"\(xmlName(table))\">\n" + lines.map { "  " + $0.xml }.joined(separator: "\n") + "\n</create-table>")
        sql.append("CREATE TABLE \(relation(table)) (\n    " + lines.map(\.sql).joined(separator: ",\n    ") + "\n);")
        tables.append((table, ints, texts, key))
        if !isShared(table) && random.chance(50) {
            // Another relation takes the name the table's first index would get.
            let column = random.pick(ints)
            createSequence(named: PostgresNaming.makeObjectName(table, column, "idx"))
            xml.append("<create-index table=\"\(xmlName(table))\" columns=\"\(xmlList([column]))\"/>")
            sql.append("CREATE INDEX ON \(relation(table)) (\(quoted(column)));")
        }
    }

    /// Whether `name` is one of the 63-byte names whose derived names collide with others'.
    private func isShared(_ name: String) -> Bool { name.hasPrefix(String(repeating: "n", count: 57)) }

    private mutating func createSequence(named name: String) {
        xml.append("<create-sequence name=\"\(xmlName(name))\"/>")
        sql.append("CREATE SEQUENCE \(relation(name));")
    }

    /// A check on no, one or two columns, with literals and keywords around them.
    private mutating func checkExpression(ints: [String], texts: [String]) -> String {
        let i = ident(random.pick(ints)), x = ident(random.pick(texts))
        return random.pick([
            "\(i) > 0", "\(i) BETWEEN -1 AND 10", "length(\(x)) < 100", "\(x) <> $$\(ints[0])$$", "E'it\\'s' <> \(x)::text",
            "\(i) IS NOT NULL OR \(x) IS NULL", "true", "\(x) ~ '^[a-z]' /* \(ints[0]) */", "\(i) + \(ident(ints[0])) < 100",
        ])
    }

    private mutating func addUnique() {
        let table = random.pick(tables)
        let columns = random.chance(50) ? [random.pick(table.ints)] : [random.pick(table.texts), random.pick(table.ints)]
        xml.append("<add-unique table=\"\(xmlName(table.name))\" columns=\"\(xmlList(columns))\"/>")
        sql.append("ALTER TABLE \(relation(table.name)) ADD UNIQUE (\(sqlList(columns)));")
    }

    private mutating func addCheck() {
        let table = random.pick(tables)
        let check = checkExpression(ints: table.ints, texts: table.texts)
        xml.append("<add-check table=\"\(xmlName(table.name))\"\(attribute("expression", check))/>")
        sql.append("ALTER TABLE \(relation(table.name)) ADD CHECK (\(check));")
    }

    private mutating func addForeignKey() {
        let table = random.pick(tables)
        guard let target = random.pickIfAny(tables.filter { $0.key?.count == 1 }) else { return }
        let column = random.pick(table.ints)
        xml.append("<add-foreign-key table=\"\(xmlName(table.name))\" columns=\"\(xmlList([column]))\"\(attribute("references", "\(schema).\(target.name)(\(target.key![0]))"))/>")
        sql.append("ALTER TABLE \(relation(table.name)) ADD FOREIGN KEY (\(quoted(column))) REFERENCES \(relation(target.name)) (\(quoted(target.key![0])));")
    }

    /// A serial or identity column added to a table (its sequence is named like the others),
    /// sometimes after another relation took the name its sequence would get.
    private mutating func addSequenceColumn() {
        let table = random.pick(tables)
        let column = name("sq")
        if !isShared(table.name) && !isShared(column) && random.chance(30) {
            createSequence(named: PostgresNaming.makeObjectName(table.name, column, "seq"))
        }
        if random.chance(50) {
            xml.append("<add-column table=\"\(xmlName(table.name))\"><column\(attribute("name", column)) type=\"serial\"/></add-column>")
            sql.append("ALTER TABLE \(relation(table.name)) ADD COLUMN \(quoted(column)) serial;")
        } else {
            xml.append("<add-column table=\"\(xmlName(table.name))\"><column\(attribute("name", column)) type=\"int\" nullable=\"false\"/></add-column>")
            xml.append("<alter-column table=\"\(xmlName(table.name))\"\(attribute("column", column)) identity=\"by-default\"/>")
            sql.append("ALTER TABLE \(relation(table.name)) ADD COLUMN \(quoted(column)) int NOT NULL;")
            sql.append("ALTER TABLE \(relation(table.name)) ALTER COLUMN \(quoted(column)) ADD GENERATED BY DEFAULT AS IDENTITY;")
        }
    }

    private mutating func createIndex() {
        let table = random.pick(tables)
        let i = ident(random.pick(table.ints)), x = ident(random.pick(table.texts))
        var xmlIndex = "<create-index table=\"\(xmlName(table.name))\""
        var sqlIndex = "CREATE INDEX ON \(relation(table.name)) "
        if random.chance(55) {
            let expression = random.pick([
                "lower(\(x))", "\(x)::text", "(\(i))", "(\(i) + 1)::bigint", "\(i) * 2", "upper(\(x)) || 'x'", "coalesce(\(x), '')",
                "CASE WHEN \(i) > 0 THEN \(x) ELSE 'none' END", "CASE WHEN \(i) > 0 THEN 1 END", "\(x) COLLATE \"C\"",
                "pg_catalog.lower(\(x))", "CAST(\(i) AS text)", "trim(\(x))", "nullif(\(i), 0)", "ARRAY[\(i)]",
            ])
            xmlIndex += attribute("expression", expression)
            sqlIndex += "((\(expression)))"
        } else {
            var columns = [random.pick(table.ints)]
            if random.chance(40) { columns.append(random.pick(table.ints + table.texts)) }
            xmlIndex += " columns=\"\(xmlList(columns))\""
            sqlIndex += "(\(sqlList(columns)))"
            if random.chance(30) {
                let included = random.pick(table.texts)
                xmlIndex += " include=\"\(xmlList([included]))\""
                sqlIndex += " INCLUDE (\(quoted(included)))"
            }
        }
        if random.chance(25) {
            xmlIndex += attribute("where", "\(i) > 0")
            sqlIndex += " WHERE \(i) > 0"
        }
        xml.append(xmlIndex + "/>")
        sql.append(sqlIndex + ";")
    }
}


/// What the catalog holds in one schema, read back as JSON so any text survives the trip.
struct CatalogNames: Decodable, Equatable {
    var schemaComment: String?
    var tables: [String: String?]
    var columns: [String: String?]
    /// Primary key, unique, check and foreign-key constraint names, in byte order.
    var constraints: [String]
    var indexes: [String: String?]
    var sequences: [String]
    var enums: [String: [String]]
    var enumComments: [String: String?]

    static func read(server: PostgresServer, database: String, schema: String) throws -> CatalogNames {
        let literal = "'" + schema.replacingOccurrences(of: "'", with: "''") + "'"
        let json = try server.query(database: database, """
            WITH s AS (SELECT oid FROM pg_namespace WHERE nspname = \(literal))
            SELECT jsonb_build_object(
                'schemaComment', (SELECT obj_description(oid, 'pg_namespace') FROM s),
                'tables', (SELECT coalesce(jsonb_object_agg(relname, obj_description(c.oid, 'pg_class')), '{}')
                           FROM pg_class c JOIN s ON c.relnamespace = s.oid WHERE relkind = 'r'),
                'columns', (SELECT coalesce(jsonb_object_agg(attname, col_description(attrelid, attnum)), '{}')
                            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN s ON c.relnamespace = s.oid
                            WHERE c.relkind = 'r' AND attnum > 0 AND NOT attisdropped),
                'constraints', (SELECT coalesce(jsonb_agg(conname::text ORDER BY conname COLLATE "C"), '[]')
                                FROM pg_constraint co JOIN s ON co.connamespace = s.oid WHERE contype IN ('p', 'u', 'c', 'f')),
                'indexes', (SELECT coalesce(jsonb_object_agg(relname, obj_description(c.oid, 'pg_class')), '{}')
                            FROM pg_class c JOIN s ON c.relnamespace = s.oid WHERE relkind = 'i'),
                'sequences', (SELECT coalesce(jsonb_agg(relname::text ORDER BY relname COLLATE "C"), '[]')
                              FROM pg_class c JOIN s ON c.relnamespace = s.oid WHERE relkind = 'S'),
                'enums', (SELECT coalesce(jsonb_object_agg(typname, (SELECT jsonb_agg(enumlabel ORDER BY enumsortorder)
                                                                      FROM pg_enum WHERE enumtypid = t.oid)), '{}')
                          FROM pg_type t JOIN s ON t.typnamespace = s.oid WHERE typtype = 'e'),
                'enumComments', (SELECT coalesce(jsonb_object_agg(typname, obj_description(t.oid, 'pg_type')), '{}')
                                 FROM pg_type t JOIN s ON t.typnamespace = s.oid WHERE typtype = 'e')
            )::text
            """)
        return try JSONDecoder().decode(CatalogNames.self, from: Data(json.utf8))
    }
}
