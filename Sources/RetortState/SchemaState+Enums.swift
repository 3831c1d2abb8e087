import RetortSQL
import RetortModel

extension SchemaState {
    /// `create-enum`, `drop-enum`, `add-enum-value`, `rename-enum-value` and `rebuild-enum`.
    package mutating func applyEnumOperation(_ operation: Operation, _ context: inout ApplyContext) throws -> AppliedOperation {
        switch operation {
        case .createEnum(var type):
            try context.checkName(type.name)
            try requireSchema(type.name.schema, &context)
            if let existing = self[.type(type.name)] ?? self[.relation(type.name)] {
                throw context.fail(.typeExists, "a \(existing.kindName) named \(q(type.name.description)) already exists\(existing.origin.addedAt)")
            }
            if type.values.isEmpty { throw context.fail(.enumEmpty, "enum \(q(type.name.description)) has no values") }
            if let duplicate = firstDuplicate(type.values) {
                throw context.fail(.enumValueDuplicate, "enum \(q(type.name.description)) lists value \(q(duplicate)) twice")
            }
            type.origin = Origin(context.location)
            self[.type(type.name)] = .enumType(type)
            return done(.createEnum(type), [.dropEnum(type.name)])

        case .dropEnum(let name):
            let type = try requireEnum(name, &context)
            if let usage = enumUsages(of: name).first {
                throw context.fail(.typeInUse, "type \(q(name.description)) is still used by column \(q(usage.column)) of table \(q(usage.table.description))")
            }
            self[.type(name)] = nil
            return done(operation, [.createEnum(type)])

        case .addEnumValue(let name, let value, let placement):
            var type = try requireEnum(name, &context)
            if type.values.contains(value) {
                throw context.fail(.enumValueExists, "enum \(q(name.description)) already has value \(q(value))\(type.origin.addedAt)")
            }
            let old = type.values
            switch placement {
            case nil:
                type.values.append(value)
            case .before(let neighbour), .after(let neighbour):
                guard let at = type.values.firstIndex(of: neighbour) else {
                    throw context.fail(.enumValueMissing, "enum \(q(name.description)) has no value \(q(neighbour))\(didYouMean(neighbour, among: type.values))")
                }
                if case .before = placement { type.values.insert(value, at: at) } else { type.values.insert(value, at: at + 1) }
            }
            self[.type(name)] = .enumType(type)
            return done(operation, [.rebuildEnum(name, values: old, comment: type.comment, usages: enumUsages(of: name))])

        case .renameEnumValue(let name, let from, let to):
            var type = try requireEnum(name, &context)
            guard let at = type.values.firstIndex(of: from) else {
                throw context.fail(.enumValueMissing, "enum \(q(name.description)) has no value \(q(from))\(didYouMean(from, among: type.values))")
            }
            if type.values.contains(to) { throw context.fail(.enumValueExists, "enum \(q(name.description)) already has value \(q(to))") }
            type.values[at] = to
            self[.type(name)] = .enumType(type)
            let restoreDefaults = try followEnumValueRename(of: name, from: from, to: to, &context)
            return done(operation, [.renameEnumValue(name, from: to, to: from)] + restoreDefaults)

        case .rebuildEnum(let name, let values, _, _):
            var type = try requireEnum(name, &context)
            if values.isEmpty { throw context.fail(.enumEmpty, "enum \(q(name.description)) needs at least one value") }
            if let duplicate = firstDuplicate(values) { throw context.fail(.enumValueDuplicate, "enum \(q(name.description)) lists value \(q(duplicate)) twice") }
            let old = type.values
            type.values = values
            self[.type(name)] = .enumType(type)
            let usages = enumUsages(of: name)
            return done(.rebuildEnum(name, values: values, comment: type.comment, usages: usages),
                        [.rebuildEnum(name, values: old, comment: type.comment, usages: usages)])

        default:
            preconditionFailure("\(operation.elementName) is not handled by applyEnumOperation")
        }
    }
}
