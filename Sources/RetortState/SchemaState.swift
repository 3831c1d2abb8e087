import RetortSQL
import RetortModel
/// Where an object lives in PostgreSQL's namespaces. Tables, views and sequences share one
/// namespace per schema (`pg_class`) with indexes, whose names the `NameIndex` holds.
public enum ObjectKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    case schema(String)
    case `extension`(String)
    case type(QualifiedName)
    case relation(QualifiedName)

    private var sortKey: (Int, String, String) {
        switch self {
        case .schema(let name): (0, name, "")
        case .extension(let name): (1, name, "")
        case .type(let q): (2, q.schema, q.name)
        case .relation(let q): (3, q.schema, q.name)
        }
    }

    public static func < (a: ObjectKey, b: ObjectKey) -> Bool { a.sortKey < b.sortKey }

    public var description: String {
        switch self {
        case .schema(let name): "schema \(name)"
        case .extension(let name): "extension \(name)"
        case .type(let q): "type \(q)"
        case .relation(let q): "relation \(q)"
        }
    }

    package var schemaName: String? {
        switch self {
        case .schema, .extension: nil
        case .type(let q), .relation(let q): q.schema
        }
    }
}

/// An object of the catalog: what `CREATE` makes and `DROP` removes.
public enum SchemaObject: Hashable, Sendable {
    case schema(SchemaInfo)
    case `extension`(Extension)
    case enumType(EnumType)
    case table(Table)
    case view(View)
    case sequence(SchemaSequence)

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

/// A dictionary that can record, while a journal is open, the first previous value of
/// every key written: what the downgrade self-check compares and restores.
package struct Journaled<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    package private(set) var values: [Key: Value]
    private var journal: [Key: Value?]?

    package init(_ values: [Key: Value] = [:]) { self.values = values }

    package subscript(key: Key) -> Value? {
        get { values[key] }
        set {
            if journal != nil, journal!.index(forKey: key) == nil {
                journal!.updateValue(values[key], forKey: key)
            }
            values[key] = newValue
        }
    }

    package mutating func startJournal() { journal = [:] }

    package mutating func takeJournal() -> [Key: Value?] {
        defer { journal = nil }
        return journal ?? [:]
    }

    /// Sets keys back without journaling.
    package mutating func restore(_ changes: [Key: Value?]) {
        for (key, value) in changes { values[key] = value }
    }
}

/// Every object of the schema by its key: schemas, extensions, types, tables, views and
/// sequences. Indexes and constraints live in their tables.
public struct Catalog: Sendable {
    package var entries: Journaled<ObjectKey, SchemaObject>

    package init(_ objects: [ObjectKey: SchemaObject]) { entries = Journaled(objects) }

    public var objects: [ObjectKey: SchemaObject] { entries.values }

    public subscript(key: ObjectKey) -> SchemaObject? {
        get { entries[key] }
        set { entries[key] = newValue }
    }

    /// All objects in key order, for rendering and fingerprints.
    public var sorted: [(key: ObjectKey, value: SchemaObject)] {
        objects.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}

/// The name a table's index or identity sequence holds in its schema's `pg_class` namespace.
public enum RelationName: Hashable, Sendable {
    case index(table: QualifiedName)
    case identitySequence(table: QualifiedName)

    package var table: QualifiedName {
        switch self {
        case .index(let t), .identitySequence(let t): t
        }
    }

    package var kindName: String {
        switch self {
        case .index: "index"
        case .identitySequence: "sequence"
        }
    }
}

/// What the name index records, by kind.
public enum NameKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// A `pg_class` name held by an index or identity sequence of a table.
    case relation(QualifiedName)
    /// A constraint name in a schema, and the tables that hold one of that name.
    case constraint(QualifiedName)
    /// What depends on a table.
    case dependents(QualifiedName)

    private var sortKey: (Int, String, String) {
        switch self {
        case .relation(let q): (0, q.schema, q.name)
        case .constraint(let q): (1, q.schema, q.name)
        case .dependents(let q): (2, q.schema, q.name)
        }
    }

    public static func < (a: NameKey, b: NameKey) -> Bool { a.sortKey < b.sortKey }

    public var description: String {
        switch self {
        case .relation(let q): "relation name \(q)"
        case .constraint(let q): "constraint name \(q)"
        case .dependents(let q): "dependents of \(q)"
        }
    }
}

package enum NameEntry: Hashable, Sendable {
    case relation(RelationName)
    case constraintOwners([QualifiedName])
    case dependents(Dependents)
}

/// The names objects bring into PostgreSQL's shared namespaces, and who depends on a table:
/// indexes kept beside the catalog so that no operation has to scan the schema. Everything
/// here follows from the catalog; the state machine keeps the two in step.
public struct NameIndex: Sendable {
    package var entries = Journaled<NameKey, NameEntry>()

    /// The index or identity sequence holding `name` in its schema.
    public func relation(_ name: QualifiedName) -> RelationName? {
        if case .relation(let owner) = entries[.relation(name)] { return owner }
        return nil
    }

    package mutating func setRelation(_ name: QualifiedName, _ owner: RelationName?) {
        entries[.relation(name)] = owner.map(NameEntry.relation)
    }

    /// Tables holding a constraint of this name (sorted; names are unique per table only).
    public func constraintOwners(_ name: QualifiedName) -> [QualifiedName] {
        if case .constraintOwners(let owners) = entries[.constraint(name)] { return owners }
        return []
    }

    package mutating func setConstraintOwners(_ name: QualifiedName, _ owners: [QualifiedName]) {
        entries[.constraint(name)] = owners.isEmpty ? nil : .constraintOwners(owners)
    }

    /// Tables whose foreign keys reference `table`, the sequences it owns, the views reading it.
    public func dependents(of table: QualifiedName) -> Dependents {
        if case .dependents(let d) = entries[.dependents(table)] { return d }
        return Dependents()
    }

    package mutating func setDependents(of table: QualifiedName, _ dependents: Dependents) {
        entries[.dependents(table)] = dependents.isEmpty ? nil : .dependents(dependents)
    }
}

/// The previous values of everything a stretch of replay touched (see `startJournal`).
public struct StateJournal: Sendable {
    package var catalog: [ObjectKey: SchemaObject?]
    package var names: [NameKey: NameEntry?]
}

/// The schema at one point of the history: the catalog of objects and the name index.
///
/// Replay mutates one state in place; the optional journal records the first previous
/// value of every key an operation touches, which is what the downgrade self-check
/// compares — so checking a revision costs what the revision touches, not the schema size.
public struct SchemaState: Sendable {
    public internal(set) var catalog = Catalog([.schema(defaultSchema): .schema(.initialPublic)])
    public internal(set) var names = NameIndex()

    public init() {}

    /// A state holding just these objects (their names not indexed): for rendering one object.
    package init(rendering objects: [ObjectKey: SchemaObject]) { catalog = Catalog(objects) }

    public var objects: [ObjectKey: SchemaObject] { catalog.objects }

    public subscript(key: ObjectKey) -> SchemaObject? {
        get { catalog[key] }
        set { catalog[key] = newValue }
    }

    package mutating func startJournal() {
        catalog.entries.startJournal()
        names.entries.startJournal()
    }

    /// Stops recording and returns the previous value of every key touched since
    /// `startJournal()`.
    package mutating func takeJournal() -> StateJournal {
        StateJournal(catalog: catalog.entries.takeJournal(), names: names.entries.takeJournal())
    }

    /// The current values of the keys a journal recorded.
    package func current(_ keys: StateJournal) -> StateJournal {
        var now = StateJournal(catalog: [:], names: [:])
        for key in keys.catalog.keys { now.catalog.updateValue(catalog[key], forKey: key) }
        for key in keys.names.keys { now.names.updateValue(names.entries[key], forKey: key) }
        return now
    }

    /// Sets keys back without journaling (used to undo the self-check's downgrade).
    package mutating func restore(_ values: StateJournal) {
        catalog.entries.restore(values.catalog)
        names.entries.restore(values.names)
    }

    // MARK: - Lookups

    public func table(_ name: QualifiedName) -> Table? {
        if case .table(let t) = catalog[.relation(name)] { return t }
        return nil
    }

    public func enumType(_ name: QualifiedName) -> EnumType? {
        if case .enumType(let e) = catalog[.type(name)] { return e }
        return nil
    }

    public func sequence(_ name: QualifiedName) -> SchemaSequence? {
        if case .sequence(let s) = catalog[.relation(name)] { return s }
        return nil
    }

    public func view(_ name: QualifiedName) -> View? {
        if case .view(let v) = catalog[.relation(name)] { return v }
        return nil
    }

    /// Every table, in name order (a full scan: only for rare operations and rendering).
    public var tables: [Table] {
        catalog.objects.compactMap { key, value in
            if case .table(let t) = value { return t } else { return nil }
        }.sorted { $0.name < $1.name }
    }

    /// All objects in key order, for rendering and fingerprints.
    public var sortedObjects: [(key: ObjectKey, value: SchemaObject)] { catalog.sorted }

    package func constraintNameTaken(_ name: QualifiedName) -> Bool { !names.constraintOwners(name).isEmpty }
    package func relationNameTaken(_ name: QualifiedName) -> Bool { catalog[.relation(name)] != nil || names.relation(name) != nil }

    /// Content equality with another state (ignoring origins and column order).
    public func sameContent(as other: SchemaState) -> Bool {
        guard objects.count == other.objects.count, names.entries.values == other.names.entries.values else { return false }
        for (key, value) in objects {
            guard let theirs = other.objects[key], value.sameContent(as: theirs) else { return false }
        }
        return true
    }
}
