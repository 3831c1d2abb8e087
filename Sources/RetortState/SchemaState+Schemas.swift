import RetortSQL
import RetortModel

extension SchemaState {
    /// `create-schema`, `drop-schema`, `create-extension` and `drop-extension`.
    package mutating func applySchemaOperation(_ operation: Operation, _ context: inout ApplyContext) throws -> AppliedOperation {
        switch operation {
        case .createSchema(var info):
            try context.checkIdentifier(info.name)
            if let existing = self[.schema(info.name)] {
                throw context.fail(.schemaExists, "schema \(q(info.name)) already exists\(existing.origin.addedAt)")
            }
            info.origin = Origin(context.location)
            self[.schema(info.name)] = .schema(info)
            return done(.createSchema(info), [.dropSchema(info.name)])

        case .dropSchema(let name):
            guard case .schema(let info) = self[.schema(name)] else { throw context.fail(.schemaMissing, "schema \(q(name)) does not exist") }
            if let member = objects.keys.sorted().first(where: { $0.schemaName == name }) {
                throw context.fail(.schemaNotEmpty, "schema \(q(name)) is not empty: it holds \(member)")
            }
            self[.schema(name)] = nil
            return done(operation, [.createSchema(info)])

        case .createExtension(var ext):
            try context.checkIdentifier(ext.name)
            if let existing = self[.extension(ext.name)] {
                throw context.fail(.extensionExists, "extension \(q(ext.name)) already exists\(existing.origin.addedAt)")
            }
            if let schema = ext.schema { try requireSchema(schema, &context) }
            ext.origin = Origin(context.location)
            self[.extension(ext.name)] = .extension(ext)
            return done(.createExtension(ext), [.dropExtension(ext.name)])

        case .dropExtension(let name):
            guard case .extension(let ext) = self[.extension(name)] else { throw context.fail(.extensionMissing, "extension \(q(name)) does not exist") }
            if let user = tables.lazy.flatMap({ t in t.columns.map { (t, $0) } }).first(where: { SQLType.extensionTypes[$0.1.type.base] == name && $0.1.type.userType == nil }) {
                throw context.fail(.extensionInUse, "extension \(q(name)) is still used by column \(q(user.1.name)) of table \(q(user.0.name.description))")
            }
            self[.extension(name)] = nil
            return done(operation, [.createExtension(ext)])

        default:
            preconditionFailure("\(operation.elementName) is not handled by applySchemaOperation")
        }
    }
}
