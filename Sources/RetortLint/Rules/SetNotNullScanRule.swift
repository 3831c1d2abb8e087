package struct SetNotNullScanRule: LintRule {
    package let description = RuleDescription(
        id: "set-not-null-scan", category: .locking, severity: .warning,
        summary: "SET NOT NULL without a validated CHECK (col IS NOT NULL).",
        rationale: "SET NOT NULL scans the whole table under ACCESS EXCLUSIVE. Since PostgreSQL 12 the scan is skipped when a validated CHECK (col IS NOT NULL) already proves it.",
        safeAlternative: "add-check expression=\"col IS NOT NULL\" not-valid=\"true\"; validate it in a later revision; then SET NOT NULL and drop the check.",
        failing: [LintExample("<!--!-->\n<alter-column table=\"students\" column=\"nickname\" nullable=\"false\"/>")],
        passing: [LintExample("<add-check table=\"students\" name=\"nick_nn\" expression=\"nickname IS NOT NULL\" not-valid=\"true\"/>",
                              "<validate-constraint table=\"students\" name=\"nick_nn\"/>",
                              "<alter-column table=\"students\" column=\"nickname\" nullable=\"false\"/>")])

    package func check(_ context: OperationContext) -> [RawFinding] {
        guard case .alterColumn(let change) = context.operation, change.nullable == false, context.isExisting(change.table),
              let table = context.before.table(change.table), let column = table.column(change.column), column.nullable else { return [] }
        if context.settings.targetPostgres >= 12, table.hasValidatedNotNullCheck(change.column) { return [] }
        return [RawFinding(context.location, "sets NOT NULL on \(change.table).\(change.column): \(Lock.accessExclusive.on(change.table, "scans every row"))")]
    }
}
