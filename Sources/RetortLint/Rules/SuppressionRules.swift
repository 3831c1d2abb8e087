/// The suppression rules are checked by the linter itself; these hold their documentation.
package struct SuppressionMissingReasonRule: LintRule {
    package static let id = "suppression-missing-reason"
    package let description = RuleDescription(
        id: Self.id, category: .suppression, severity: .error,
        summary: "A lint-allow without a reason.",
        rationale: "A suppression is a reviewed decision; without a reason the next reader cannot tell whether it still holds.",
        safeAlternative: "<lint-allow rule=\"...\" reason=\"why this is safe here\"/>.",
        failing: [LintExample("""
            <drop-column table="students" column="nickname">
              <!--!-->
              <lint-allow rule="drop-column"/>
            </drop-column>
            """)],
        passing: [LintExample("""
            <drop-column table="students" column="nickname">
              <lint-allow rule="drop-column" reason="unused since 2.3, archived"/>
            </drop-column>
            """)])
}

package struct SuppressionUnknownRuleRule: LintRule {
    package static let id = "suppression-unknown-rule"
    package let description = RuleDescription(
        id: Self.id, category: .suppression, severity: .error,
        summary: "A lint-allow naming a rule that does not exist.",
        rationale: "A misspelt rule id suppresses nothing, so the finding it was meant for still fails the build, or worse, the suppression hides a typo forever.",
        safeAlternative: "Use an id from `retort explain` / docs/lint-rules.md.",
        failing: [LintExample("""
            <drop-column table="students" column="nickname">
              <!--!-->
              <lint-allow rule="drop-colum" reason="typo"/>
            </drop-column>
            """)],
        passing: [LintExample("""
            <drop-column table="students" column="nickname">
              <lint-allow rule="drop-column" reason="archived"/>
            </drop-column>
            """)])
}

package struct SuppressionUnusedRule: LintRule {
    package static let id = "suppression-unused"
    package let description = RuleDescription(
        id: Self.id, category: .suppression, severity: .warning,
        summary: "A lint-allow that suppresses nothing.",
        rationale: "A stale suppression misleads reviewers and would silently hide a future finding at that place.",
        safeAlternative: "Remove the lint-allow.",
        failing: [LintExample("""
            <add-column table="students">
              <column name="phone" type="text"/>
              <!--!-->
              <lint-allow rule="drop-column" reason="not needed"/>
            </add-column>
            """)],
        passing: [LintExample("""
            <drop-column table="students" column="nickname">
              <lint-allow rule="drop-column" reason="archived"/>
            </drop-column>
            """)])
}
