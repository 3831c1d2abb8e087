package struct AddRequiredColumnRule: LintRule {
    package let description = RuleDescription(
        id: "add-required-column", category: .backwardIncompatible, severity: .error,
        summary: "A NOT NULL column without a default on an existing table.",
        rationale: "ADD COLUMN ... NOT NULL without a default fails on any table that has a row, and once it succeeds every writer that does not know the column fails too.",
        safeAlternative: "Add the column nullable (or with a constant default, which costs nothing since PostgreSQL 11), backfill, then set NOT NULL.",
        failing: [LintExample("<!--!-->\n<add-column table=\"students\"><column name=\"phone\" type=\"text\" nullable=\"false\"/></add-column>")],
        passing: [LintExample("<add-column table=\"students\"><column name=\"phone\" type=\"text\" nullable=\"false\" default=\"''\"/></add-column>"),
                  LintExample("<add-column table=\"students\"><column name=\"phone\" type=\"text\"/></add-column>")])

    package func check(_ context: OperationContext) -> [RawFinding] {
        guard case .addColumn(let table, let column, _) = context.operation, context.isExisting(table), !column.nullable,
              column.defaultExpression == nil, column.identity == nil, column.generated == nil,
              !["serial", "bigserial", "smallserial", "serial4", "serial8", "serial2"].contains(column.type.base.asciiLowercased()) else { return [] }
        return [RawFinding(context.location, "adds NOT NULL column \(table).\(column.name) without a default: fails if \(table) has rows")]
    }
}
