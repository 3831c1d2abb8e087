package struct LossyDowngradeRule: LintRule {
    package let description = RuleDescription(
        id: "lossy-downgrade", category: .transaction, severity: .info,
        summary: "A downgrade that drops data the upgrade made room for.",
        rationale: "Rolling back drops the tables and columns this revision created, with whatever was written to them since: worth knowing before a DBA runs the downgrade.",
        safeAlternative: "Nothing to change; back up those tables or columns before downgrading.",
        failing: [LintExample("<!--!-->\n<add-column table=\"students\"><column name=\"phone\" type=\"text\"/></add-column>")],
        passing: [LintExample("<create-index table=\"students\" columns=\"email\" concurrently=\"true\"/>")])

    package func checkRevision(_ context: RevisionContext) -> [RawFinding] {
        let revision = context.compiled.revision
        guard revision.downgrade == nil else { return [] }
        var findings: [RawFinding] = []
        for step in revision.upgrade {
            switch step.operation {
            case .createTable(let table, _):
                findings.append(RawFinding(step.location, "the downgrade drops table \(table.name) and the rows written to it since the upgrade"))
            case .addColumn(let table, let column, _):
                findings.append(RawFinding(step.location, "the downgrade drops column \(table).\(column.name) and the values written to it since the upgrade"))
            default: break
            }
        }
        return findings
    }
}
