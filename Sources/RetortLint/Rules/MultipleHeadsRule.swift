import RetortGraph

/// Checked over the whole graph by the linter; the rule holds its documentation.
package struct MultipleHeadsRule: LintRule {
    package let description = RuleDescription(
        id: GraphCheck.multipleHeadsRule, category: .transaction, severity: .error,
        summary: "More than one head without a merge revision.",
        rationale: "Two unmerged heads mean two branches of schema changes that were never reconciled: `upgrade head` is ambiguous and the order they run in is undefined. Heads that all carry branch-labels are deliberate and allowed.",
        safeAlternative: "retort merge -m \"merge\" HEAD1 HEAD2, or give each branch a branch-labels attribute.",
        failing: [LintExample("<!--!revision-->\n<add-column table=\"students\"><column name=\"a\" type=\"text\"/></add-column>",
                              "<add-column table=\"courses\"><column name=\"b\" type=\"text\"/></add-column>", siblings: true)],
        passing: [LintExample("<add-column table=\"students\"><column name=\"a\" type=\"text\"/></add-column>",
                              "<add-column table=\"courses\"><column name=\"b\" type=\"text\"/></add-column>")])
}
