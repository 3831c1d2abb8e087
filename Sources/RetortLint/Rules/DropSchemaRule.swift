package struct DropSchemaRule: LintRule {
    package let description = RuleDescription(
        id: "drop-schema", category: .dataLoss, severity: .error,
        summary: "Dropping a schema whose objects this revision dropped.",
        rationale: "PostgreSQL (and Retort) only drop an empty schema, so the schema's tables were dropped just before: a whole area of the database goes away at once.",
        safeAlternative: "Drop the schema's objects in earlier releases, then the schema, each with a reasoned suppression.",
        failing: [LintExample("""
            <drop-table name="archive.old_students"/>
            <!--!-->
            <drop-schema name="archive"/>
            """)],
        passing: [LintExample("""
            <create-schema name="staging"/>
            <drop-schema name="staging"/>
            """)])

    package func check(_ context: OperationContext) -> [RawFinding] {
        guard case .dropSchema(let schema) = context.operation, !context.newObjects.contains(.schema(schema)),
              context.emptiedSchemas.contains(schema) else { return [] }
        return [RawFinding(context.location, "drops schema \(schema) after dropping the objects it held in this revision")]
    }
}
