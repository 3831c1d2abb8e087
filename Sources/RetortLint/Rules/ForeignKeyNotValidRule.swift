package struct ForeignKeyNotValidRule: LintRule {
    package let description = RuleDescription(
        id: "foreign-key-not-valid", category: .locking, severity: .warning,
        summary: "ADD FOREIGN KEY on an existing table without NOT VALID.",
        rationale: "Adding a foreign key scans the whole table under SHARE ROW EXCLUSIVE on both tables: writes to either wait for the scan.",
        safeAlternative: "not-valid=\"true\", then validate-constraint in a later revision (it takes SHARE UPDATE EXCLUSIVE, which lets reads and writes through).",
        failing: [LintExample("""
            <add-column table="students"><column name="course_id" type="bigint"/></add-column>
            <!--!-->
            <add-foreign-key table="students" columns="course_id" references="courses(id)"/>
            """)],
        passing: [LintExample("""
            <add-column table="students"><column name="course_id" type="bigint"/></add-column>
            <add-foreign-key table="students" columns="course_id" references="courses(id)" not-valid="true"/>
            """)])

    package func check(_ context: OperationContext) -> [RawFinding] {
        guard case .addConstraint(let table, let constraint) = context.operation, let fk = constraint.foreignKey,
              !constraint.notValid, context.isExisting(table) else { return [] }
        return [RawFinding(context.location, "adds a foreign key to \(fk.referencedTable) without NOT VALID: \(Lock.shareRowExclusive.on(table, "scans every row"))")]
    }
}
