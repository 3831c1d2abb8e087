package struct UniqueConstraintLockRule: LintRule {
    package let description = RuleDescription(
        id: "unique-constraint-lock", category: .locking, severity: .warning,
        summary: "ADD UNIQUE or ADD PRIMARY KEY on an existing table.",
        rationale: "The constraint's index is built while ACCESS EXCLUSIVE is held: no reads or writes for the whole build.",
        safeAlternative: "Build a unique index with concurrently=\"true\" first, then add the constraint USING INDEX in raw SQL.",
        failing: [LintExample("<!--!-->\n<add-unique table=\"courses\" columns=\"title\"/>")],
        passing: [LintExample("<create-index table=\"courses\" columns=\"title\" unique=\"true\" concurrently=\"true\"/>")])

    package func check(_ context: OperationContext) -> [RawFinding] {
        guard case .addConstraint(let table, let constraint) = context.operation, constraint.kind.ownsIndex, context.isExisting(table) else { return [] }
        return [RawFinding(context.location, "adds a \(constraint.kind.nameLabel == "pkey" ? "primary key" : "unique constraint") to \(table): \(Lock.accessExclusive.on(table, "builds its index"))")]
    }
}
