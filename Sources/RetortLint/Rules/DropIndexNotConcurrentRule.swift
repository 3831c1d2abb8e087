package struct DropIndexNotConcurrentRule: LintRule {
    package let description = RuleDescription(
        id: "drop-index-not-concurrent", category: .locking, severity: .warning,
        summary: "DROP INDEX without CONCURRENTLY on an existing table.",
        rationale: "A plain DROP INDEX takes ACCESS EXCLUSIVE on the table, queued behind every running query and blocking everything queued after it.",
        safeAlternative: "concurrently=\"true\" (not possible for an index that backs a constraint: drop the constraint instead).",
        failing: [LintExample("<!--!-->\n<drop-index name=\"students_nickname_idx\"/>")],
        passing: [LintExample("<drop-index name=\"students_nickname_idx\" concurrently=\"true\"/>")])

    package func check(_ context: OperationContext) -> [RawFinding] {
        guard case .dropIndex(let index, false, _) = context.operation, case .index(let owner) = context.before.names.relation(index),
              context.isExisting(owner) else { return [] }
        return [RawFinding(context.location, "drops index \(index) without CONCURRENTLY: \(Lock.accessExclusive.on(owner))")]
    }
}
