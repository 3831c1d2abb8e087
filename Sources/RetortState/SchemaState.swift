import RetortSQL
import RetortModel
/// Where an object lives in PostgreSQL's namespaces. Tables, views, sequences and indexes
/// share one namespace per schema (`pg_class`); constraint names are tracked per schema so
/// unnamed ones can be named as PostgreSQL would.
public enum ObjectKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    case schema(String)
    case `extension`(String)
    case type(QualifiedName)
    case relation(QualifiedName)
    case constraint(QualifiedName)
    /// What depends on a table: the tables whose foreign keys reference it and the
    /// sequences it owns — an index kept so no operation has to scan the schema.
    case dependents(QualifiedName)

    private var sortKey: (Int, String, String) {
        switch self {
        case .schema(let name): (0, name, "")
        case .extension(let name): (1, name, "")
        case .type(let q): (2, q.schema, q.name)
        case .relation(let q): (3, q.schema, q.name)
        case .constraint(let q): (4, q.schema, q.name)
        case .dependents(let q): (5, q.schema, q.name)
        }
    }

    public static func < (a: ObjectKey, b: ObjectKey) -> Bool { a.sortKey < b.sortKey }

    public var description: String {
        switch self {
        case .schema(let name): "schema \(name)"
        case .extension(let name): "extension \(name)"
        case .type(let q): "type \(q)"
        case .relation(let q): "relation \(q)"
        case .constraint(let q): "constraint name \(q)"
        case .dependents(let q): "dependents of \(q)"
        }
    }
}

public enum SchemaObject: Hashable, Sendable {
    case schema(SchemaInfo)
    case `extension`(Extension)
    case enumType(EnumType)
    case table(Table)
    case view(View)
    case sequence(SchemaSequence)
    /// An index's name; the index itself lives in its table (also for the indexes that
    /// back primary keys and unique constraints).
    case index(table: QualifiedName)
    /// The name of the sequence behind an identity column of the table (`Column.identitySequence`).
    case identitySequence(table: QualifiedName)
    /// Tables holding a constraint of this name (sorted; names are unique per table only).
    case constraintOwners([QualifiedName])
    case dependents(Dependents)

    /// Content equality, ignoring column order (see `Table.sameContent`).
    package func sameContent(as other: SchemaObject) -> Bool {
        if case .table(let a) = self, case .table(let b) = other { return a.sameContent(as: b) }
        if case .view(let a) = self, case .view(let b) = other { return a == b || a.structural == b.structural }
        return self == other
    }

    package var kindName: String {
        switch self {
        case .schema: "schema"
        case .extension: "extension"
        case .enumType: "type"
        case .table: "table"
        case .view(let v): v.materialized ? "materialized view" : "view"
        case .sequence: "sequence"
        case .index: "index"
        case .identitySequence: "sequence"
        case .constraintOwners: "constraint"
        case .dependents: "dependents"
        }
    }

    package var origin: Origin {
        switch self {
        case .schema(let o): o.origin
        case .extension(let o): o.origin
        case .enumType(let o): o.origin
        case .table(let o): o.origin
        case .view(let o): o.origin
        case .sequence(let o): o.origin
        case .index, .identitySequence, .constraintOwners, .dependents: Origin(nil)
        }
    }
}

/// Tables whose foreign keys reference a table (once per foreign key) and the sequences
/// it owns, both sorted.
public struct Dependents: Hashable, Sendable {
    public var referrers: [QualifiedName] = []
    public var sequences: [QualifiedName] = []
    /// The views whose queries read the relation.
    public var views: [QualifiedName] = []
    package var isEmpty: Bool { referrers.isEmpty && sequences.isEmpty && views.isEmpty }
}

/// The schema at one point of the history: every object by its key.
///
/// Replay mutates one state in place; the optional journal records the first previous
/// value of every key an operation touches, which is what the downgrade self-check
/// compares — so checking a revision costs what the revision touches, not the schema size.
public struct SchemaState: Sendable {
    public private(set) var objects: [ObjectKey: SchemaObject] = [
        .schema(defaultSchema): .schema(.initialPublic),
    ]
    private var journal: [ObjectKey: SchemaObject?]?

    public init() {}

    public subscript(key: ObjectKey) -> SchemaObject? {
        get { objects[key] }
        set {
            if journal != nil, journal!.index(forKey: key) == nil {
                journal!.updateValue(objects[key], forKey: key)
            }
            objects[key] = newValue
        }
    }

    package mutating func startJournal() { journal = [:] }

    /// Stops recording and returns the previous value of every key touched since
    /// `startJournal()`.
    package mutating func takeJournal() -> [ObjectKey: SchemaObject?] {
        defer { journal = nil }
        return journal ?? [:]
    }

    /// Sets keys back without journaling (used to undo the self-check's downgrade).
    package mutating func restore(_ values: [ObjectKey: SchemaObject?]) {
        for (key, value) in values { objects[key] = value }
    }

    // MARK: - Lookups

    public func table(_ name: QualifiedName) -> Table? {
        if case .table(let t) = objects[.relation(name)] { return t }
        return nil
    }

    public func enumType(_ name: QualifiedName) -> EnumType? {
        if case .enumType(let e) = objects[.type(name)] { return e }
        return nil
    }

    public func sequence(_ name: QualifiedName) -> SchemaSequence? {
        if case .sequence(let s) = objects[.relation(name)] { return s }
        return nil
    }

    public func view(_ name: QualifiedName) -> View? {
        if case .view(let v) = objects[.relation(name)] { return v }
        return nil
    }

    /// Every table, in name order (a full scan: only for rare operations and rendering).
    public var tables: [Table] {
        objects.compactMap { key, value in
            if case .table(let t) = value { return t } else { return nil }
        }.sorted { $0.name < $1.name }
    }

    /// All objects in key order, for rendering and fingerprints.
    public var sortedObjects: [(key: ObjectKey, value: SchemaObject)] {
        objects.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    package func constraintNameTaken(_ name: QualifiedName) -> Bool { objects[.constraint(name)] != nil }
    package func relationNameTaken(_ name: QualifiedName) -> Bool { objects[.relation(name)] != nil }

    /// Content equality with another state (ignoring origins and column order).
    public func sameContent(as other: SchemaState) -> Bool {
        guard objects.count == other.objects.count else { return false }
        for (key, value) in objects {
            guard let theirs = other.objects[key], value.sameContent(as: theirs) else { return false }
        }
        return true
    }
}
