import RetortSQL
import RetortModel

extension SchemaState {
    /// `create-index`, `drop-index` and `rename-index`.
    package mutating func applyIndexOperation(_ operation: Operation, _ context: inout ApplyContext) throws -> AppliedOperation {
        switch operation {
        case .createIndex(let name, let index, let concurrently):
            var table = try requireTable(name, &context)
            var chosen = Set<String>()
            let resolved = try resolveIndex(index, in: table, chosen: &chosen, &context)
            table.indexes.append(resolved)
            self[.relation(name)] = .table(table)
            names.setRelation(name.renamed(resolved.name), .index(table: name))
            return done(.createIndex(name, resolved, concurrently: concurrently), [.dropIndex(name.renamed(resolved.name), concurrently: concurrently)])

        case .dropIndex(let indexName, let concurrently, _):
            let (owner, at) = try requireIndex(indexName, &context)
            var table = table(owner)!
            let old = table.indexes[at]
            let rebinding = old.isKey ? try foreignKeys(needing: old.columnNames, of: table, "index \(q(old.name))", &context) : []
            table.indexes.remove(at: at)
            self[.relation(owner)] = .table(table)
            names.setRelation(indexName, nil)
            return done(.dropIndex(indexName, concurrently: concurrently, rebinding: rebinding), [.createIndex(owner, old, concurrently: concurrently)])

        case .renameIndex(let indexName, let newName):
            let (owner, at) = try requireIndex(indexName, &context)
            try context.checkIndexName(newName)
            let target = indexName.renamed(newName)
            try requireFreeRelation(target, &context)
            var table = table(owner)!
            table.indexes[at].name = newName
            self[.relation(owner)] = .table(table)
            names.setRelation(indexName, nil)
            names.setRelation(target, .index(table: owner))
            return done(operation, [.renameIndex(target, to: indexName.name)])

        default:
            preconditionFailure("\(operation.elementName) is not handled by applyIndexOperation")
        }
    }
}
