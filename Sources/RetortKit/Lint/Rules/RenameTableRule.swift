struct RenameTableRule: LintRule {
    let description = RuleDescription(
        id: "rename-table", category: .backwardIncompatible, severity: .error,
        summary: "Renaming an existing table breaks every client that uses the old name.",
        rationale: "Application code deployed before the migration keeps querying the old name and fails from the moment the script commits until the new code is everywhere.",
        safeAlternative: "Create the new table (or a view with the new name), dual-write, move readers, then drop the old one; or keep a compatibility view with the old name.",
        failing: [LintExample("<!--!-->\n<rename-table from=\"courses\" to=\"classes\"/>")],
        passing: [LintExample("""
            <create-table name="draft"><column name="id" type="bigint"/></create-table>
            <rename-table from="draft" to="final"/>
            """)])

    func check(_ context: OperationContext) -> [RawFinding] {
        guard case .renameTable(let table, let to) = context.operation, context.isExisting(table) else { return [] }
        return [RawFinding(context.location, "renames table \(table) to \(to): clients using the old name fail; \(Lock.accessExclusive.on(table))")]
    }
}
