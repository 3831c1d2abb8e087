import RetortSQL
import RetortModel

extension SchemaState {
    /// `create-view` and `drop-view`.
    package mutating func applyViewOperation(_ operation: Operation, _ context: inout ApplyContext) throws -> AppliedOperation {
        switch operation {
        case .createView(var view):
            try context.checkName(view.name)
            try requireSchema(view.name.schema, &context)
            try requireFreeRelation(view.name, &context)
            view.origin = Origin(context.location)
            view = analyzed(view)
            registerView(view)
            return done(.createView(view), [.dropView(view.name, materialized: view.materialized)])

        case .dropView(let name, _):
            guard let view = view(name) else {
                throw context.fail(.viewMissing, "view \(q(name.description)) does not exist\(didYouMeanRelation(name))")
            }
            try refuseIfViewsUse(name, column: nil, "drop view \(q(name.description))", &context)
            unregisterView(view)
            return done(.dropView(name, materialized: view.materialized), [.createView(view)])

        default:
            preconditionFailure("\(operation.elementName) is not handled by applyViewOperation")
        }
    }
}
