import RetortSQL
import RetortModel

extension SchemaState {
    /// `create-sequence` and `drop-sequence`.
    package mutating func applySequenceOperation(_ operation: Operation, _ context: inout ApplyContext) throws -> AppliedOperation {
        switch operation {
        case .createSequence(var sequence):
            try context.checkName(sequence.name)
            try requireSchema(sequence.name.schema, &context)
            try requireFreeRelation(sequence.name, &context)
            if let type = sequence.type { sequence.type = try resolveType(type, &context) }
            sequence.origin = Origin(context.location)
            putSequence(sequence)
            return done(.createSequence(sequence), [.dropSequence(sequence.name)])

        case .dropSequence(let name):
            guard let sequence = sequence(name) else {
                throw context.fail(.sequenceMissing, "sequence \(q(name.description)) does not exist\(didYouMeanRelation(name))")
            }
            if let owner = sequence.ownedBy {
                throw context.fail(.sequenceOwned, "sequence \(q(name.description)) belongs to column \(q(owner.column)) of table \(q(owner.table.description)); drop or alter the column instead")
            }
            removeSequence(sequence)
            return done(operation, [.createSequence(sequence)])

        default:
            preconditionFailure("\(operation.elementName) is not handled by applySequenceOperation")
        }
    }
}
