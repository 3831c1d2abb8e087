import RetortModel

/// The diagnostics of replaying the history and its downgrade self-check: every id this stage reports, declared once.
extension DiagnosticID {
    package static let branchReplay = DiagnosticID("branch-replay")
    package static let downgradeMismatch = DiagnosticID("downgrade-mismatch")
    package static let internalSelfCheck = DiagnosticID("internal-self-check")

    /// Every id above, for the tests that keep the catalogue whole.
    package static let compilerCatalogue: [DiagnosticID] = [.branchReplay, .downgradeMismatch, .internalSelfCheck]
}
