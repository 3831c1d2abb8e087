package struct RenameColumnRule: LintRule {
    package let description = RuleDescription(
        id: "rename-column", category: .backwardIncompatible, severity: .error,
        summary: "Renaming an existing column breaks clients that use the old name.",
        rationale: "Queries written against the old name fail as soon as the rename commits; there is no moment when old and new code both work.",
        safeAlternative: "Add the new column, dual-write, backfill, move readers, then drop the old column in a later release.",
        failing: [LintExample("<!--!-->\n<rename-column table=\"students\" from=\"nickname\" to=\"alias\"/>")],
        passing: [LintExample("""
            <add-column table="students"><column name="tmp" type="text"/></add-column>
            <rename-column table="students" from="tmp" to="alias"/>
            """)])

    package func check(_ context: OperationContext) -> [RawFinding] {
        guard case .renameColumn(let table, let from, let to) = context.operation, context.isExisting(table),
              !context.isNewColumn(table, from) else { return [] }
        return [RawFinding(context.location, "renames column \(table).\(from) to \(to): clients using the old name fail")]
    }
}
