import RetortSQL
import RetortModel
import RetortState
package struct NewUniqueOnExistingRule: LintRule {
    package let description = RuleDescription(
        id: "new-unique-on-existing", category: .backwardIncompatible, severity: .error,
        summary: "A unique constraint or index on existing columns.",
        rationale: "If existing rows hold duplicates, the migration fails in the middle of a deploy; if not, writers that insert duplicates start failing.",
        safeAlternative: "Check for duplicates first (SELECT col, count(*) ... HAVING count(*) > 1), clean them up, then add the constraint.",
        failing: [LintExample("<!--!-->\n<add-unique table=\"students\" columns=\"email\"/>"),
                  LintExample("<!--!-->\n<create-index table=\"students\" columns=\"email\" unique=\"true\" concurrently=\"true\"/>")],
        passing: [LintExample("""
            <add-column table="students"><column name="code" type="text"/></add-column>
            <add-unique table="students" columns="code"/>
            """)])

    package func check(_ context: OperationContext) -> [RawFinding] {
        let table: QualifiedName
        let columns: [String]
        switch context.operation {
        case .addConstraint(let t, let c):
            switch c.kind {
            case .unique(let cols, _), .primaryKey(let cols): (table, columns) = (t, cols)
            default: return []
            }
        case .createIndex(let t, let index, _) where index.unique:
            let referenced = index.elements.flatMap { element -> [String] in
                switch element {
                case .column(let name): [name]
                case .expression(let text): ExpressionFacts.referencedNames(text)
                }
            }
            (table, columns) = (t, referenced.filter { context.before.table(t)?.column($0) != nil })
        default:
            return []
        }
        guard context.isExisting(table), !columns.isEmpty, columns.allSatisfy({ !context.isNewColumn(table, $0) }) else { return [] }
        return [RawFinding(context.location, "makes (\(columns.joined(separator: ", "))) of \(table) unique: fails if existing rows hold duplicates")]
    }
}
