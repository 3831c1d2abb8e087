import RetortModel

/// The diagnostics of the revision graph and revision names: every id this stage reports, declared once.
extension DiagnosticID {
    package static let cycle = DiagnosticID("cycle")
    package static let danglingDependency = DiagnosticID("dangling-dependency")
    package static let danglingParent = DiagnosticID("dangling-parent")
    package static let duplicateParent = DiagnosticID("duplicate-parent")
    package static let revision = DiagnosticID("revision")

    /// Every id above, for the tests that keep the catalogue whole.
    package static let graphCatalogue: [DiagnosticID] = [.cycle, .danglingDependency, .danglingParent, .duplicateParent, .revision]
}
