package struct CheckNotValidRule: LintRule {
    package let description = RuleDescription(
        id: "check-not-valid", category: .locking, severity: .warning,
        summary: "ADD CHECK on an existing table without NOT VALID.",
        rationale: "Adding a check constraint scans the whole table while holding ACCESS EXCLUSIVE.",
        safeAlternative: "not-valid=\"true\", then validate-constraint in a later revision.",
        failing: [LintExample("<!--!-->\n<add-check table=\"students\" expression=\"age &gt; 0\"/>")],
        passing: [LintExample("<add-check table=\"students\" expression=\"age &gt; 0\" not-valid=\"true\"/>")])

    package func check(_ context: OperationContext) -> [RawFinding] {
        guard case .addConstraint(let table, let constraint) = context.operation, case .check = constraint.kind,
              !constraint.notValid, context.isExisting(table) else { return [] }
        return [RawFinding(context.location, "adds a check without NOT VALID: \(Lock.accessExclusive.on(table, "scans every row"))")]
    }
}
