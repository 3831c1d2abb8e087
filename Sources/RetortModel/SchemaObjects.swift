import RetortSQL
/// The schema model: what PostgreSQL holds, independent of how it is spelled in SQL.
/// All values compare by content; `Origin` (where an object was declared) never counts.

public enum Identity: String, Hashable, Sendable {
    case always
    case byDefault = "by-default"

    package var sql: String { self == .always ? "ALWAYS" : "BY DEFAULT" }
}

public struct Column: Hashable, Sendable {
    public var name: String
    public var type: SQLType
    public var nullable: Bool = true
    public var defaultExpression: String?
    public var identity: Identity?
    /// The sequence behind the identity, in the table's schema. PostgreSQL names it when the
    /// identity is created, as it names a serial column's sequence, and keeps that name when
    /// the table or column is renamed; the scripts write it explicitly (`SEQUENCE NAME`).
    public var identitySequence: String?
    /// Expression of a stored generated column.
    public var generated: String?
    public var comment: String?
    public var origin = Origin(nil)
    public var renamedFrom = RenameHint(nil)

    public init(name: String, type: SQLType) {
        self.name = name
        self.type = type
    }
}

public enum ReferentialAction: String, Hashable, Sendable, CaseIterable {
    case noAction = "no action", restrict, cascade, setNull = "set null", setDefault = "set default"
    package var sql: String { rawValue.uppercased() }
}

public enum ForeignKeyMatch: String, Hashable, Sendable, CaseIterable {
    case simple, full
}

public struct ForeignKey: Hashable, Sendable {
    public var columns: [String]
    public var referencedTable: QualifiedName
    public var referencedColumns: [String]
    public var onDelete: ReferentialAction = .noAction
    public var onUpdate: ReferentialAction = .noAction
    public var match: ForeignKeyMatch = .simple

    package init(columns: [String], referencedTable: QualifiedName, referencedColumns: [String], onDelete: ReferentialAction = .noAction, onUpdate: ReferentialAction = .noAction, match: ForeignKeyMatch = .simple) {
        self.columns = columns
        self.referencedTable = referencedTable
        self.referencedColumns = referencedColumns
        self.onDelete = onDelete
        self.onUpdate = onUpdate
        self.match = match
    }
}

public enum ConstraintKind: Hashable, Sendable {
    case primaryKey(columns: [String])
    case unique(columns: [String], nullsNotDistinct: Bool)
    case check(expression: String)
    case foreignKey(ForeignKey)

    /// The suffix PostgreSQL gives an unnamed constraint of this kind.
    package var nameLabel: String {
        switch self {
        case .primaryKey: "pkey"
        case .unique: "key"
        case .check: "check"
        case .foreignKey: "fkey"
        }
    }

    /// Primary keys and unique constraints own an index of the same name.
    package var ownsIndex: Bool {
        switch self {
        case .primaryKey, .unique: true
        case .check, .foreignKey: false
        }
    }

    package var columns: [String] {
        switch self {
        case .primaryKey(let columns), .unique(let columns, _): columns
        case .foreignKey(let fk): fk.columns
        case .check: []
        }
    }
}

public enum Deferrable: String, Hashable, Sendable {
    case immediate = "true", deferred = "initially-deferred"
}

public struct Constraint: Hashable, Sendable {
    public var name: String
    public var kind: ConstraintKind
    public var deferrable: Deferrable?
    public var notValid = false
    public var origin = Origin(nil)
    public var renamedFrom = RenameHint(nil)

    package init(name: String, kind: ConstraintKind, deferrable: Deferrable? = nil, notValid: Bool = false, origin: Origin = Origin(nil), renamedFrom: RenameHint = RenameHint(nil)) {
        self.name = name
        self.kind = kind
        self.deferrable = deferrable
        self.notValid = notValid
        self.origin = origin
        self.renamedFrom = renamedFrom
    }
}

public enum IndexElement: Hashable, Sendable {
    case column(String)
    case expression(String)
}

public struct TableIndex: Hashable, Sendable {
    public var name: String
    public var unique = false
    public var method: String?
    public var elements: [IndexElement]
    public var predicate: String?
    public var include: [String] = []
    public var nullsNotDistinct = false
    public var comment: String?
    public var origin = Origin(nil)
    public var renamedFrom = RenameHint(nil)

    package init(name: String, unique: Bool = false, method: String? = nil, elements: [IndexElement], predicate: String? = nil, include: [String] = [], nullsNotDistinct: Bool = false, comment: String? = nil, origin: Origin = Origin(nil), renamedFrom: RenameHint = RenameHint(nil)) {
        self.name = name
        self.unique = unique
        self.method = method
        self.elements = elements
        self.predicate = predicate
        self.include = include
        self.nullsNotDistinct = nullsNotDistinct
        self.comment = comment
        self.origin = origin
        self.renamedFrom = renamedFrom
    }

    package var columnNames: [String] {
        elements.compactMap { if case .column(let name) = $0 { name } else { nil } }
    }
}

public struct Table: Hashable, Sendable {
    public var name: QualifiedName
    public var columns: [Column] = []
    public var constraints: [Constraint] = []
    public var indexes: [TableIndex] = []
    public var comment: String?
    public var origin = Origin(nil)
    public var renamedFrom = RenameHint(nil)

    package init(name: QualifiedName, columns: [Column] = [], constraints: [Constraint] = [], indexes: [TableIndex] = [], comment: String? = nil, origin: Origin = Origin(nil), renamedFrom: RenameHint = RenameHint(nil)) {
        self.name = name
        self.columns = columns
        self.constraints = constraints
        self.indexes = indexes
        self.comment = comment
        self.origin = origin
        self.renamedFrom = renamedFrom
    }

    public func column(_ name: String) -> Column? { columns.first { $0.name == name } }
    package func columnIndex(_ name: String) -> Int? { columns.firstIndex { $0.name == name } }
    package func constraintIndex(_ name: String) -> Int? { constraints.firstIndex { $0.name == name } }
    package func indexIndex(_ name: String) -> Int? { indexes.firstIndex { $0.name == name } }

    /// Content equality that ignores declaration order: PostgreSQL cannot put a re-added
    /// column back at its old position, so order is not part of a table's identity.
    package func sameContent(as other: Table) -> Bool {
        if self == other || sameLayoutFreeContent(as: other) { return true }
        let (a, b) = (self.structural, other.structural)
        return a == b || a.sameLayoutFreeContent(as: b)
    }

    /// Equal but for column, constraint and index order.
    private func sameLayoutFreeContent(as other: Table) -> Bool {
        name == other.name && comment == other.comment
            && columns.sorted { $0.name < $1.name } == other.columns.sorted { $0.name < $1.name }
            && constraints.sorted { $0.name < $1.name } == other.constraints.sorted { $0.name < $1.name }
            && indexes.sorted { $0.name < $1.name } == other.indexes.sorted { $0.name < $1.name }
    }
}

public struct EnumType: Hashable, Sendable {
    public var name: QualifiedName
    public var values: [String]
    public var comment: String?
    public var origin = Origin(nil)
    /// Model hints: value → the value it was renamed from.
    public var valueRenames = ValueRenames()

    package init(name: QualifiedName, values: [String], comment: String? = nil, origin: Origin = Origin(nil), valueRenames: ValueRenames = ValueRenames()) {
        self.name = name
        self.values = values
        self.comment = comment
        self.origin = origin
        self.valueRenames = valueRenames
    }
}

public struct SchemaSequence: Hashable, Sendable {
    public var name: QualifiedName
    public var type: SQLType?
    public var start: Int64?
    public var increment: Int64?
    public var minValue: Int64?
    public var maxValue: Int64?
    public var cache: Int64?
    public var cycle: Bool = false
    /// `OWNED BY table.column`: dropped with the column, as serial sequences are.
    public var ownedBy: ColumnReference?
    public var comment: String?
    public var origin: Origin = Origin(nil)

    package init(name: QualifiedName, type: SQLType? = nil, start: Int64? = nil, increment: Int64? = nil, minValue: Int64? = nil, maxValue: Int64? = nil, cache: Int64? = nil, cycle: Bool = false, ownedBy: ColumnReference? = nil, comment: String? = nil, origin: Origin = Origin(nil)) {
        self.name = name
        self.type = type
        self.start = start
        self.increment = increment
        self.minValue = minValue
        self.maxValue = maxValue
        self.cache = cache
        self.cycle = cycle
        self.ownedBy = ownedBy
        self.comment = comment
        self.origin = origin
    }
}

public struct ColumnReference: Hashable, Sendable {
    public var table: QualifiedName
    public var column: String

    package init(table: QualifiedName, column: String) {
        self.table = table
        self.column = column
    }
}

public struct View: Hashable, Sendable {
    public var name: QualifiedName
    public var body: String
    public var materialized = false
    public var comment: String?
    public var origin = Origin(nil)
    /// What the query reads, relation by relation (set by the state machine from the tree).
    public var uses: [ViewUse] = []
    /// The output column names (set by the state machine).
    public var columns: [String] = []

    package init(name: QualifiedName, body: String, materialized: Bool = false, comment: String? = nil, origin: Origin = Origin(nil), uses: [ViewUse] = [], columns: [String] = []) {
        self.name = name
        self.body = body
        self.materialized = materialized
        self.comment = comment
        self.origin = origin
        self.uses = uses
        self.columns = columns
    }
}

public struct Extension: Hashable, Sendable {
    public var name: String
    public var schema: String?
    public var version: String?
    public var origin = Origin(nil)

    package init(name: String, schema: String? = nil, version: String? = nil, origin: Origin = Origin(nil)) {
        self.name = name
        self.schema = schema
        self.version = version
        self.origin = origin
    }
}

public struct SchemaInfo: Hashable, Sendable {
    public var name: String
    public var comment: String?
    public var origin = Origin(nil)

    package init(name: String, comment: String? = nil, origin: Origin = Origin(nil)) {
        self.name = name
        self.comment = comment
        self.origin = origin
    }

    /// `public` as every new PostgreSQL database holds it: initdb gives it this comment.
    public static let initialPublic = SchemaInfo(name: defaultSchema, comment: "standard public schema")
}

/// Enum value rename hints from a model (`<value renamed-from="...">`); never part of equality.
public struct ValueRenames: Hashable, Sendable {
    public var from: [String: String] = [:]

    package init(from: [String: String] = [:]) {
        self.from = from
    }
    public static func == (_: ValueRenames, _: ValueRenames) -> Bool { true }
    public func hash(into hasher: inout Hasher) {}
}

extension Constraint {
    package var foreignKey: ForeignKey? {
        if case .foreignKey(let fk) = kind { return fk }
        return nil
    }

    package var checkExpression: String? {
        if case .check(let expression) = kind { return expression }
        return nil
    }
}
