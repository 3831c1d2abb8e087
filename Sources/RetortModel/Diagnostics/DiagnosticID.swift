/// What went wrong, as a stable kebab-case id (`column-exists`, `xml-malformed`): the text
/// form prints it as `error[column-exists]`, the JSON form carries it, and tests assert on
/// it. Each stage declares its ids in one file, its `Diagnostics.swift`, as static members
/// of this type, so a call site writes `Diagnostic(.columnExists, at: ..., "...")` and never
/// spells an id.
public struct DiagnosticID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    package init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
}

extension Diagnostic {
    package init(_ id: DiagnosticID, at location: SourceLocation?, _ message: String, severity: Severity = .error) {
        self.init(id.rawValue, at: location, message, severity: severity)
    }
}
