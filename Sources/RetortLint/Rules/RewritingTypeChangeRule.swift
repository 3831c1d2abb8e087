package struct RewritingTypeChangeRule: LintRule {
    package let description = RuleDescription(
        id: "rewriting-type-change", category: .locking, severity: .warning,
        summary: "A type change that rewrites the table.",
        rationale: "Unless the new type is binary-coercible from the old (varchar(n) to varchar(m >= n) or text, numeric(p,s) to numeric(p' >= p,s), cidr to inet), PostgreSQL rewrites the table and its indexes under ACCESS EXCLUSIVE.",
        safeAlternative: "Add a new column of the new type, backfill it in batches, swap it in with renames in a short transaction.",
        failing: [LintExample("<!--!-->\n<alter-column table=\"students\" column=\"age\" type=\"bigint\"/>")],
        passing: [LintExample("<alter-column table=\"students\" column=\"email\" type=\"varchar(100)\"/>"),
                  LintExample("<alter-column table=\"students\" column=\"email\" type=\"text\"/>"),
                  LintExample("<alter-column table=\"students\" column=\"score\" type=\"numeric(8,2)\"/>")])

    package func check(_ context: OperationContext) -> [RawFinding] {
        guard case .alterColumn(let change) = context.operation, let written = change.type, context.isExisting(change.table),
              let old = context.before.table(change.table)?.column(change.column)?.type,
              let new = TypeFacts.resolve(written, in: context.before),
              !TypeFacts.isBinaryCoercible(from: old, to: new) || !isTrivialUsing(change.using, column: change.column) else { return [] }
        return [RawFinding(context.location, "changes \(change.table).\(change.column) from \(old) to \(new): \(Lock.accessExclusive.on(change.table, "rewrites 1 table and its indexes"))")]
    }
}
