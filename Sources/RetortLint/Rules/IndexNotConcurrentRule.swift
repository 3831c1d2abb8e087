package struct IndexNotConcurrentRule: LintRule {
    package let description = RuleDescription(
        id: "index-not-concurrent", category: .locking, severity: .warning,
        summary: "CREATE INDEX without CONCURRENTLY on an existing table.",
        rationale: "A plain CREATE INDEX takes a SHARE lock: every INSERT, UPDATE and DELETE waits until the whole index is built. On a table created in the same revision this does not matter, and Retort stays silent there.",
        safeAlternative: "concurrently=\"true\": Retort places the statement outside the transaction block for you.",
        failing: [LintExample("<!--!-->\n<create-index table=\"students\" columns=\"email\"/>")],
        passing: [LintExample("<create-index table=\"students\" columns=\"email\" concurrently=\"true\"/>"),
                  LintExample("""
                    <create-table name="fresh"><column name="x" type="text"/></create-table>
                    <create-index table="fresh" columns="x"/>
                    """)])

    package func check(_ context: OperationContext) -> [RawFinding] {
        guard case .createIndex(let table, _, false) = context.operation, context.isExisting(table) else { return [] }
        return [RawFinding(context.location, "builds an index without CONCURRENTLY: \(Lock.share.on(table, "builds"))")]
    }
}
