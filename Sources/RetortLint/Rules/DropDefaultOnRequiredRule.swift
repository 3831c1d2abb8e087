package struct DropDefaultOnRequiredRule: LintRule {
    package let description = RuleDescription(
        id: "drop-default-on-required", category: .backwardIncompatible, severity: .error,
        summary: "DROP DEFAULT on a NOT NULL column.",
        rationale: "Writers that leave the column out relied on the default; without it their inserts fail with a not-null violation.",
        safeAlternative: "Make every writer set the column explicitly first, or keep the default.",
        failing: [LintExample("<!--!-->\n<alter-column table=\"students\" column=\"age\" drop-default=\"true\"/>")],
        passing: [LintExample("<alter-column table=\"students\" column=\"age\" default=\"21\"/>")])

    package func check(_ context: OperationContext) -> [RawFinding] {
        guard case .alterColumn(let change) = context.operation, case .some(.none) = change.defaultExpression,
              context.isExisting(change.table), let column = context.before.table(change.table)?.column(change.column),
              !column.nullable, !(change.nullable ?? false) else { return [] }
        return [RawFinding(context.location, "drops the default of NOT NULL column \(change.table).\(change.column): inserts that omit it start failing")]
    }
}
