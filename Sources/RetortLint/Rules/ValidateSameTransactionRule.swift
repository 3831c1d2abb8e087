package struct ValidateSameTransactionRule: LintRule {
    package let description = RuleDescription(
        id: "validate-same-transaction", category: .locking, severity: .warning,
        summary: "VALIDATE CONSTRAINT in the transaction that added it NOT VALID.",
        rationale: "NOT VALID exists to release the strong lock before the scan; validating in the same transaction keeps that lock for the whole scan, so nothing was gained.",
        safeAlternative: "Validate in a later revision (each revision is its own transaction by default).",
        failing: [LintExample("""
            <add-check table="students" name="age_positive" expression="age &gt; 0" not-valid="true"/>
            <!--!-->
            <validate-constraint table="students" name="age_positive"/>
            """)],
        passing: [LintExample("<add-check table=\"students\" name=\"age_positive\" expression=\"age &gt; 0\" not-valid=\"true\"/>",
                              "<validate-constraint table=\"students\" name=\"age_positive\"/>")])

    package func check(_ context: OperationContext) -> [RawFinding] {
        guard case .validateConstraint(let table, let name) = context.operation,
              context.notValidInTransaction.contains("\(table).\(name)") else { return [] }
        return [RawFinding(context.location, "validates \(name) in the transaction that added it NOT VALID: the lock is held for the whole scan")]
    }
}
