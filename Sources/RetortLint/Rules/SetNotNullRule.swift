package struct SetNotNullRule: LintRule {
    package let description = RuleDescription(
        id: "set-not-null", category: .backwardIncompatible, severity: .error,
        summary: "SET NOT NULL on an existing column.",
        rationale: "The statement fails if any row holds NULL, and writers that leave the column out start failing afterwards. On a column just added without a default to an existing table it fails for certain.",
        safeAlternative: "Backfill first, make every writer set the column, then add CHECK (col IS NOT NULL) NOT VALID, validate it, and set NOT NULL.",
        failing: [LintExample("<!--!-->\n<alter-column table=\"students\" column=\"nickname\" nullable=\"false\"/>")],
        passing: [LintExample("""
            <create-table name="fresh"><column name="x" type="text"/></create-table>
            <alter-column table="fresh" column="x" nullable="false"/>
            """), LintExample("<add-check table=\"students\" name=\"nick_nn\" expression=\"(nickname IS NOT NULL)\" not-valid=\"true\"/>",
                              "<validate-constraint table=\"students\" name=\"nick_nn\"/>",
                              "<alter-column table=\"students\" column=\"nickname\" nullable=\"false\"/>")])

    package func check(_ context: OperationContext) -> [RawFinding] {
        guard case .alterColumn(let change) = context.operation, change.nullable == false, context.isExisting(change.table),
              let table = context.before.table(change.table), let column = table.column(change.column), column.nullable,
              !table.hasValidatedNotNullCheck(change.column) else { return [] }
        if context.isNewColumn(change.table, change.column), column.defaultExpression != nil { return [] }
        if context.isNewColumn(change.table, change.column), column.defaultExpression == nil {
            return [RawFinding(context.location, "sets NOT NULL on \(change.table).\(change.column), just added without a default: fails for certain if \(change.table) has rows")]
        }
        return [RawFinding(context.location, "sets NOT NULL on \(change.table).\(change.column): fails if any row holds NULL")]
    }
}
