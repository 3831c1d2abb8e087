import RetortSQL
package struct EnumValueUsedInTransactionRule: LintRule {
    package let description = RuleDescription(
        id: "enum-value-used-in-transaction", category: .backwardIncompatible, severity: .error,
        summary: "A new enum value used in the transaction that added it.",
        rationale: "PostgreSQL refuses to use a value added by ALTER TYPE ... ADD VALUE before that transaction commits (\"unsafe use of new value\"), so the script fails. Retort runs its own add-enum-value outside the transaction for this reason; raw SQL that adds a value stays inside it.",
        safeAlternative: "Use <add-enum-value> instead of raw SQL, or use the value in a later revision.",
        failing: [LintExample("""
            <sql><forward>ALTER TYPE status ADD VALUE 'paused'</forward><reverse/></sql>
            <!--!-->
            <alter-column table="students" column="status" default="'paused'"/>
            """)],
        passing: [LintExample("<add-enum-value enum=\"status\" value=\"paused\"/>\n<alter-column table=\"students\" column=\"status\" default=\"'paused'\"/>")])

    package func check(_ context: OperationContext) -> [RawFinding] {
        guard !context.enumValuesAddedInTransaction.isEmpty else { return [] }
        var texts: [String] = []
        var trees: [SQLNode] = []
        switch context.operation {
        case .alterColumn(let change):
            if case .some(.some(let d)) = change.defaultExpression { texts.append(d) }
            if let using = change.using { texts.append(using) }
        case .addColumn(_, let column, _): texts += [column.defaultExpression, column.generated].compactMap { $0 }
        case .addConstraint(_, let c): if case .check(let e) = c.kind { texts.append(e) }
        case .createIndex(_, let index, _): texts += [index.predicate].compactMap { $0 } + index.elements.compactMap { if case .expression(let e) = $0 { e } else { nil } }
        case .sql(let raw): trees += (SQLScript.parsed(raw.forward)?.statements ?? []).map(\.parsed.node)
        case .createTable(let table, _):
            texts += table.columns.flatMap { [$0.defaultExpression, $0.generated].compactMap { $0 } }
            texts += table.constraints.compactMap { if case .check(let e) = $0.kind { e } else { nil } }
            texts += table.indexes.flatMap { index in [index.predicate].compactMap { $0 } + index.elements.compactMap { if case .expression(let e) = $0 { e } else { nil } } }
        case .createView(let view): if let query = SQLQuery.parsed(view.body) { trees.append(query.tree) }
        default: break
        }
        // String constants read off the trees: a value inside a comment or an identifier is no use.
        let constants = Set(texts.compactMap(SQLExpression.parsed).flatMap { $0.tree.stringConstants } + trees.flatMap(\.stringConstants))
        let used = context.enumValuesAddedInTransaction.filter { constants.contains($0.value) }
        return used.sorted { ($0.type, $0.value) < ($1.type, $1.value) }.map {
            RawFinding(context.location, "uses enum value '\($0.value)' of \($0.type) in the transaction that added it: PostgreSQL refuses (unsafe use of new value)")
        }
    }
}
