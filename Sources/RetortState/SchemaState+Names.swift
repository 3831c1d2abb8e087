import RetortSQL
import RetortModel

/// The names a table brings into the state (its constraints, indexes and identity
/// sequences), and what depends on a column.
extension SchemaState {
    package mutating func register(_ table: Table) {
        self[.relation(table.name)] = .table(table)
        for index in table.indexes { names.setRelation(table.name.renamed(index.name), .index(table: table.name)) }
        for column in table.columns { registerIdentitySequence(of: column, in: table.name) }
        for constraint in table.constraints { registerConstraintName(constraint, of: table.name) }
    }

    package mutating func unregister(_ table: Table) {
        self[.relation(table.name)] = nil
        for index in table.indexes { names.setRelation(table.name.renamed(index.name), nil) }
        for column in table.columns { unregisterIdentitySequence(of: column, in: table.name) }
        for constraint in table.constraints { unregisterConstraintName(constraint, of: table.name) }
    }

    package mutating func registerIdentitySequence(of column: Column, in table: QualifiedName) {
        if let sequence = column.identitySequence { names.setRelation(table.renamed(sequence), .identitySequence(table: table)) }
    }

    package mutating func unregisterIdentitySequence(of column: Column, in table: QualifiedName) {
        if let sequence = column.identitySequence { names.setRelation(table.renamed(sequence), nil) }
    }

    package mutating func registerConstraintName(_ constraint: Constraint, of table: QualifiedName) {
        let name = table.renamed(constraint.name)
        names.setConstraintOwners(name, (names.constraintOwners(name) + [table]).sorted())
        if constraint.kind.ownsIndex { names.setRelation(name, .index(table: table)) }
        if let fk = constraint.foreignKey {
            updateDependents(of: fk.referencedTable) { d in
                d.referrers.append(table)
                d.referrers.sort()
            }
        }
    }

    package mutating func unregisterConstraintName(_ constraint: Constraint, of table: QualifiedName) {
        let name = table.renamed(constraint.name)
        var owners = names.constraintOwners(name)
        if let at = owners.firstIndex(of: table) {
            owners.remove(at: at)
            names.setConstraintOwners(name, owners)
        }
        if constraint.kind.ownsIndex { names.setRelation(name, nil) }
        if let fk = constraint.foreignKey {
            updateDependents(of: fk.referencedTable) { d in
                if let at = d.referrers.firstIndex(of: table) { d.referrers.remove(at: at) }
            }
        }
    }
}

extension Table {
    /// The checks and indexes whose SQL text names `column`.
    package func expressionDependents(of column: String) -> ExpressionDependents {
        ExpressionDependents(checks: constraints.filter { $0.checkExpression != nil && $0.involves(column) },
                             indexes: indexes.filter { $0.involvesThroughExpression(column) })
    }
}

extension Constraint {
    /// Whether dropping `column` drops this constraint too, as PostgreSQL does.
    package func involves(_ column: String) -> Bool {
        if case .check(let expression) = kind {
            return ExpressionFacts.referencedNames(expression).contains(column)
        }
        return kind.columns.contains(column)
    }
}

extension TableIndex {
    /// A unique index on plain columns without a predicate, which a foreign key can reference.
    package var isKey: Bool {
        unique && predicate == nil && elements.allSatisfy { if case .column = $0 { true } else { false } }
    }

    /// Whether an expression or the predicate of this index names `column`.
    package func involvesThroughExpression(_ column: String) -> Bool {
        elements.contains { if case .expression(let text) = $0 { ExpressionFacts.referencedNames(text).contains(column) } else { false } }
            || (predicate.map { ExpressionFacts.referencedNames($0).contains(column) } ?? false)
    }

    package func involves(_ column: String) -> Bool {
        for element in elements {
            switch element {
            case .column(let name): if name == column { return true }
            case .expression(let text): if ExpressionFacts.referencedNames(text).contains(column) { return true }
            }
        }
        if include.contains(column) { return true }
        if let predicate, ExpressionFacts.referencedNames(predicate).contains(column) { return true }
        return false
    }
}
