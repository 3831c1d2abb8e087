import RetortModel

/// The diagnostics of autogenerate: every id this stage reports, declared once.
extension DiagnosticID {
    package static let internalAutogenerate = DiagnosticID("internal-autogenerate")

    /// Every id above, for the tests that keep the catalogue whole.
    package static let diffCatalogue: [DiagnosticID] = [.internalAutogenerate]
}
