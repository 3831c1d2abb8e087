import RetortModel

/// How much a finding matters. `off` silences a rule entirely.
public enum LintSeverity: String, Sendable, Comparable, CaseIterable, Codable {
    case off, info, warning, error

    private var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (a: LintSeverity, b: LintSeverity) -> Bool { a.rank < b.rank }
}

public enum LintCategory: String, Sendable, Codable {
    case dataLoss = "data-loss"
    case backwardIncompatible = "backward-incompatible"
    case locking = "locking"
    case transaction = "transaction"
    case advice = "advice"
    case suppression = "suppression"
}

/// One problem the linter found, at the operation (or revision) it concerns.
public struct Finding: Hashable, Sendable {
    public var rule: String
    public var severity: LintSeverity
    public var category: LintCategory
    public var location: SourceLocation
    public var revision: String
    public var message: String
    public var help: String

    /// Findings are reported by file, line, column, then rule.
    package static func ordered(_ a: Finding, _ b: Finding) -> Bool {
        (a.location.file, a.location.line, a.location.column, a.rule, a.message)
            < (b.location.file, b.location.line, b.location.column, b.rule, b.message)
    }
}

/// What a rule reports before suppressions and severities apply.
public struct RawFinding: Sendable {
    public var location: SourceLocation
    public var message: String

    public init(_ location: SourceLocation, _ message: String) {
        self.location = location
        self.message = message
    }
}

/// The locks PostgreSQL takes, and what each blocks, for messages that teach.
package enum Lock: String {
    case accessExclusive = "ACCESS EXCLUSIVE"
    case share = "SHARE"
    case shareRowExclusive = "SHARE ROW EXCLUSIVE"
    case shareUpdateExclusive = "SHARE UPDATE EXCLUSIVE"

    package var blocks: String {
        switch self {
        case .accessExclusive: "blocks reads and writes"
        case .share, .shareRowExclusive: "blocks writes"
        case .shareUpdateExclusive: "blocks other schema changes, not reads or writes"
        }
    }

    package func on(_ table: QualifiedName, _ doing: String = "") -> String {
        "takes \(rawValue) on \(table): \(blocks)\(doing.isEmpty ? "" : " while it \(doing)")"
    }
}
