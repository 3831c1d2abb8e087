package struct DropTableRule: LintRule {
    package let description = RuleDescription(
        id: "drop-table", category: .dataLoss, severity: .error,
        summary: "Dropping an existing table deletes every row in it.",
        rationale: "Once the script runs, the table's data is gone; running clients that still read or write it start failing. The derived downgrade recreates the table, empty.",
        safeAlternative: "Stop using the table and deploy; archive its rows; drop it in a later release with <lint-allow rule=\"drop-table\" reason=\"...\"/>.",
        failing: [LintExample("<!--!-->\n<drop-table name=\"courses\"/>")],
        passing: [LintExample("""
            <create-table name="scratch"><column name="id" type="bigint"/></create-table>
            <drop-table name="scratch"/>
            """)])

    package func check(_ context: OperationContext) -> [RawFinding] {
        guard case .dropTable(let table) = context.operation, context.isExisting(table) else { return [] }
        let rows = "drops table \(table) and every row in it"
        return [RawFinding(context.location, "\(rows); \(Lock.accessExclusive.on(table))")]
    }
}
