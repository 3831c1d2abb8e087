import RetortModel

/// The diagnostics of writing out/ and reading its manifest: every id this stage reports, declared once.
extension DiagnosticID {
    package static let badManifest = DiagnosticID("bad-manifest")
    package static let writeFailed = DiagnosticID("write-failed")

    /// Every id above, for the tests that keep the catalogue whole.
    package static let scriptsCatalogue: [DiagnosticID] = [.badManifest, .writeFailed]
}
