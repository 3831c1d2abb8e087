/// The schema a `HistoryGenerator` has built so far, modelled on what PostgreSQL does (not
/// on what Retort does): which objects exist, what depends on what, and the names
/// PostgreSQL gives unnamed objects, so every generated operation is valid on the server.
package struct HistoryModel {
    package struct Name: Hashable, Comparable {
        package var schema: String
        package var name: String
        package static func < (a: Name, b: Name) -> Bool { (a.schema, a.name) < (b.schema, b.name) }
        /// As revision files write it: the schema only when it is not `public`.
        package var xml: String { schema == "public" ? name : "\(schema).\(name)" }
        package func renamed(_ newName: String) -> Name { Name(schema: schema, name: newName) }
    }

    package enum TypeFamily { case integer, numeric, text, boolean, date, enumeration }

    /// A column type; `spelling` picks one of the spellings Retort must treat as equal.
    package enum ColumnType: Equatable {
        case smallint, integer, bigint, numeric(Int, Int), text, varchar(Int), citext, boolean, date
        case enumeration(Name, array: Bool)

        package var family: TypeFamily {
            switch self {
            case .smallint, .integer, .bigint: .integer
            case .numeric: .numeric
            case .text, .varchar, .citext: .text
            case .boolean: .boolean
            case .date: .date
            case .enumeration: .enumeration
            }
        }

        package var isIdentityCapable: Bool { self == .smallint || self == .integer || self == .bigint }

        package func spelling(_ random: inout SplitMix64) -> String {
            switch self {
            case .smallint: random.pick(["smallint", "int2"])
            case .integer: random.pick(["integer", "int", "int4"])
            case .bigint: random.pick(["bigint", "int8"])
            case .numeric(let p, let s): random.pick(["numeric(\(p),\(s))", "decimal(\(p), \(s))"])
            case .text: "text"
            case .varchar(let n): random.pick(["varchar(\(n))", "character varying(\(n))"])
            case .citext: "citext"
            case .boolean: random.pick(["boolean", "bool"])
            case .date: "date"
            case .enumeration(let name, let array): name.xml + (array ? "[]" : "")
            }
        }
    }

    package struct Column {
        package var name: String
        package var type: ColumnType
        package var nullable = true
        /// The default as written; `defaultIsLiteral` when it is one string literal.
        package var defaultSQL: String?
        package var identity: String?
        /// The sequence an identity or serial column owns (same schema as the table).
        package var sequence: String?
        package var serial = false
        package var comment: String?
    }

    package enum ConstraintKind: Equatable { case primaryKey, unique, check, foreignKey }

    package struct Constraint {
        package var name: String
        package var kind: ConstraintKind
        /// Key columns, foreign-key columns, or the columns a check names.
        package var columns: [String]
        package var referencedTable: Name?
        package var referencedColumns: [String] = []
        package var notValid = false
        package var deferrable = false
        /// The enum value a check compares an enum column with: Retort refuses to rename it.
        package var enumValue: String?
        package var ownsIndex: Bool { kind == .primaryKey || kind == .unique }
    }

    package struct Index {
        package var name: String
        /// Every column the index names: keys, expressions, INCLUDE and predicate.
        package var columns: [String]
        /// Set for a unique index on plain columns without a predicate: a key a foreign key may reference.
        package var uniqueKey: [String]?
    }

    package struct Table {
        package var name: Name
        package var columns: [Column] = []
        package var constraints: [Constraint] = []
        package var indexes: [Index] = []
        package var comment: String?

        package func column(_ name: String) -> Column? { columns.first { $0.name == name } }
        package var primaryKey: Constraint? { constraints.first { $0.kind == .primaryKey } }

        /// Column lists a foreign key may reference: non-deferrable primary key and unique
        /// constraints, and unique plain indexes without a predicate.
        package var referenceableKeys: [[String]] {
            constraints.filter { $0.ownsIndex && !$0.deferrable }.map(\.columns) + indexes.compactMap(\.uniqueKey)
        }
    }

    package struct View {
        package var name: Name
        package var table: Name
        package var columns: [String]
        package var materialized: Bool
    }

    package struct Enumeration {
        package var name: Name
        package var values: [String]
    }

    package var schemas = ["public"]
    package var citext = false
    package var enums: [Enumeration] = []
    package var sequences: [Name] = []
    package var tables: [Table] = []
    package var views: [View] = []
    /// pg_class names (tables, views, sequences, indexes) and pg_type names (enums, and the
    /// row types of tables and views), kept apart from each other by the generator.
    package private(set) var relationNames: Set<Name> = []
    /// Constraint names by schema, with the number of tables using each.
    private var constraintNames: [Name: Int] = [:]

    // MARK: - Names

    package func isTaken(_ name: Name) -> Bool { relationNames.contains(name) }
    package mutating func take(_ name: Name) { relationNames.insert(name) }
    package mutating func release(_ name: Name) { relationNames.remove(name) }

    package func constraintNameUsed(_ name: Name) -> Bool { constraintNames[name, default: 0] > 0 }
    package mutating func takeConstraintName(_ name: Name) { constraintNames[name, default: 0] += 1 }
    package mutating func releaseConstraintName(_ name: Name) { constraintNames[name, default: 0] -= 1 }

    /// PostgreSQL's `makeObjectName`: `name1_name2_label` within 63 bytes, shortening the
    /// longer part first (name2 on a tie), each cut at a UTF-8 character boundary.
    package static func makeObjectName(_ name1: String, _ name2: String?, _ label: String) -> String {
        var part1 = Array(name1.utf8), part2 = Array((name2 ?? "").utf8)
        let room = 63 - label.utf8.count - 1 - (name2 == nil ? 0 : 1)
        while part1.count + part2.count > room {
            if part1.count > part2.count { part1.removeLast() } else { part2.removeLast() }
        }
        func clipped(_ bytes: [UInt8], from original: String) -> String {
            var bytes = bytes
            let full = Array(original.utf8)
            while bytes.count < full.count, !bytes.isEmpty, full[bytes.count] & 0xC0 == 0x80 { bytes.removeLast() }
            return String(decoding: bytes, as: UTF8.self)
        }
        var result = clipped(part1, from: name1)
        if let name2 { result += "_" + clipped(part2, from: name2) }
        return result + "_" + label
    }

    /// PostgreSQL's `ChooseRelationName`: the first of `label`, `label1`, … whose name is no
    /// relation of the schema (nor a constraint, for an index that backs one) nor in `also`.
    package func chooseRelationName(_ table: Name, _ part: String?, _ label: String, isConstraint: Bool, also: Set<String> = []) -> String {
        var pass = 0
        while true {
            let candidate = Self.makeObjectName(table.name, part, pass == 0 ? label : "\(label)\(pass)")
            let name = table.renamed(candidate)
            if !isTaken(name) && !(isConstraint && constraintNameUsed(name)) && !also.contains(candidate) { return candidate }
            pass += 1
        }
    }

    /// PostgreSQL's `ChooseConstraintName` (checks and foreign keys): unique among the
    /// schema's constraint names and `also`.
    package func chooseConstraintName(_ table: Name, _ part: String?, _ label: String, also: Set<String> = []) -> String {
        var pass = 0
        while true {
            let candidate = Self.makeObjectName(table.name, part, pass == 0 ? label : "\(label)\(pass)")
            if !constraintNameUsed(table.renamed(candidate)) && !also.contains(candidate) { return candidate }
            pass += 1
        }
    }

    /// Column names joined by `_`, stopping once 64 bytes are reached
    /// (`ChooseIndexNameAddition`, `ChooseForeignKeyConstraintNameAddition`).
    package static func columnPart(_ names: [String]) -> String {
        var result = ""
        for name in names {
            if !result.isEmpty { result += "_" }
            result += name
            if result.utf8.count >= 64 { break }
        }
        return result
    }

    /// The column part of an index name: one name per element (`expr` for an expression
    /// PostgreSQL cannot name), made unique within the index with digits (`ChooseIndexColumnNames`).
    package static func indexPart(_ elementNames: [String]) -> String {
        var used: [String] = []
        for base in elementNames {
            var candidate = base, n = 0
            while used.contains(candidate) {
                n += 1
                candidate = base + String(n)
            }
            used.append(candidate)
        }
        return columnPart(used)
    }

    // MARK: - Lookups

    package func tableIndex(_ name: Name) -> Int? { tables.firstIndex { $0.name == name } }

    /// Objects a schema holds, which `DROP SCHEMA` without CASCADE refuses.
    package func schemaIsEmpty(_ schema: String) -> Bool {
        !relationNames.contains { $0.schema == schema } && !enums.contains { $0.name.schema == schema }
    }

    package func viewsUsing(_ table: Name) -> [View] { views.filter { $0.table == table } }
    package func viewUses(_ table: Name, column: String) -> Bool { viewsUsing(table).contains { $0.columns.contains(column) } }

    /// Foreign keys (table, constraint) that reference `table`, including its own.
    package func foreignKeys(referencing table: Name) -> [(Name, Constraint)] {
        tables.flatMap { t in t.constraints.filter { $0.referencedTable == table }.map { (t.name, $0) } }
    }

    package func columnIsReferencedByForeignKey(_ table: Name, _ column: String) -> Bool {
        foreignKeys(referencing: table).contains { $0.1.referencedColumns.contains(column) }
    }

    package func columnsUsing(_ type: Name) -> [(Name, Column)] {
        tables.flatMap { t in t.columns.filter { if case .enumeration(type, _) = $0.type { true } else { false } }.map { (t.name, $0) } }
    }
}
