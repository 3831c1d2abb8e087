package struct VolatileDefaultRule: LintRule {
    package let description = RuleDescription(
        id: "volatile-default", category: .locking, severity: .warning,
        summary: "A column added to an existing table with a volatile default, identity, serial or generated expression.",
        rationale: "Since PostgreSQL 11 a constant default is stored in the catalog, but a volatile default (random(), gen_random_uuid(), clock_timestamp()), an identity, a serial or a stored generated column is computed per row: the table is rewritten under ACCESS EXCLUSIVE.",
        safeAlternative: "Add the column nullable, set the default, backfill in batches.",
        failing: [LintExample("<!--!-->\n<add-column table=\"students\"><column name=\"token\" type=\"double precision\" default=\"random()\"/></add-column>"),
                  LintExample("<!--!-->\n<add-column table=\"courses\"><column name=\"seq\" type=\"bigserial\"/></add-column>")],
        passing: [LintExample("<add-column table=\"students\"><column name=\"active\" type=\"boolean\" nullable=\"false\" default=\"true\"/></add-column>"),
                  LintExample("<add-column table=\"students\"><column name=\"seen_at\" type=\"timestamptz\" default=\"now()\"/></add-column>")])

    package func check(_ context: OperationContext) -> [RawFinding] {
        guard case .addColumn(let table, let column, _) = context.operation, context.isExisting(table) else { return [] }
        let why: String?
        if let expression = column.defaultExpression, TypeFacts.isVolatile(expression) { why = "the volatile default \(expression)" }
        else if column.identity != nil { why = "an identity" }
        else if column.generated != nil { why = "a stored generated expression" }
        else if ["serial", "bigserial", "smallserial", "serial4", "serial8", "serial2"].contains(column.type.base.asciiLowercased()) { why = "a serial default" }
        else if column.defaultExpression != nil, context.settings.targetPostgres < 11 { why = "a default (before PostgreSQL 11 every default rewrites)" }
        else { why = nil }
        guard let why else { return [] }
        return [RawFinding(context.location, "adds \(table).\(column.name) with \(why): \(Lock.accessExclusive.on(table, "rewrites 1 table"))")]
    }
}
