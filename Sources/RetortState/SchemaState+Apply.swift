import RetortSQL
import RetortModel
/// An operation as the state machine resolved it: every name explicit (constraints,
/// indexes, identity sequences named as PostgreSQL would), serial columns expanded, types
/// canonical, a view's comment target made materialized where it is. Only the state
/// machine makes one, so what renders or lints it knows it was checked against a state.
public struct ResolvedOperation: Hashable, Sendable {
    public let operation: Operation

    init(_ operation: Operation) { self.operation = operation }
}

/// An operation as written goes in; its resolved form and the operations (as written)
/// that undo it, derived from the state it was applied to, come out.
public struct AppliedOperation: Sendable {
    public var forward: ResolvedOperation
    public var inverse: [Operation]
}

extension SchemaState {
    /// Checks `operation` against this state, applies it and returns its exact inverse.
    /// Errors name the operation's position and, where it matters, the conflicting object's.
    public mutating func apply(_ operation: Operation, at location: SourceLocation) throws -> AppliedOperation {
        var context = ApplyContext(operation: operation.elementName, location: location)
        switch operation {
        case .createSchema, .dropSchema, .createExtension, .dropExtension:
            return try applySchemaOperation(operation, &context)
        case .createEnum, .dropEnum, .addEnumValue, .renameEnumValue, .rebuildEnum:
            return try applyEnumOperation(operation, &context)
        case .createSequence, .dropSequence:
            return try applySequenceOperation(operation, &context)
        case .createView, .dropView:
            return try applyViewOperation(operation, &context)

        case .comment(var target, let text):
            if case .view(let name) = target, view(name)?.materialized == true { target = .materializedView(name) }
            let old = try setComment(target, text, &context)
            return done(.comment(target, text), [.comment(target, old)])

        case .sql(let raw):
            guard let reverse = raw.reverse else { return done(operation, [.irreversible(location)]) }
            // An empty <reverse/> says "nothing to undo": the author takes the text as opaque.
            if reverse.trimmingWhitespace().isEmpty { return done(operation, []) }
            for effect in raw.effects { _ = try apply(effect, at: location) }
            var inverse = RawSQL(forward: reverse, reverse: raw.forward)
            inverse.effects = raw.reverseEffects
            inverse.reverseEffects = raw.effects
            return done(operation, [.sql(inverse)])

        case .irreversible:
            return done(operation, [])

        case .createTable, .dropTable, .renameTable, .addColumn, .dropColumn, .renameColumn, .alterColumn:
            return try applyTableOperation(operation, &context)
        case .addConstraint, .validateConstraint, .dropConstraint, .renameConstraint:
            return try applyConstraintOperation(operation, &context)
        case .createIndex, .dropIndex, .renameIndex:
            return try applyIndexOperation(operation, &context)
        }
    }

    /// Replays an operation resolved against another state (a revision replayed onto the
    /// other side of a branch): it is checked and resolved again against this one.
    public mutating func apply(_ resolved: ResolvedOperation, at location: SourceLocation) throws -> AppliedOperation {
        try apply(resolved.operation, at: location)
    }

    package func done(_ forward: Operation, _ inverse: [Operation]) -> AppliedOperation {
        AppliedOperation(forward: ResolvedOperation(forward), inverse: inverse)
    }

    // MARK: - Shared checks

    package func requireSchema(_ name: String, _ context: inout ApplyContext) throws {
        if self[.schema(name)] == nil {
            let schemas = objects.keys.compactMap { if case .schema(let s) = $0 { s } else { nil } }
            throw context.fail(.schemaMissing, "schema \(q(name)) does not exist\(didYouMean(name, among: schemas))")
        }
    }

    package func requireEnum(_ name: QualifiedName, _ context: inout ApplyContext) throws -> EnumType {
        guard let type = enumType(name) else {
            let enums = objects.keys.compactMap { if case .type(let t) = $0, t.schema == name.schema { t.name } else { nil } }
            throw context.fail(.enumMissing, "enum \(q(name.description)) does not exist\(didYouMean(name.name, among: enums))")
        }
        return type
    }

    package func requireFreeRelation(_ name: QualifiedName, _ context: inout ApplyContext) throws {
        if let existing = self[.relation(name)] {
            throw context.fail(.relationExists, "a \(existing.kindName) named \(q(name.description)) already exists\(existing.origin.addedAt)")
        }
        if let held = names.relation(name) {
            let origin = table(held.table)?.origin ?? Origin(nil)
            throw context.fail(.relationExists, "a \(held.kindName) named \(q(name.description)) already exists\(origin.addedAt)")
        }
        if case .enumType(let type) = self[.type(name)] {
            throw context.fail(.typeExists, "a type named \(q(name.description)) already exists\(type.origin.addedAt)")
        }
    }

    package func didYouMeanRelation(_ name: QualifiedName) -> String {
        let names = objects.keys.compactMap { if case .relation(let r) = $0, r.schema == name.schema { r.name } else { nil } }
        return didYouMean(name.name, among: names)
    }

    /// PostgreSQL stores enum constants by value, so a renamed value is renamed wherever it
    /// is used. Retort follows it in the defaults of the enum's columns (a default that is
    /// one constant, `'active'` or `'active'::status`); in a check or an index expression that
    /// names such a column it cannot tell an enum constant from text, and refuses.
    /// Returns the operations that give the defaults back their exact text after the
    /// inverse rename (which writes the constant its own way).
    package mutating func followEnumValueRename(of type: QualifiedName, from: String, to: String, _ context: inout ApplyContext) throws -> [Operation] {
        var restore: [Operation] = []
        for usage in enumUsages(of: type) {
            var table = self.table(usage.table)!
            let at = table.columnIndex(usage.column)!
            if usage.arrayDepth == 0, let expression = table.columns[at].defaultExpression,
               let renamed = ExpressionFacts.renamingLiteral(in: expression, from: from, to: to) {
                table.columns[at].defaultExpression = renamed
                self[.relation(usage.table)] = .table(table)
                var change = AlterColumn(table: usage.table, column: usage.column)
                change.defaultExpression = .some(expression)
                restore.append(.alterColumn(change))
            }
            let expressions = usage.dependents.checks.map { ("check \(q($0.name))", $0.checkExpression ?? "") }
                + usage.dependents.indexes.map { index in
                    ("index \(q(index.name))", (index.elements.compactMap { if case .expression(let e) = $0 { e } else { nil } } + [index.predicate ?? ""]).joined(separator: " "))
                }
            if let (object, _) = expressions.first(where: { ExpressionFacts.containsString(from, in: $0.1) }) {
                throw context.fail(.enumRenameInSqlText, "\(object) of table \(q(usage.table.description)) compares column \(q(usage.column)) with \(q(from)) in SQL text, which Retort cannot rename; drop it before the rename and add it back after")
            }
        }
        return restore
    }

    /// Every column whose type is the enum `name`, in table and column order.
    package func enumUsages(of name: QualifiedName) -> [EnumUsage] {
        tables.flatMap { table in
            table.columns.filter { $0.type.userType == name }.map { column in
                EnumUsage(table: table.name, column: column.name, arrayDepth: column.type.arrayDepth,
                          defaultExpression: column.defaultExpression,
                          dependents: table.expressionDependents(of: column.name))
            }
        }
    }

    /// Resolves a type as written against built-in names, enums and extension types.
    package func resolveType(_ type: SQLType, _ context: inout ApplyContext) throws -> SQLType {
        if type.userType != nil { return type }
        let words = type.base
        let lowered = words.asciiLowercased()
        if let canonical = SQLType.builtinAliases[lowered] {
            return SQLType(base: canonical, modifiers: type.modifiers, arrayDepth: type.arrayDepth)
        }
        let parts = words.split(separator: ".", maxSplits: 1).map { String($0).trimmingCharacters(quote: "\"") }
        let name = parts.count == 2 ? QualifiedName(schema: parts[0], name: parts[1]) : QualifiedName(schema: defaultSchema, name: parts[0])
        if enumType(name) != nil {
            return SQLType(base: name.description, modifiers: type.modifiers, arrayDepth: type.arrayDepth, userType: name)
        }
        // An extension's type qualified by the schema it is installed in (`public.citext`,
        // as pg_dump writes it) is the same type.
        if parts.count == 2, let ext = SQLType.extensionTypes[name.name.asciiLowercased()],
           case .extension(let installed)? = self[.extension(ext)], (installed.schema ?? defaultSchema) == name.schema {
            return SQLType(base: name.name.asciiLowercased(), modifiers: type.modifiers, arrayDepth: type.arrayDepth)
        }
        if let ext = SQLType.extensionTypes[lowered] {
            guard self[.extension(ext)] != nil else {
                throw context.fail(.extensionRequired, "type \(q(words)) needs extension \(q(ext)); add <create-extension name=\"\(ext)\"/> first")
            }
            return SQLType(base: lowered, modifiers: type.modifiers, arrayDepth: type.arrayDepth)
        }
        let enums = objects.keys.compactMap { if case .type(let t) = $0 { t.name } else { nil } }
        throw context.fail(.typeUnknown, "unknown type \(q(words))\(didYouMean(lowered, among: Array(SQLType.builtinAliases.keys) + enums + ["serial", "bigserial"]))")
    }

    /// Sets a comment and returns the previous one.
    package mutating func setComment(_ target: CommentTarget, _ text: String?, _ context: inout ApplyContext) throws -> String? {
        switch target {
        case .schema(let name):
            guard case .schema(var info) = self[.schema(name)] else { throw context.fail(.schemaMissing, "schema \(q(name)) does not exist") }
            defer { info.comment = text; self[.schema(name)] = .schema(info) }
            return info.comment
        case .table(let name):
            var table = try requireTable(name, &context)
            defer { table.comment = text; self[.relation(name)] = .table(table) }
            return table.comment
        case .column(let name, let column):
            var table = try requireTable(name, &context)
            let at = try requireColumn(table, column, &context)
            defer { table.columns[at].comment = text; self[.relation(name)] = .table(table) }
            return table.columns[at].comment
        case .view(let name), .materializedView(let name):
            guard var view = view(name) else { throw context.fail(.viewMissing, "view \(q(name.description)) does not exist\(didYouMeanRelation(name))") }
            defer { view.comment = text; self[.relation(name)] = .view(view) }
            return view.comment
        case .index(let name):
            let (owner, at) = try requireIndex(name, &context)
            var table = self.table(owner)!
            defer { table.indexes[at].comment = text; self[.relation(owner)] = .table(table) }
            return table.indexes[at].comment
        case .type(let name):
            var type = try requireEnum(name, &context)
            defer { type.comment = text; self[.type(name)] = .enumType(type) }
            return type.comment
        case .sequence(let name):
            guard var sequence = sequence(name) else { throw context.fail(.sequenceMissing, "sequence \(q(name.description)) does not exist\(didYouMeanRelation(name))") }
            defer { sequence.comment = text; self[.relation(name)] = .sequence(sequence) }
            return sequence.comment
        }
    }
}

/// The operation being applied, for error messages.
package struct ApplyContext {
    package var operation: String
    package var location: SourceLocation

    package func fail(_ id: DiagnosticID, _ message: String) -> Diagnostic {
        Diagnostic(id.rawValue, at: location, "\(operation): \(message)")
    }

    package func checkIdentifier(_ name: String) throws {
        if name.isEmpty { throw fail(.identifierEmpty, "empty name") }
        if name.utf8.count > PostgresNaming.maxIdentifierBytes {
            throw fail(.identifierTooLong, "identifier \(q(name)) is \(name.utf8.count) bytes long; PostgreSQL's limit is 63 bytes")
        }
        if name.unicodeScalars.contains("\u{0}") { throw fail(.identifierNul, "identifier contains U+0000") }
    }

    /// An index is named by `schema.name` where an operation refers to it (`drop-index`,
    /// `rename-index`), so its own name cannot hold a `.`.
    package func checkIndexName(_ name: String) throws {
        try checkIdentifier(name)
        if name.contains(".") {
            throw fail(.identifierDot, "index name \(q(name)) contains '.': drop-index and rename-index name an index as schema.name, so they could never name this one")
        }
    }

    package func checkName(_ name: QualifiedName) throws {
        try checkIdentifier(name.schema)
        try checkIdentifier(name.name)
    }
}

package func firstDuplicate(_ values: [String]) -> String? {
    var seen = Set<String>()
    for value in values where !seen.insert(value).inserted { return value }
    return nil
}

extension String {
    package func trimmingCharacters(quote: Character) -> String {
        count >= 2 && first == quote && last == quote ? String(dropFirst().dropLast()) : self
    }
}
