import RetortCompiler
import RetortScripts

/// Checked over the whole graph by `Lint.run` (BranchConflicts); the rule holds its documentation.
package struct BranchConflictRule: LintRule {
    package let description = RuleDescription(
        id: BranchConflict.ruleID, category: .transaction, severity: .error,
        summary: "Two branches touch the same object, or give a different schema in the other order.",
        rationale: "Branches are merged by running both; when both change the same table, column, index, constraint or enum, the result depends on which runs first on each database, and a database that got the branches in the other order ends up with a different schema. No other migration tool checks this.",
        safeAlternative: "Rebase one branch onto the other (change its parent), or make the two changes in one revision after the merge.",
        failing: [LintExample("""
            <!--!-->
            <alter-column table="students" column="nickname" type="varchar(20)"/>
            """, "<alter-column table=\"students\" column=\"nickname\" type=\"varchar(40)\"/>", siblings: true)],
        passing: [LintExample("<add-column table=\"students\"><column name=\"a\" type=\"text\"/></add-column>",
                              "<add-column table=\"courses\"><column name=\"b\" type=\"text\"/></add-column>", siblings: true)])
}

/// Checked by `Lint.run` against the committed manifest (ManifestCheck); tested in
/// IntegrityTests, since its examples need a committed out/.
package struct EditedRevisionRule: LintRule {
    package let description = RuleDescription(
        id: EditedRevision.ruleID, category: .transaction, severity: .error,
        summary: "A revision changed after its scripts were committed.",
        rationale: "A shipped migration has run on databases already; editing it changes what new databases get but not what old ones have, so environments drift apart silently. The manifest records a hash of each revision's canonical content (insensitive to layout, comments and attribute order).",
        safeAlternative: "Revert the edit and make the change in a new revision (retort revision -m ...).",
        failing: [],
        passing: [])
}
