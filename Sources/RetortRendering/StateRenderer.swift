import RetortSQL
import RetortModel
import RetortState

/// Renders a whole schema state as one CREATE script, dependencies first: schemas,
/// extensions, enums, free sequences, tables (with their serial sequences), then foreign
/// keys, views and sequence ownership.
public enum StateRenderer {
    public static func statements(for state: SchemaState) -> [Statement] {
        var schemas: [Statement] = [], extensions: [Statement] = [], enums: [Statement] = []
        var sequences: [Statement] = [], tables: [Statement] = [], foreignKeys: [Statement] = []
        var views: [View] = [], ownership: [Statement] = []
        for (_, object) in state.sortedObjects {
            switch object {
            case .schema(let info):
                if info.name != defaultSchema { schemas += PostgresRenderer.render(.createSchema(info)) }
                else if info.comment != SchemaInfo.initialPublic.comment { schemas += PostgresRenderer.render(.comment(.schema(info.name), info.comment)) }
            case .extension(let ext):
                extensions += PostgresRenderer.render(.createExtension(ext))
            case .enumType(let type):
                enums += PostgresRenderer.render(.createEnum(type))
            case .sequence(let sequence):
                sequences += PostgresRenderer.createSequence(sequence)
                ownership += PostgresRenderer.ownedBy(sequence)
            case .table(let table):
                var local = table
                local.constraints = table.constraints.filter { $0.foreignKey == nil }
                tables += PostgresRenderer.createTable(local)
                for constraint in table.constraints where constraint.foreignKey != nil {
                    foreignKeys += PostgresRenderer.render(.addConstraint(table.name, constraint))
                }
            case .view(let view):
                views.append(view)
            }
        }
        let viewStatements = dependencyOrder(views).flatMap { PostgresRenderer.render(.createView($0)) }
        return schemas + extensions + enums + sequences + tables + foreignKeys + viewStatements + ownership
    }

    /// Views after the views they read; otherwise by name (the order given).
    package static func dependencyOrder(_ views: [View]) -> [View] {
        let names = Set(views.map(\.name))
        var placed = Set<QualifiedName>(), result: [View] = []
        func place(_ view: View, _ visiting: inout Set<QualifiedName>) {
            guard !placed.contains(view.name), visiting.insert(view.name).inserted else { return }
            for use in view.uses {
                let name = QualifiedName(schema: use.schema, name: use.name)
                if names.contains(name), let other = views.first(where: { $0.name == name }) { place(other, &visiting) }
            }
            placed.insert(view.name)
            result.append(view)
        }
        for view in views {
            var visiting = Set<QualifiedName>()
            place(view, &visiting)
        }
        return result
    }
}
