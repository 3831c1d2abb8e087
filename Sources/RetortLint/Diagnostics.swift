import RetortModel

/// The diagnostics of the linter: every id this stage reports, declared once.
extension DiagnosticID {
    package static let unknownLintRule = DiagnosticID("unknown-lint-rule")

    /// Every id above, for the tests that keep the catalogue whole.
    package static let lintCatalogue: [DiagnosticID] = [.unknownLintRule]
}
