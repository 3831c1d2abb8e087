import RetortSQL
import RetortModel
import RetortState
import RetortCompiler

/// What a rule sees of one operation: the operation as written, the state before it, and
/// what the linter tracks across the revision and its transaction. A class: every rule
/// receives the same context, so passing it costs one reference.
public final class OperationContext {
    public let step: Step
    public let before: SchemaState
    public let revision: Revision
    public let settings: ProjectSettings
    /// Tables created in the linted scope (this revision, or everything after `--since`).
    public let newTables: Set<QualifiedName>
    /// Columns added in the linted scope, by table.
    public let newColumns: Set<ColumnReference>
    /// Enum values added earlier in the same transaction.
    public let enumValuesAddedInTransaction: Set<EnumValueReference>
    /// Constraints added NOT VALID earlier in the same transaction.
    public let notValidInTransaction: Set<String>
    /// Schemas, types, sequences and extensions created in the linted scope.
    public let newObjects: Set<ObjectKey>
    /// Schemas this revision has dropped objects from so far.
    public let emptiedSchemas: Set<String>

    package init(step: Step, before: SchemaState, revision: Revision, settings: ProjectSettings, newTables: Set<QualifiedName>,
         newColumns: Set<ColumnReference>, enumValuesAddedInTransaction: Set<EnumValueReference>, notValidInTransaction: Set<String>,
         newObjects: Set<ObjectKey>, emptiedSchemas: Set<String>) {
        self.step = step
        self.before = before
        self.revision = revision
        self.settings = settings
        self.newTables = newTables
        self.newColumns = newColumns
        self.enumValuesAddedInTransaction = enumValuesAddedInTransaction
        self.notValidInTransaction = notValidInTransaction
        self.newObjects = newObjects
        self.emptiedSchemas = emptiedSchemas
    }

    public var operation: Operation { step.operation }
    public var location: SourceLocation { step.location }

    /// Whether `table` existed before the linted scope (and so may hold rows and traffic).
    public func isExisting(_ table: QualifiedName) -> Bool {
        before.table(table) != nil && !newTables.contains(table)
    }

    public func isNewColumn(_ table: QualifiedName, _ column: String) -> Bool {
        newTables.contains(table) || newColumns.contains(ColumnReference(table: table, column: column))
    }
}

public struct EnumValueReference: Hashable, Sendable {
    public var type: QualifiedName
    public var value: String
}

/// What a rule sees of a whole revision: its compiled form and the state after it.
public struct RevisionContext {
    public var compiled: CompiledRevision
    public var after: SchemaState
    public var settings: ProjectSettings
    public var newTables: Set<QualifiedName>
    /// The foreign keys the revision added, resolved, with the step that added each.
    public var addedForeignKeys: [(table: QualifiedName, constraint: Constraint, location: SourceLocation)]
    /// Tables the revision locks with ACCESS EXCLUSIVE, with the first step doing so.
    public var accessExclusive: [(table: QualifiedName, location: SourceLocation)]
}

extension ColumnReference: Comparable {
    public static func < (a: ColumnReference, b: ColumnReference) -> Bool { (a.table, a.column) < (b.table, b.column) }
}
