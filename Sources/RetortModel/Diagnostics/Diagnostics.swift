/// The diagnostics of shared by stages that cannot see each other: every id this stage reports, declared once.
extension DiagnosticID {
    package static let duplicateRevision = DiagnosticID("duplicate-revision")

    /// Every id above, for the tests that keep the catalogue whole.
    package static let modelCatalogue: [DiagnosticID] = [.duplicateRevision]
}
