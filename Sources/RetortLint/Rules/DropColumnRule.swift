package struct DropColumnRule: LintRule {
    package let description = RuleDescription(
        id: "drop-column", category: .dataLoss, severity: .error,
        summary: "Dropping an existing column deletes its data.",
        rationale: "The column's values are lost, and clients still selecting or inserting it fail as soon as the script runs. The derived downgrade brings the column back empty.",
        safeAlternative: "Stop reading and writing the column, deploy, then drop it in a later release with a reasoned <lint-allow rule=\"drop-column\" reason=\"...\"/>.",
        failing: [LintExample("<!--!-->\n<drop-column table=\"students\" column=\"nickname\"/>")],
        passing: [LintExample("""
            <add-column table="students"><column name="tmp" type="text"/></add-column>
            <drop-column table="students" column="tmp"/>
            """)])

    package func check(_ context: OperationContext) -> [RawFinding] {
        guard case .dropColumn(let table, let column) = context.operation, context.isExisting(table),
              !context.isNewColumn(table, column) else { return [] }
        return [RawFinding(context.location, "drops column \(table).\(column) and its data; \(Lock.accessExclusive.on(table))")]
    }
}
