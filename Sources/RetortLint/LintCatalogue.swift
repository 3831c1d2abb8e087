/// Every lint rule Retort has, in documentation order (reference/lint-catalogue.md).
public enum LintCatalogue {
    public static let rules: [any LintRule] = [
        DropTableRule(), DropColumnRule(), DropSchemaRule(), DropTypeRule(), NarrowingTypeChangeRule(), DestructiveSQLRule(),
        RenameTableRule(), RenameColumnRule(), AddRequiredColumnRule(), SetNotNullRule(), DropDefaultOnRequiredRule(),
        NewUniqueOnExistingRule(), EnumValueUsedInTransactionRule(),
        IndexNotConcurrentRule(), DropIndexNotConcurrentRule(), UniqueConstraintLockRule(), ForeignKeyNotValidRule(),
        CheckNotValidRule(), ValidateSameTransactionRule(), SetNotNullScanRule(), RewritingTypeChangeRule(),
        VolatileDefaultRule(), MissingLockTimeoutRule(),
        SQLTransactionControlRule(), IrreversibleRevisionRule(), LossyDowngradeRule(), MultipleHeadsRule(),
        BranchConflictRule(), EditedRevisionRule(),
        PreferBigintRule(), PreferIdentityRule(), PreferTimestamptzRule(), PreferTextRule(), BanCharRule(), PreferJsonbRule(),
        ForeignKeyWithoutIndexRule(),
        SuppressionMissingReasonRule(), SuppressionUnknownRuleRule(), SuppressionUnusedRule(),
    ]

    public static func rule(_ id: String) -> RuleDescription? {
        rules.first { $0.description.id == id }?.description
    }

    /// An example as a full revision file's `<upgrade>` body, without the marker.
    public static func exampleXML(_ body: String) -> String {
        body.replacingOccurrences(of: "<!--!-->\n", with: "").replacingOccurrences(of: "<!--!revision-->\n", with: "").replacingOccurrences(of: "/*!*/", with: "")
    }

    /// `retort explain RULE`.
    public static func explain(_ rule: RuleDescription) -> String {
        var text = "\(rule.id) (\(rule.category.rawValue), \(rule.severity.rawValue) by default)\n\n\(rule.summary)\n\n\(rule.rationale)\n\n"
        if let failing = rule.failing.first {
            text += "Fails:\n\n" + indent(failing.revisions.map(exampleXML).joined(separator: "\n<!-- next revision -->\n")) + "\n\n"
        }
        if let passing = rule.passing.first {
            text += "Passes:\n\n" + indent(passing.revisions.map(exampleXML).joined(separator: "\n<!-- next revision -->\n")) + "\n\n"
        }
        text += "Safe alternative: \(rule.safeAlternative)\n"
        return text
    }

    package static func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
    }

    /// docs/lint-rules.md, generated from the rule descriptions.
    public static func markdown() -> String {
        var text = "# Retort lint rules\n\nGenerated from the rule descriptions by `retort explain --markdown`; do not edit.\n"
        text += "Every example below runs in the test suite. Severities can be changed per rule in retort.xml\n"
        text += "(`<lint><rule id=\"...\" severity=\"off|info|warning|error\"/></lint>`); `--strict` turns warnings into errors.\n\n"
        text += "| id | category | default | summary |\n|---|---|---|---|\n"
        for rule in rules.map(\.description) {
            text += "| [`\(rule.id)`](#\(rule.id)) | \(rule.category.rawValue) | \(rule.severity.rawValue) | \(rule.summary) |\n"
        }
        for rule in rules.map(\.description) {
            text += "\n## \(rule.id)\n\n\(rule.summary)\n\n\(rule.rationale)\n\n**Safe alternative:** \(rule.safeAlternative)\n"
            for (title, examples) in [("Fails", rule.failing), ("Passes", rule.passing)] {
                for example in examples {
                    text += "\n\(title):\n\n```xml\n" + example.revisions.map(exampleXML).joined(separator: "\n<!-- next revision -->\n") + "\n```\n"
                }
            }
        }
        return text
    }
}
