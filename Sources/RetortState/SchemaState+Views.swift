import RetortSQL
import RetortModel

/// Views and what they use: PostgreSQL records a view's dependencies on the columns and
/// relations its query reads, refuses to drop or retype them, and follows renames. The
/// state does the same from the parsed body.
extension SchemaState {
    /// A relation as a view's query sees it: a table's columns or a view's output columns.
    package func catalogRelation(_ schema: String?, _ name: String) -> CatalogRelation? {
        let qualified = QualifiedName(schema: schema ?? defaultSchema, name: name)
        switch self[.relation(qualified)] {
        case .table(let table): return CatalogRelation(schema: qualified.schema, name: name, columns: table.columns.map(\.name))
        case .view(let view): return CatalogRelation(schema: qualified.schema, name: name, columns: view.columns)
        default: return nil
        }
    }

    /// `view` with its body as PostgreSQL keeps it (`*` expanded, names canonical, `rename`
    /// followed) and its uses and columns read off the tree.
    package func analyzed(_ view: View, rename: ViewRename? = nil) -> View {
        guard let query = SQLQuery.parsed(view.body) else { return view }
        let analysis = query.analyze(rename: rename, lookup: catalogRelation)
        var result = view
        result.body = analysis.text
        result.uses = analysis.uses
        result.columns = analysis.columns
        if case .relation(let schema, let from, let to)? = rename {
            for i in result.uses.indices where result.uses[i].schema == schema && result.uses[i].name == from { result.uses[i].name = to }
            result.uses.sort()
        }
        if case .column(let schema, let table, let from, let to)? = rename {
            for i in result.uses.indices where result.uses[i].schema == schema && result.uses[i].name == table {
                result.uses[i].columns = result.uses[i].columns.map { $0 == from ? to : $0 }.sorted()
            }
        }
        return result
    }

    package mutating func registerView(_ view: View) {
        self[.relation(view.name)] = .view(view)
        for use in view.uses {
            updateDependents(of: QualifiedName(schema: use.schema, name: use.name)) { d in
                if !d.views.contains(view.name) { d.views.append(view.name); d.views.sort() }
            }
        }
    }

    package mutating func unregisterView(_ view: View) {
        self[.relation(view.name)] = nil
        for use in view.uses {
            updateDependents(of: QualifiedName(schema: use.schema, name: use.name)) { d in d.views.removeAll { $0 == view.name } }
        }
    }

    /// The views that read `relation` (and `column` of it, when given), by name.
    package func views(using relation: QualifiedName, column: String? = nil) -> [View] {
        dependents(of: relation).views.compactMap(view).filter { view in
            guard let column else { return true }
            return view.uses.contains { $0.schema == relation.schema && $0.name == relation.name && $0.columns.contains(column) }
        }
    }

    /// Refuses `what` as PostgreSQL would when a view depends on the relation or column.
    package func refuseIfViewsUse(_ relation: QualifiedName, column: String?, _ what: String, _ context: inout ApplyContext) throws {
        guard let view = views(using: relation, column: column).first else { return }
        let object = column.map { "column \(q($0)) of \(q(relation.description))" } ?? q(relation.description)
        throw context.fail(.viewDependsOnObject, "cannot \(what): view \(q(view.name.description))\(view.origin.addedAt) uses \(object); drop the view first and create it again after")
    }

    /// The dependent views of `relation` with `rename` followed into their bodies, computed
    /// on the state before the rename; store them after it with `store(views:)`.
    package func followingRename(_ rename: ViewRename, of relation: QualifiedName) -> [View] {
        views(using: relation).map { analyzed($0, rename: rename) }
    }

    package mutating func store(views: [View]) {
        for view in views { self[.relation(view.name)] = .view(view) }
    }
}
