package struct IrreversibleRevisionRule: LintRule {
    package let description = RuleDescription(
        id: "irreversible-revision", category: .transaction, severity: .warning,
        summary: "A revision whose downgrade is impossible.",
        rationale: "Raw SQL without a <reverse> cannot be undone, so downgrading through this revision stops with an error; a bad deploy cannot be rolled back with Retort's scripts.",
        safeAlternative: "Give the <sql> a <reverse> (an empty <reverse/> when the downgrade needs nothing).",
        failing: [LintExample("<sql>/*!*/UPDATE students SET age = age + 1 WHERE age &lt; 100</sql>")],
        passing: [LintExample("<sql><forward>UPDATE students SET age = age + 1 WHERE age &lt; 100</forward><reverse>UPDATE students SET age = age - 1 WHERE age &lt; 101</reverse></sql>")])

    package func checkRevision(_ context: RevisionContext) -> [RawFinding] {
        guard let at = context.compiled.irreversibleAt else { return [] }
        return [RawFinding(at, "revision \(context.compiled.revision.id) cannot be downgraded: this raw SQL has no <reverse>")]
    }
}
