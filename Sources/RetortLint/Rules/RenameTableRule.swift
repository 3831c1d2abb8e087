package struct RenameTableRule: LintRule {
    package let description = RuleDescription(
        id: "rename-table", category: .backwardIncompatible, severity: .error,
        summary: "Renaming an existing table breaks every client that uses the old name.",
        rationale: "Application code deployed before the migration keeps querying the old name and fails from the moment the script commits until the new code is everywhere.",
        safeAlternative: "Create the new table (or a view with the new name), dual-write, move readers, then drop the old one; or keep a compatibility view with the old name.",
        failing: [LintExample("<!--!-->\n<rename-table from=\"courses\" to=\"classes\"/>")],
        passing: [LintExample("""
            <create-table name="draft"><column name="id" type="bigint"/></create-table>
            <rename-table from="draft" to="final"/>
            """), LintExample("""
            <rename-table from="courses" to="classes"/>
            <create-view name="courses">SELECT id, title FROM classes</create-view>
            """)])

    package func check(_ context: OperationContext) -> [RawFinding] {
        guard case .renameTable(let table, let to) = context.operation, context.isExisting(table) else { return [] }
        // A compatibility view under the old name, later in the same revision, keeps old clients working.
        let compatible = context.revision.upgrade.contains { step in
            if case .createView(let view) = step.operation { view.name == table } else { false }
        }
        if compatible { return [] }
        return [RawFinding(context.location, "renames table \(table) to \(to): clients using the old name fail; \(Lock.accessExclusive.on(table))")]
    }
}
