import Foundation
import RetortModel

/// SPEC §5's JSON: `{"findings": [...], "summary": {"error", "warning", "info"}}`.
public enum JSONReporter {
    package struct Entry: Codable {
        package var rule, severity, category, file: String
        package var line, column: Int
        package var revision, message, help: String
    }

    /// An input error that stopped the run: its diagnostic id, where it is, what it says.
    package struct ErrorEntry: Codable {
        package var id, severity: String
        package var file: String?
        package var line, column: Int?
        package var message: String
    }

    package struct Document: Codable {
        package var findings: [Entry]
        package var summary: Summary
        /// Present only when the run stopped on bad input (exit status 2).
        package var errors: [ErrorEntry]?
    }

    /// The findings, or, when the project could not be compiled, no findings and the
    /// `errors` that stopped it.
    public static func render(_ findings: [Finding], errors: [Diagnostic] = []) throws -> String {
        let document = Document(findings: findings.map {
            Entry(rule: $0.rule, severity: $0.severity.rawValue, category: $0.category.rawValue, file: $0.location.file,
                  line: $0.location.line, column: $0.location.column, revision: $0.revision, message: $0.message, help: $0.help)
        }, summary: Summary(findings), errors: errors.isEmpty ? nil : errors.map {
            ErrorEntry(id: $0.id, severity: $0.severity.rawValue, file: $0.location?.file, line: $0.location?.line, column: $0.location?.column, message: $0.message)
        })
        return try encode(document)
    }

    package static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }
}
