import RetortSQL
import RetortModel

extension SchemaState {
    /// `add-primary-key`, `add-unique`, `add-check`, `add-foreign-key`, `validate-constraint`, `drop-constraint` and `rename-constraint`.
    package mutating func applyConstraintOperation(_ operation: Operation, _ context: inout ApplyContext) throws -> AppliedOperation {
        switch operation {
        case .addConstraint(let name, let constraint):
            var table = try requireTable(name, &context)
            var chosen = Set<String>()
            let resolved = try resolveConstraint(constraint, in: table, chosen: &chosen, &context)
            var inverse: [Operation] = [.dropConstraint(name, resolved.name)]
            if case .primaryKey(let columns) = resolved.kind {
                for column in columns {
                    let at = table.columnIndex(column)!
                    if table.columns[at].nullable {
                        table.columns[at].nullable = false
                        var restore = AlterColumn(table: name, column: column)
                        restore.nullable = true
                        inverse.append(.alterColumn(restore))
                    }
                }
            }
            table.constraints.append(resolved)
            self[.relation(name)] = .table(table)
            registerConstraintName(resolved, of: name)
            return done(.addConstraint(name, resolved), inverse)

        case .validateConstraint(let name, let constraintName):
            var table = try requireTable(name, &context)
            let at = try requireConstraint(table, constraintName, &context)
            let old = table.constraints[at]
            switch old.kind {
            case .check, .foreignKey: break
            case .primaryKey, .unique:
                throw context.fail(.constraintNotValidatable, "constraint \(q(constraintName)) is a \(old.kind.nameLabel == "pkey" ? "primary key" : "unique constraint"); only check and foreign-key constraints can be validated")
            }
            guard old.notValid else { return done(operation, []) }
            table.constraints[at].notValid = false
            self[.relation(name)] = .table(table)
            // PostgreSQL cannot mark a constraint NOT VALID again: drop it and add it back.
            return done(operation, [.dropConstraint(name, constraintName), .addConstraint(name, old)])

        case .dropConstraint(let name, let constraintName, _):
            var table = try requireTable(name, &context)
            let at = try requireConstraint(table, constraintName, &context)
            let old = table.constraints[at]
            let rebinding = old.kind.ownsIndex ? try foreignKeys(needing: old.kind.columns, of: table, "constraint \(q(constraintName))", &context) : []
            unregisterConstraintName(old, of: name)
            table.constraints.remove(at: at)
            self[.relation(name)] = .table(table)
            return done(.dropConstraint(name, constraintName, rebinding: rebinding), [.addConstraint(name, old)])

        case .renameConstraint(let name, let from, let to):
            var table = try requireTable(name, &context)
            let at = try requireConstraint(table, from, &context)
            try context.checkIdentifier(to)
            if table.constraintIndex(to) != nil {
                throw context.fail(.constraintExists, "table \(q(name.description)) already has a constraint named \(q(to))")
            }
            let old = table.constraints[at]
            if old.kind.ownsIndex { try requireFreeRelation(name.renamed(to), &context) }
            unregisterConstraintName(old, of: name)
            table.constraints[at].name = to
            registerConstraintName(table.constraints[at], of: name)
            self[.relation(name)] = .table(table)
            return done(operation, [.renameConstraint(name, from: to, to: from)])

        default:
            preconditionFailure("\(operation.elementName) is not handled by applyConstraintOperation")
        }
    }
}
