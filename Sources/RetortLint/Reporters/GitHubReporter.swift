import RetortModel
/// GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=rule::message`.
public enum GitHubReporter {
    public static func render(_ findings: [Finding]) -> String {
        findings.map { f in
            let command = switch f.severity { case .error: "error"; case .warning: "warning"; default: "notice" }
            let properties = "file=\(escapeProperty(f.location.file)),line=\(f.location.line),col=\(f.location.column),title=\(escapeProperty(f.rule))"
            return "::\(command) \(properties)::\(escapeData("\(f.message). \(f.help)"))\n"
        }.joined()
    }

    /// Input errors that stopped the run, titled with their diagnostic id.
    public static func render(errors: [Diagnostic]) -> String {
        errors.map { d in
            var properties = d.location.map { "file=\(escapeProperty($0.file)),line=\($0.line),col=\($0.column)," } ?? ""
            properties += "title=\(escapeProperty("retort \(d.severity.rawValue)[\(d.id)]"))"
            return "::error \(properties)::\(escapeData(d.message))\n"
        }.joined()
    }

    /// The escaping GitHub's toolkit applies to a command's message.
    package static func escapeData(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
    }

    /// And to property values, which also may not contain `:` or `,`.
    package static func escapeProperty(_ text: String) -> String {
        escapeData(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
