struct SQLTransactionControlRule: LintRule {
    let description = RuleDescription(
        id: "sql-transaction-control", category: .transaction, severity: .error,
        summary: "BEGIN, COMMIT or ROLLBACK inside raw SQL.",
        rationale: "Retort owns transaction boundaries (per-revision, single or none); a COMMIT inside raw SQL ends Retort's transaction early, so the guard and the version row no longer commit with the change.",
        safeAlternative: "Remove the transaction control; split the work into revisions, or set the project's transaction mode.",
        failing: [LintExample("<!--!-->\n<sql><forward>COMMIT; UPDATE students SET age = 1 WHERE id = 1</forward><reverse/></sql>")],
        passing: [LintExample("<sql><forward>UPDATE students SET nickname = 'commit' WHERE id = 1</forward><reverse/></sql>"),
                  LintExample("<sql><forward>DO $$ BEGIN PERFORM 1; END $$</forward><reverse/></sql>")])

    func check(_ context: OperationContext) -> [RawFinding] {
        guard case .sql(let raw) = context.operation else { return [] }
        let control: Set<String> = ["BEGIN", "COMMIT", "ROLLBACK", "START", "END", "SAVEPOINT", "RELEASE", "ABORT"]
        return SQLScan.words(raw.forward).compactMap { words in
            guard let first = words.first?.text, control.contains(first) else { return nil }
            return RawFinding(context.location, "raw SQL runs \(first): Retort owns the transaction boundaries")
        }
    }
}
