import RetortSQL
import RetortModel
import RetortReading
import RetortGraph
import RetortState
import RetortCompiler
import RetortRendering
import RetortDiff
import RetortScripts
import RetortLint
import RetortKit

/// The same schema changes as revision XML and as PostgreSQL DDL that names no constraint,
/// index or sequence, built at random around names chosen to collide once PostgreSQL
/// derives names from them: 63-byte names sharing long prefixes, keywords, quotes, spaces
/// and non-ASCII, repeated keys and indexes, relations that take the obvious name first.
package struct NamingScenario {
    package private(set) var xml: [String] = []
    package private(set) var sql: [String] = []
    package let schema: String
    private var random: SplitMix64
    private var counter = 0
    /// Tables with their integer and text columns and primary key.
    private var tables: [(name: String, ints: [String], texts: [String], key: [String]?)] = []

    package init(seed: UInt64) {
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

    package mutating func build() {
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
