import RetortModel

/// The diagnostics of the revision graph and revision names: every id this stage reports, declared once.
extension DiagnosticID {
    package static let cycle = DiagnosticID("cycle")
    package static let danglingDependency = DiagnosticID("dangling-dependency")
    package static let danglingParent = DiagnosticID("dangling-parent")
    package static let duplicateParent = DiagnosticID("duplicate-parent")
    // Naming revisions on the command line (RevisionResolver).
    package static let unknownRevision = DiagnosticID("unknown-revision")
    package static let ambiguousRevision = DiagnosticID("ambiguous-revision")
    package static let unknownBranchLabel = DiagnosticID("unknown-branch-label")
    package static let severalHeads = DiagnosticID("several-heads")
    package static let emptyHistory = DiagnosticID("empty-history")
    package static let ambiguousStep = DiagnosticID("ambiguous-step")
    package static let notAnAncestor = DiagnosticID("not-an-ancestor")
    package static let rangeSyntax = DiagnosticID("range-syntax")

    /// Every id above, for the tests that keep the catalogue whole.
    package static let graphCatalogue: [DiagnosticID] = [
        .cycle, .danglingDependency, .danglingParent, .duplicateParent, .unknownRevision, .ambiguousRevision, .unknownBranchLabel,
        .severalHeads, .emptyHistory, .ambiguousStep, .notAnAncestor, .rangeSyntax,
    ]
}
