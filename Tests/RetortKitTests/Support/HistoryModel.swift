/// The schema a `HistoryGenerator` has built so far, modelled on what PostgreSQL does (not
/// on what Retort does): which objects exist, what depends on what, and the names
/// PostgreSQL gives unnamed objects, so every generated operation is valid on the server.
struct HistoryModel {
    struct Name: Hashable, Comparable {
        var schema: String
        var name: String
        static func < (a: Name, b: Name) -> Bool { (a.schema, a.name) < (b.schema, b.name) }
        /// As revision files write it: the schema only when it is not `public`.
        var xml: String { schema == "public" ? name : "\(schema).\(name)" }
        func renamed(_ newName: String) -> Name { Name(schema: schema, name: newName) }
    }

    enum TypeFamily { case integer, numeric, text, boolean, date, enumeration }

    /// A column type; `spelling` picks one of the spellings Retort must treat as equal.
    enum ColumnType: Equatable {
        case smallint, integer, bigint, numeric(Int, Int), text, varchar(Int), citext, boolean, date
        case enumeration(Name, array: Bool)

        var family: TypeFamily {
            switch self {
            case .smallint, .integer, .bigint: .integer
            case .numeric: .numeric
            case .text, .varchar, .citext: .text
            case .boolean: .boolean
            case .date: .date
            case .enumeration: .enumeration
            }
        }

        var isIdentityCapable: Bool { self == .smallint || self == .integer || self == .bigint }

        func spelling(_ random: inout SplitMix64) -> String {
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

    struct Column {
        var name: String
        var type: ColumnType
        var nullable = true
        /// The default as written; `defaultIsLiteral` when it is one string literal.
        var defaultSQL: String?
        var identity: String?
        /// The sequence an identity or serial column owns (same schema as the table).
        var sequence: String?
        var serial = false
        var comment: String?
    }

    enum ConstraintKind: Equatable { case primaryKey, unique, check, foreignKey }

    struct Constraint {
        var name: String
        var kind: ConstraintKind
        /// Key columns, foreign-key columns, or the columns a check names.
        var columns: [String]
        var referencedTable: Name?
        var referencedColumns: [String] = []
        var notValid = false
        var deferrable = false
        /// The enum value a check compares an enum column with: Retort refuses to rename it.
        var enumValue: String?
        var ownsIndex: Bool { kind == .primaryKey || kind == .unique }
    }

    struct Index {
        var name: String
        /// Every column the index names: keys, expressions, INCLUDE and predicate.
        var columns: [String]
        /// Set for a unique index on plain columns without a predicate: a key a foreign key may reference.
        var uniqueKey: [String]?
    }

    struct Table {
        var name: Name
        var columns: [Column] = []
        var constraints: [Constraint] = []
        var indexes: [Index] = []
        var comment: String?

        func column(_ name: String) -> Column? { columns.first { $0.name == name } }
        var primaryKey: Constraint? { constraints.first { $0.kind == .primaryKey } }

        /// Column lists a foreign key may reference: non-deferrable primary key and unique
        /// constraints, and unique plain indexes without a predicate.
        var referenceableKeys: [[String]] {
            constraints.filter { $0.ownsIndex && !$0.deferrable }.map(\.columns) + indexes.compactMap(\.uniqueKey)
        }
    }

    struct View {
        var name: Name
        var table: Name
        var columns: [String]
        var materialized: Bool
    }

    struct Enumeration {
        var name: Name
        var values: [String]
    }

    var schemas = ["public"]
    var citext = false
    var enums: [Enumeration] = []
    var sequences: [Name] = []
    var tables: [Table] = []
    var views: [View] = []
    /// pg_class names (tables, views, sequences, indexes) and pg_type names (enums, and the
    /// row types of tables and views), kept apart from each other by the generator.
    private(set) var relationNames: Set<Name> = []
    /// Constraint names by schema, with the number of tables using each.
    private var constraintNames: [Name: Int] = [:]

    // MARK: - Names

    func isTaken(_ name: Name) -> Bool { relationNames.contains(name) }
    mutating func take(_ name: Name) { relationNames.insert(name) }
    mutating func release(_ name: Name) { relationNames.remove(name) }

    func constraintNameUsed(_ name: Name) -> Bool { constraintNames[name, default: 0] > 0 }
    mutating func takeConstraintName(_ name: Name) { constraintNames[name, default: 0] += 1 }
    mutating func releaseConstraintName(_ name: Name) { constraintNames[name, default: 0] -= 1 }

    /// PostgreSQL's `makeObjectName`: `name1_name2_label` within 63 bytes, shortening the
    /// longer part first (name2 on a tie), each cut at a UTF-8 character boundary.
    static func makeObjectName(_ name1: String, _ name2: String?, _ label: String) -> String {
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
    func chooseRelationName(_ table: Name, _ part: String?, _ label: String, isConstraint: Bool, also: Set<String> = []) -> String {
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
    func chooseConstraintName(_ table: Name, _ part: String?, _ label: String, also: Set<String> = []) -> String {
        var pass = 0
        while true {
            let candidate = Self.makeObjectName(table.name, part, pass == 0 ? label : "\(label)\(pass)")
            if !constraintNameUsed(table.renamed(candidate)) && !also.contains(candidate) { return candidate }
            pass += 1
        }
    }

    /// Column names joined by `_`, stopping once 64 bytes are reached
    /// (`ChooseIndexNameAddition`, `ChooseForeignKeyConstraintNameAddition`).
    static func columnPart(_ names: [String]) -> String {
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
    static func indexPart(_ elementNames: [String]) -> String {
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

    func tableIndex(_ name: Name) -> Int? { tables.firstIndex { $0.name == name } }

    /// Objects a schema holds, which `DROP SCHEMA` without CASCADE refuses.
    func schemaIsEmpty(_ schema: String) -> Bool {
        !relationNames.contains { $0.schema == schema } && !enums.contains { $0.name.schema == schema }
    }

    func viewsUsing(_ table: Name) -> [View] { views.filter { $0.table == table } }
    func viewUses(_ table: Name, column: String) -> Bool { viewsUsing(table).contains { $0.columns.contains(column) } }

    /// Foreign keys (table, constraint) that reference `table`, including its own.
    func foreignKeys(referencing table: Name) -> [(Name, Constraint)] {
        tables.flatMap { t in t.constraints.filter { $0.referencedTable == table }.map { (t.name, $0) } }
    }

    func columnIsReferencedByForeignKey(_ table: Name, _ column: String) -> Bool {
        foreignKeys(referencing: table).contains { $0.1.referencedColumns.contains(column) }
    }

    func columnsUsing(_ type: Name) -> [(Name, Column)] {
        tables.flatMap { t in t.columns.filter { if case .enumeration(type, _) = $0.type { true } else { false } }.map { (t.name, $0) } }
    }
}
