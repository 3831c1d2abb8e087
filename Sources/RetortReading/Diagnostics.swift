import RetortModel

/// The diagnostics of reading XML, SQL fragments and project folders: every id this stage reports, declared once.
extension DiagnosticID {
    package static let badValue = DiagnosticID("bad-value")
    package static let duplicateElement = DiagnosticID("duplicate-element")
    package static let missingElement = DiagnosticID("missing-element")
    package static let noProject = DiagnosticID("no-project")
    package static let sqlComment = DiagnosticID("sql-comment")
    package static let sqlSlot = DiagnosticID("sql-slot")
    package static let sqlSyntax = DiagnosticID("sql-syntax")
    package static let unknownAttribute = DiagnosticID("unknown-attribute")
    package static let unknownElement = DiagnosticID("unknown-element")
    package static let unreadable = DiagnosticID("unreadable")
    package static let xmlEmpty = DiagnosticID("xml-empty")
    package static let xmlEncoding = DiagnosticID("xml-encoding")
    package static let xmlForbidden = DiagnosticID("xml-forbidden")
    package static let xmlInternal = DiagnosticID("xml-internal")
    package static let xmlMalformed = DiagnosticID("xml-malformed")
    package static let xmlNamespace = DiagnosticID("xml-namespace")
    package static let xmlNul = DiagnosticID("xml-nul")
    package static let xmlTooDeep = DiagnosticID("xml-too-deep")
    package static let xmlTooLarge = DiagnosticID("xml-too-large")

    /// Every id above, for the tests that keep the catalogue whole.
    package static let readingCatalogue: [DiagnosticID] = [.badValue, .duplicateElement, .missingElement, .noProject, .sqlComment, .sqlSlot, .sqlSyntax, .unknownAttribute, .unknownElement, .unreadable, .xmlEmpty, .xmlEncoding, .xmlForbidden, .xmlInternal, .xmlMalformed, .xmlNamespace, .xmlNul, .xmlTooDeep, .xmlTooLarge]
}
