import RetortModel

/// The diagnostics of the workflows behind the commands: every id this stage reports, declared once.
extension DiagnosticID {
    package static let initExists = DiagnosticID("init-exists")
    package static let irreversible = DiagnosticID("irreversible")
    package static let noModels = DiagnosticID("no-models")

    /// Every id above, for the tests that keep the catalogue whole.
    package static let kitCatalogue: [DiagnosticID] = [.initExists, .irreversible, .noModels]
}
