package struct NarrowingTypeChangeRule: LintRule {
    package let description = RuleDescription(
        id: "narrowing-type-change", category: .dataLoss, severity: .error,
        summary: "A type change that can reject or lose existing values.",
        rationale: "Shorter varchar, text to varchar(n), lower numeric precision or scale, bigint to integer, timestamptz to date: PostgreSQL either refuses rows that do not fit (the migration fails halfway through a deploy) or, with a USING cast, silently truncates them. Only a linter that knows the old type can tell this from a widening.",
        safeAlternative: "Add a new column of the new type, backfill it with explicit handling of values that do not fit, switch clients, then drop the old column.",
        failing: [LintExample("<!--!-->\n<alter-column table=\"students\" column=\"email\" type=\"varchar(20)\"/>"),
                  LintExample("<!--!-->\n<alter-column table=\"students\" column=\"id\" type=\"integer\"/>"),
                  LintExample("<!--!-->\n<alter-column table=\"students\" column=\"nickname\" type=\"varchar(10)\"/>")],
        passing: [LintExample("<alter-column table=\"students\" column=\"email\" type=\"varchar(100)\"/>"),
                  LintExample("<alter-column table=\"students\" column=\"email\" type=\"text\"/>"),
                  LintExample("<alter-column table=\"students\" column=\"score\" type=\"numeric(8,2)\"/>"),
                  LintExample("<alter-column table=\"students\" column=\"age\" type=\"bigint\"/>")])

    package func check(_ context: OperationContext) -> [RawFinding] {
        guard case .alterColumn(let change) = context.operation, let written = change.type,
              context.isExisting(change.table), !context.isNewColumn(change.table, change.column),
              let old = context.before.table(change.table)?.column(change.column)?.type,
              let new = TypeFacts.resolve(written, in: context.before),
              !TypeFacts.isWidening(from: old, to: new) else { return [] }
        return [RawFinding(context.location, "changes \(change.table).\(change.column) from \(old) to \(new), which can reject or truncate existing values")]
    }
}
