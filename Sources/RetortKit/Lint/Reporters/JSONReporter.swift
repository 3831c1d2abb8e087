import Foundation

/// SPEC §5's JSON: `{"findings": [...], "summary": {"error", "warning", "info"}}`.
public enum JSONReporter {
    struct Entry: Codable {
        var rule, severity, category, file: String
        var line, column: Int
        var revision, message, help: String
    }

    struct Document: Codable {
        var findings: [Entry]
        var summary: Summary
    }

    public static func render(_ findings: [Finding]) throws -> String {
        let document = Document(findings: findings.map {
            Entry(rule: $0.rule, severity: $0.severity.rawValue, category: $0.category.rawValue, file: $0.location.file,
                  line: $0.location.line, column: $0.location.column, revision: $0.revision, message: $0.message, help: $0.help)
        }, summary: Summary(findings))
        return try encode(document)
    }

    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }
}
