package struct MissingLockTimeoutRule: LintRule {
    package let description = RuleDescription(
        id: "missing-lock-timeout", category: .locking, severity: .warning,
        summary: "ACCESS EXCLUSIVE on an existing table with no lock_timeout configured.",
        rationale: "A statement waiting for ACCESS EXCLUSIVE behind a long query blocks every query queued after it: one slow report can take the application down. lock_timeout makes the migration give up instead.",
        safeAlternative: "<output lock-timeout=\"5s\"/> in retort.xml: every script starts with SET lock_timeout.",
        failing: [LintExample("<!--!-->\n<rename-column table=\"students\" from=\"nickname\" to=\"alias\"/>")],
        passing: [LintExample("<rename-column table=\"students\" from=\"nickname\" to=\"alias\"/>", settings: "<output lock-timeout=\"5s\"/>")])

    package func checkRevision(_ context: RevisionContext) -> [RawFinding] {
        guard context.settings.lockTimeout == nil, let first = context.accessExclusive.first else { return [] }
        let tables = context.accessExclusive.map(\.table.description).joined(separator: ", ")
        return [RawFinding(first.location, "takes ACCESS EXCLUSIVE on \(tables) with no lock_timeout: a long query ahead of it stalls every query behind it")]
    }
}
