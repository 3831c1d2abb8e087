/// `path:line:col: error[rule-id]: message` and a help line, like a compiler.
public enum TextReporter {
    public static func render(_ findings: [Finding]) -> String {
        var text = ""
        for f in findings {
            text += "\(f.location): \(f.severity.rawValue)[\(f.rule)]: \(f.message)\n"
            text += "  help: \(f.help)\n"
        }
        let counts = Summary(findings)
        text += "\(counts.error) error(s), \(counts.warning) warning(s), \(counts.info) info\n"
        return text
    }
}

/// Counts by severity.
public struct Summary: Codable, Equatable, Sendable {
    public var error = 0, warning = 0, info = 0

    public init(_ findings: [Finding]) {
        for f in findings {
            switch f.severity {
            case .error: error += 1
            case .warning: warning += 1
            case .info: info += 1
            case .off: break
            }
        }
    }
}
