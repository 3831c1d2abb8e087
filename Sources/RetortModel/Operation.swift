/// A typed schema change: what a revision file's `<upgrade>` element holds, and what the
/// state machine derives as inverses. Operations carry every name explicitly once the
/// state machine has resolved them, so rendering never needs the schema state.
public indirect enum Operation: Hashable, Sendable {
    case createSchema(SchemaInfo)
    case dropSchema(String)
    case createExtension(Extension)
    case dropExtension(String)
    case createEnum(EnumType)
    case dropEnum(QualifiedName)
    case addEnumValue(QualifiedName, value: String, placement: EnumPlacement?)
    case renameEnumValue(QualifiedName, from: String, to: String)
    /// Derived only: replaces an enum's values (PostgreSQL cannot drop one) by building a
    /// new type, with the old one's comment, and re-casting every column that uses it.
    case rebuildEnum(QualifiedName, values: [String], comment: String?, usages: [EnumUsage])
    case createSequence(SchemaSequence)
    case dropSequence(QualifiedName)
    case createTable(Table, ownedSequences: [SchemaSequence])
    case dropTable(QualifiedName)
    case renameTable(QualifiedName, to: String)
    case addColumn(QualifiedName, Column, ownedSequence: SchemaSequence?)
    case dropColumn(QualifiedName, String)
    case renameColumn(QualifiedName, from: String, to: String)
    case alterColumn(AlterColumn)
    case addConstraint(QualifiedName, Constraint)
    case validateConstraint(QualifiedName, String)
    /// `rebinding`: set by the state machine, see `TableConstraint`.
    case dropConstraint(QualifiedName, String, rebinding: [TableConstraint] = [])
    case renameConstraint(QualifiedName, from: String, to: String)
    case createIndex(QualifiedName, TableIndex, concurrently: Bool)
    /// `rebinding`: set by the state machine, see `TableConstraint`.
    case dropIndex(QualifiedName, concurrently: Bool, rebinding: [TableConstraint] = [])
    case renameIndex(QualifiedName, to: String)
    case createView(View)
    case dropView(QualifiedName, materialized: Bool)
    case comment(CommentTarget, String?)
    case sql(RawSQL)
    /// Derived only: the inverse of raw SQL that has no `<reverse>`.
    case irreversible(SourceLocation)

    /// The element name used in revision files.
    public var elementName: String {
        switch self {
        case .createSchema: "create-schema"
        case .dropSchema: "drop-schema"
        case .createExtension: "create-extension"
        case .dropExtension: "drop-extension"
        case .createEnum: "create-enum"
        case .dropEnum: "drop-enum"
        case .addEnumValue: "add-enum-value"
        case .renameEnumValue: "rename-enum-value"
        case .rebuildEnum: "rebuild-enum"
        case .createSequence: "create-sequence"
        case .dropSequence: "drop-sequence"
        case .createTable: "create-table"
        case .dropTable: "drop-table"
        case .renameTable: "rename-table"
        case .addColumn: "add-column"
        case .dropColumn: "drop-column"
        case .renameColumn: "rename-column"
        case .alterColumn: "alter-column"
        case .addConstraint(_, let c):
            switch c.kind {
            case .primaryKey: "add-primary-key"
            case .unique: "add-unique"
            case .check: "add-check"
            case .foreignKey: "add-foreign-key"
            }
        case .validateConstraint: "validate-constraint"
        case .dropConstraint: "drop-constraint"
        case .renameConstraint: "rename-constraint"
        case .createIndex: "create-index"
        case .dropIndex: "drop-index"
        case .renameIndex: "rename-index"
        case .createView: "create-view"
        case .dropView: "drop-view"
        case .comment: "comment"
        case .sql: "sql"
        case .irreversible: "sql"
        }
    }
}

public enum EnumPlacement: Hashable, Sendable {
    case before(String)
    case after(String)
}

/// A column whose type is an enum, with its default (which must be re-cast too).
public struct EnumUsage: Hashable, Sendable {
    public var table: QualifiedName
    public var column: String
    public var arrayDepth: Int
    public var defaultExpression: String?
    public var dependents: ExpressionDependents = ExpressionDependents()

    package init(table: QualifiedName, column: String, arrayDepth: Int, defaultExpression: String? = nil, dependents: ExpressionDependents = ExpressionDependents()) {
        self.table = table
        self.column = column
        self.arrayDepth = arrayDepth
        self.defaultExpression = defaultExpression
        self.dependents = dependents
    }
}

/// Checks and indexes whose SQL text (expression or predicate) names a column. Through a
/// change of the column's type PostgreSQL keeps them as it parsed them for the old type
/// (`(c)::text <> 'x'::text` on a column that became citext), or meets the old type and
/// fails (a rebuilt enum): around such a change they are dropped and created again from
/// their text, so they mean what CREATE TABLE (schema.sql) would make of them.
public struct ExpressionDependents: Hashable, Sendable {
    public var checks: [Constraint] = []
    public var indexes: [TableIndex] = []

    package init(checks: [Constraint] = [], indexes: [TableIndex] = []) {
        self.checks = checks
        self.indexes = indexes
    }
}

/// A constraint of a table. Dropping a key that foreign keys reference while another key
/// on the same columns remains rebinds them: PostgreSQL ties a foreign key to one of those
/// indexes (the oldest), which differs between a database built revision by revision and
/// one whose tables were created whole (schema.sql, a downgrade that re-creates a table),
/// so the script drops those foreign keys before the key and adds them back after.
public struct TableConstraint: Hashable, Sendable {
    public var table: QualifiedName
    public var constraint: Constraint

    package init(table: QualifiedName, constraint: Constraint) {
        self.table = table
        self.constraint = constraint
    }
}

/// `alter-column`: each field that is set is a change; nil means "leave as is".
public struct AlterColumn: Hashable, Sendable {
    public var table: QualifiedName
    public var column: String
    public var type: SQLType?
    public var using: String?
    public var nullable: Bool?
    /// `.some(nil)` drops the default.
    public var defaultExpression: String??
    /// `.some(nil)` drops the identity.
    public var identity: Identity??
    /// The sequence an added identity creates: chosen by the state machine, or in a derived
    /// inverse the one to re-create. nil when an existing identity only changes its kind.
    public var identitySequence: String?
    /// `.some(nil)` removes the comment.
    public var comment: String??
    /// Set by the state machine when the type changes to another base type.
    public var dependents = ExpressionDependents()

    public init(table: QualifiedName, column: String) {
        self.table = table
        self.column = column
    }

    package var isEmpty: Bool {
        type == nil && nullable == nil && defaultExpression == nil && identity == nil && comment == nil
    }
}

public enum CommentTarget: Hashable, Sendable {
    case schema(String)
    case table(QualifiedName)
    case column(QualifiedName, String)
    case view(QualifiedName)
    /// Resolved by the state machine from `view` when the view is materialized, which
    /// `COMMENT ON` must say.
    case materializedView(QualifiedName)
    case index(QualifiedName)
    case type(QualifiedName)
    case sequence(QualifiedName)
}

/// Raw SQL, opaque to the state machine. `reverse == nil` means irreversible;
/// an empty reverse means the downgrade needs nothing.
public struct RawSQL: Hashable, Sendable {
    public var forward: String
    public var reverse: String?
    /// Where each statement of `forward` starts in its file (never part of equality).
    public var statementOrigins: [Origin] = []
    /// What the DDL statements of `forward` and of `reverse` do to the schema, read off the
    /// parse tree, when the author gave a `<reverse>`: the state follows the text, and the
    /// self-check proves that the reverse undoes the forward.
    public var effects: [Operation] = []
    public var reverseEffects: [Operation] = []

    public init(forward: String, reverse: String?) {
        self.forward = forward
        self.reverse = reverse
    }

    /// The position of statement `n` of `forward`, else `fallback`.
    public func location(ofStatement n: Int, or fallback: SourceLocation) -> SourceLocation {
        n < statementOrigins.count ? statementOrigins[n].location ?? fallback : fallback
    }
}

/// A `<lint-allow>` suppression.
public struct LintAllow: Hashable, Sendable {
    public var rule: String
    public var reason: String?
    public var location: SourceLocation

    package init(rule: String, reason: String? = nil, location: SourceLocation) {
        self.rule = rule
        self.reason = reason
        self.location = location
    }
}

/// One operation as written in a revision file, with its position and suppressions.
public struct Step: Hashable, Sendable {
    public var operation: Operation
    public var location: SourceLocation
    public var allows: [LintAllow] = []
    /// The operation was read from a raw SQL statement (`<sql>`) and translated.
    public var fromSQL = false

    public init(_ operation: Operation, at location: SourceLocation, allows: [LintAllow] = []) {
        self.operation = operation
        self.location = location
        self.allows = allows
    }
}
