import RetortSQL
import RetortModel
/// Tables, columns, constraints and indexes: the operations that touch a table.
extension SchemaState {
    /// `create-table`, `drop-table`, `rename-table` and the column operations.
    package mutating func applyTableOperation(_ operation: Operation, _ context: inout ApplyContext) throws -> AppliedOperation {
        switch operation {
        case .createTable(let table, let ownedSequences):
            let (created, sequences) = try resolveNewTable(table, ownedSequences: ownedSequences, &context)
            for sequence in sequences { putSequence(sequence) }
            register(created)
            return done(.createTable(created, ownedSequences: sequences), [.dropTable(created.name)])

        case .dropTable(let name):
            let table = try requireTable(name, &context)
            try refuseIfViewsUse(name, column: nil, "drop table \(q(name.description))", &context)
            if let (referrer, fk) = foreignKeys(referencing: name).first(where: { $0.0 != name }) {
                throw context.fail(.tableReferenced, "table \(q(name.description)) is referenced by foreign key \(q(fk.name)) of table \(q(referrer.description))\(fk.origin.addedAt); drop that constraint first")
            }
            let owned = sequencesOwned(by: name)
            for sequence in owned { removeSequence(sequence) }
            unregister(table)
            return done(operation, [.createTable(table, ownedSequences: owned)])

        case .renameTable(let name, let newName):
            var table = try requireTable(name, &context)
            let target = name.renamed(newName)
            try context.checkIdentifier(newName)
            try requireFreeRelation(target, &context)
            let views = followingRename(.relation(schema: name.schema, from: name.name, to: newName), of: name)
            unregister(table)
            let moved = dependents(of: name)
            names.setDependents(of: name, Dependents())
            names.setDependents(of: target, moved)
            table.name = target
            for (i, constraint) in table.constraints.enumerated() {
                if case .foreignKey(var fk) = constraint.kind, fk.referencedTable == name {
                    fk.referencedTable = target
                    table.constraints[i].kind = .foreignKey(fk)
                }
            }
            register(table)
            for referrer in Set(moved.referrers) where referrer != name {
                var other = self.table(referrer)!
                for (i, constraint) in other.constraints.enumerated() {
                    if case .foreignKey(var fk) = constraint.kind, fk.referencedTable == name {
                        fk.referencedTable = target
                        other.constraints[i].kind = .foreignKey(fk)
                    }
                }
                self[.relation(referrer)] = .table(other)
            }
            for var sequence in moved.sequences.compactMap(sequence) {
                sequence.ownedBy?.table = target
                self[.relation(sequence.name)] = .sequence(sequence)
            }
            store(views: views)
            return done(operation, [.renameTable(target, to: name.name)])

        case .addColumn(let name, let column, let ownedSequence):
            var table = try requireTable(name, &context)
            var chosen = Set<String>()
            if let existing = table.column(column.name) {
                throw context.fail(.columnExists, "column \(q(column.name)) already exists on table \(q(name.description))\(existing.origin.addedAt)")
            }
            if let ownedSequence {
                try requireFreeRelation(ownedSequence.name, &context)
                putSequence(ownedSequence)
            }
            let (added, sequence) = try resolveColumn(column, table: name, chosen: &chosen, &context)
            var resolved = added
            var widened = table
            widened.columns.append(resolved)
            try requireGenerationColumns(of: resolved, in: widened, &context)
            resolved.generated = resolved.generated.map { ExpressionFacts.canonicalizingReferences(in: $0, to: table.columns.map(\.name) + [resolved.name]) }
            table.columns.append(resolved)
            self[.relation(name)] = .table(table)
            registerIdentitySequence(of: resolved, in: name)
            if let sequence { putSequence(sequence) }
            return done(.addColumn(name, resolved, ownedSequence: ownedSequence ?? sequence), [.dropColumn(name, resolved.name)])

        case .dropColumn(let name, let columnName):
            var table = try requireTable(name, &context)
            let at = try requireColumn(table, columnName, &context)
            try refuseIfViewsUse(name, column: columnName, "drop column \(q(columnName)) of table \(q(name.description))", &context)
            if let (referrer, fk) = foreignKeys(referencing: name).first(where: { pair in
                pair.1.foreignKey!.referencedColumns.contains(columnName) && !(pair.0 == name && pair.1.kind.columns.contains(columnName))
            }) {
                throw context.fail(.columnReferenced, "column \(q(columnName)) of table \(q(name.description)) is referenced by foreign key \(q(fk.name)) of table \(q(referrer.description)); drop that constraint first")
            }
            let column = table.columns[at]
            let droppedConstraints = table.constraints.filter { $0.involves(columnName) }
            let droppedIndexes = table.indexes.filter { $0.involves(columnName) }
            // Only the names that go with the column are unregistered; the rest stay.
            for constraint in droppedConstraints { unregisterConstraintName(constraint, of: name) }
            for index in droppedIndexes { names.setRelation(name.renamed(index.name), nil) }
            unregisterIdentitySequence(of: column, in: name)
            table.columns.remove(at: at)
            table.constraints.removeAll { $0.involves(columnName) }
            table.indexes.removeAll { $0.involves(columnName) }
            self[.relation(name)] = .table(table)
            let owned = sequencesOwned(by: name).first { $0.ownedBy?.column == columnName }
            if let owned { removeSequence(owned) }
            let inverse: [Operation] = [.addColumn(name, column, ownedSequence: owned)]
                + droppedConstraints.map { .addConstraint(name, $0) }
                + droppedIndexes.map { .createIndex(name, $0, concurrently: false) }
            return done(operation, inverse)

        case .renameColumn(let name, let from, let to):
            let table = try requireTable(name, &context)
            _ = try requireColumn(table, from, &context)
            try context.checkIdentifier(to)
            if let existing = table.column(to) {
                throw context.fail(.columnExists, "column \(q(to)) already exists on table \(q(name.description))\(existing.origin.addedAt)")
            }
            let views = followingRename(.column(schema: name.schema, table: name.name, from: from, to: to), of: name)
            self[.relation(name)] = .table(table.renamingColumn(from, to: to))
            store(views: views)
            for (referrer, _) in foreignKeys(referencing: name) where referrer != name {
                self[.relation(referrer)] = .table(self.table(referrer)!.renamingReferencedColumn(of: name, from, to: to))
            }
            for var sequence in sequencesOwned(by: name) where sequence.ownedBy?.column == from {
                sequence.ownedBy?.column = to
                self[.relation(sequence.name)] = .sequence(sequence)
            }
            return done(operation, [.renameColumn(name, from: to, to: from)])

        case .alterColumn(let change):
            return try alterColumn(change, &context)

        default:
            preconditionFailure("not a table operation: \(operation.elementName)")
        }
    }

    // MARK: - Lookups with errors

    package func requireTable(_ name: QualifiedName, _ context: inout ApplyContext) throws -> Table {
        guard let table = table(name) else {
            if let other = self[.relation(name)] {
                throw context.fail(.notATable, "\(q(name.description)) is a \(other.kindName), not a table")
            }
            throw context.fail(.tableMissing, "table \(q(name.description)) does not exist\(didYouMeanRelation(name))")
        }
        return table
    }

    package func requireColumn(_ table: Table, _ column: String, _ context: inout ApplyContext) throws -> Int {
        guard let at = table.columnIndex(column) else {
            throw context.fail(.columnMissing, "table \(q(table.name.description)) has no column \(q(column))\(didYouMean(column, among: table.columns.map(\.name)))")
        }
        return at
    }

    package func requireConstraint(_ table: Table, _ name: String, _ context: inout ApplyContext) throws -> Int {
        guard let at = table.constraintIndex(name) else {
            throw context.fail(.constraintMissing, "table \(q(table.name.description)) has no constraint \(q(name))\(didYouMean(name, among: table.constraints.map(\.name)))")
        }
        return at
    }

    /// A regular index (not one backing a constraint): its table and position.
    package func requireIndex(_ name: QualifiedName, _ context: inout ApplyContext) throws -> (QualifiedName, Int) {
        guard case .index(let owner) = names.relation(name), let table = table(owner) else {
            throw context.fail(.indexMissing, "index \(q(name.description)) does not exist\(didYouMeanRelation(name))")
        }
        guard let at = table.indexIndex(name.name) else {
            throw context.fail(.indexBacksConstraint, "index \(q(name.description)) backs constraint \(q(name.name)) of table \(q(owner.description)); use drop-constraint or rename-constraint")
        }
        return (owner, at)
    }

    /// The foreign keys that reference `key` (columns of `table`), which must be rebound
    /// when that key goes; an error when no other key on those columns remains.
    package func foreignKeys(needing key: [String], of table: Table, _ what: String, _ context: inout ApplyContext) throws -> [TableConstraint] {
        let needing = foreignKeys(referencing: table.name).filter { Set($0.1.foreignKey!.referencedColumns) == Set(key) }
        guard let (referrer, fk) = needing.first else { return [] }
        if uniqueKeys(of: table).filter({ Set($0) == Set(key) }).count == 1 {
            throw context.fail(.keyNeededByForeignKey, "\(what) is needed by foreign key \(q(fk.name)) of table \(q(referrer.description)); drop that constraint first")
        }
        return needing.map { TableConstraint(table: $0.0, constraint: $0.1) }
    }

    /// Foreign keys in any table that reference `table`, by referring table.
    package func foreignKeys(referencing table: QualifiedName) -> [(QualifiedName, Constraint)] {
        var seen = Set<QualifiedName>()
        return dependents(of: table).referrers.filter { seen.insert($0).inserted }.flatMap { name in
            (self.table(name)?.constraints ?? []).compactMap { c in c.foreignKey?.referencedTable == table ? (name, c) : nil }
        }
    }

    package func sequencesOwned(by table: QualifiedName) -> [SchemaSequence] {
        dependents(of: table).sequences.compactMap(sequence)
    }

    package func dependents(of table: QualifiedName) -> Dependents { names.dependents(of: table) }

    package mutating func updateDependents(of table: QualifiedName, _ change: (inout Dependents) -> Void) {
        var d = dependents(of: table)
        change(&d)
        names.setDependents(of: table, d)
    }

    /// Stores a sequence, recording it with the table that owns it.
    package mutating func putSequence(_ sequence: SchemaSequence) {
        self[.relation(sequence.name)] = .sequence(sequence)
        if let owner = sequence.ownedBy?.table {
            updateDependents(of: owner) { d in
                if !d.sequences.contains(sequence.name) { d.sequences.append(sequence.name); d.sequences.sort() }
            }
        }
    }

    package mutating func removeSequence(_ sequence: SchemaSequence) {
        self[.relation(sequence.name)] = nil
        if let owner = sequence.ownedBy?.table {
            updateDependents(of: owner) { d in d.sequences.removeAll { $0 == sequence.name } }
        }
    }

    /// Column sets of the table's primary key, unique constraints and plain unique indexes.
    package func uniqueKeys(of table: Table) -> [[String]] {
        table.constraints.compactMap { $0.kind.ownsIndex ? $0.kind.columns : nil } + table.indexes.filter(\.isKey).map(\.columnNames)
    }
}
