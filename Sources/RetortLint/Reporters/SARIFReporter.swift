import RetortModel
import RetortScripts

/// SARIF 2.1.0, as GitHub code scanning reads it: one run, the rule catalogue as the
/// tool's rules, one result per finding with a region in a repository-relative file.
public enum SARIFReporter {
    package struct Log: Codable {
        package var version = "2.1.0"
        package var schema = "https://json.schemastore.org/sarif-2.1.0.json"
        package var runs: [Run]
        package enum CodingKeys: String, CodingKey { case version, schema = "$schema", runs }
    }
    package struct Run: Codable {
        package var tool: Tool
        package var results: [Result]
        /// Present when the run stopped on bad input: SARIF's place for errors that are not
        /// results (`toolExecutionNotifications`, `executionSuccessful: false`).
        package var invocations: [Invocation]?
    }
    package struct Invocation: Codable {
        package var executionSuccessful: Bool
        package var toolExecutionNotifications: [Notification]
    }
    package struct Notification: Codable {
        package var descriptor: Descriptor
        package var level: String
        package var message: Text
        package var locations: [Location]?
    }
    package struct Descriptor: Codable { package var id: String }
    package struct Tool: Codable { package var driver: Driver }
    package struct Driver: Codable {
        package var name = "retort"
        package var version: String
        package var informationUri = "https://github.com/retort/retort"
        package var rules: [Rule]
    }
    package struct Rule: Codable {
        package var id: String
        package var name: String
        package var shortDescription: Text
        package var fullDescription: Text
        package var help: Text
        package var defaultConfiguration: Configuration
        package var properties: Properties
    }
    package struct Text: Codable { package var text: String }
    package struct Configuration: Codable { package var level: String }
    package struct Properties: Codable { package var tags: [String] }
    package struct Result: Codable {
        package var ruleId: String
        package var ruleIndex: Int
        package var level: String
        package var message: Text
        package var locations: [Location]
    }
    package struct Location: Codable { package var physicalLocation: PhysicalLocation }
    package struct PhysicalLocation: Codable { package var artifactLocation: ArtifactLocation; package var region: Region }
    package struct ArtifactLocation: Codable { package var uri: String }
    package struct Region: Codable { package var startLine: Int; package var startColumn: Int }

    package static func level(_ severity: LintSeverity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .info, .off: "note"
        }
    }

    public static func render(_ findings: [Finding], errors: [Diagnostic] = []) throws -> String {
        let catalogue = LintCatalogue.rules.map(\.description)
        let rules = catalogue.map { rule in
            Rule(id: rule.id, name: rule.id.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(),
                 shortDescription: Text(text: rule.summary), fullDescription: Text(text: rule.rationale),
                 help: Text(text: rule.safeAlternative), defaultConfiguration: Configuration(level: level(rule.severity)),
                 properties: Properties(tags: [rule.category.rawValue]))
        }
        let results = findings.map { f in
            Result(ruleId: f.rule, ruleIndex: catalogue.firstIndex { $0.id == f.rule } ?? 0, level: level(f.severity),
                   message: Text(text: "\(f.message) (revision \(f.revision)). \(f.help)"),
                   locations: [Location(physicalLocation: PhysicalLocation(artifactLocation: ArtifactLocation(uri: f.location.file),
                                                                         region: Region(startLine: f.location.line, startColumn: f.location.column)))])
        }
        let invocations = errors.isEmpty ? nil : [Invocation(executionSuccessful: false, toolExecutionNotifications: errors.map { d in
            Notification(descriptor: Descriptor(id: d.id), level: "error", message: Text(text: d.message),
                         locations: d.location.map { [Location(physicalLocation: PhysicalLocation(artifactLocation: ArtifactLocation(uri: $0.file),
                                                                                                  region: Region(startLine: $0.line, startColumn: $0.column)))] })
        })]
        return try JSONReporter.encode(Log(runs: [Run(tool: Tool(driver: Driver(version: Artifacts.toolVersion, rules: rules)), results: results, invocations: invocations)]))
    }
}
