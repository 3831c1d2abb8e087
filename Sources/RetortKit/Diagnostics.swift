import RetortModel

/// The diagnostics of the workflows behind the commands: every id this stage reports, declared once.
extension DiagnosticID {
    package static let initExists = DiagnosticID("init-exists")
    package static let irreversible = DiagnosticID("irreversible")
    package static let noModels = DiagnosticID("no-models")
    // Choosing the parents of a new revision or a merge.
    package static let headAmbiguous = DiagnosticID("head-ambiguous")
    package static let notAHead = DiagnosticID("not-a-head")
    package static let nothingToMerge = DiagnosticID("nothing-to-merge")
    // Importing a project.
    package static let importTargetNotEmpty = DiagnosticID("import-target-not-empty")
    package static let alembicMarker = DiagnosticID("alembic-marker")
    package static let importDoesNotCompile = DiagnosticID("import-does-not-compile")

    /// Every id above, for the tests that keep the catalogue whole.
    package static let kitCatalogue: [DiagnosticID] = [.initExists, .irreversible, .noModels, .headAmbiguous, .notAHead, .nothingToMerge, .importTargetNotEmpty, .alembicMarker, .importDoesNotCompile]
}
