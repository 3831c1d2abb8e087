import RetortSQL
package struct SQLTransactionControlRule: LintRule {
    package let description = RuleDescription(
        id: "sql-transaction-control", category: .transaction, severity: .error,
        summary: "BEGIN, COMMIT or ROLLBACK inside raw SQL.",
        rationale: "Retort owns transaction boundaries (per-revision, single or none); a COMMIT inside raw SQL ends Retort's transaction early, so the guard and the version row no longer commit with the change.",
        safeAlternative: "Remove the transaction control; split the work into revisions, or set the project's transaction mode.",
        failing: [LintExample("<sql><forward>UPDATE students SET age = 2 WHERE id = 2; /*!*/COMMIT; UPDATE students SET age = 1 WHERE id = 1</forward><reverse/></sql>")],
        passing: [LintExample("<sql><forward>UPDATE students SET nickname = 'commit' WHERE id = 1</forward><reverse/></sql>"),
                  LintExample("<sql><forward>DO $$ BEGIN PERFORM 1; END $$</forward><reverse/></sql>")])

    package func check(_ context: OperationContext) -> [RawFinding] {
        guard case .sql(let raw) = context.operation else { return [] }
        let verbs = ["TRANS_STMT_BEGIN": "BEGIN", "TRANS_STMT_START": "START TRANSACTION", "TRANS_STMT_COMMIT": "COMMIT",
                     "TRANS_STMT_ROLLBACK": "ROLLBACK", "TRANS_STMT_SAVEPOINT": "SAVEPOINT", "TRANS_STMT_RELEASE": "RELEASE",
                     "TRANS_STMT_ROLLBACK_TO": "ROLLBACK TO", "TRANS_STMT_PREPARE": "PREPARE TRANSACTION",
                     "TRANS_STMT_COMMIT_PREPARED": "COMMIT PREPARED", "TRANS_STMT_ROLLBACK_PREPARED": "ROLLBACK PREPARED"]
        return RawSQLFacts.statements(raw.forward).enumerated().compactMap { n, statement in
            guard statement.isTransactionControl else { return nil }
            let verb = statement.body["kind"]?.string.flatMap { verbs[$0] } ?? "transaction control"
            return RawFinding(raw.location(ofStatement: n, or: context.location), "raw SQL runs \(verb): Retort owns the transaction boundaries")
        }
    }
}
