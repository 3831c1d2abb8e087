/// SARIF 2.1.0, as GitHub code scanning reads it: one run, the rule catalogue as the
/// tool's rules, one result per finding with a region in a repository-relative file.
public enum SARIFReporter {
    struct Log: Codable {
        var version = "2.1.0"
        var schema = "https://json.schemastore.org/sarif-2.1.0.json"
        var runs: [Run]
        enum CodingKeys: String, CodingKey { case version, schema = "$schema", runs }
    }
    struct Run: Codable { var tool: Tool; var results: [Result] }
    struct Tool: Codable { var driver: Driver }
    struct Driver: Codable {
        var name = "retort"
        var version: String
        var informationUri = "https://github.com/retort/retort"
        var rules: [Rule]
    }
    struct Rule: Codable {
        var id: String
        var name: String
        var shortDescription: Text
        var fullDescription: Text
        var help: Text
        var defaultConfiguration: Configuration
        var properties: Properties
    }
    struct Text: Codable { var text: String }
    struct Configuration: Codable { var level: String }
    struct Properties: Codable { var tags: [String] }
    struct Result: Codable {
        var ruleId: String
        var ruleIndex: Int
        var level: String
        var message: Text
        var locations: [Location]
    }
    struct Location: Codable { var physicalLocation: PhysicalLocation }
    struct PhysicalLocation: Codable { var artifactLocation: ArtifactLocation; var region: Region }
    struct ArtifactLocation: Codable { var uri: String }
    struct Region: Codable { var startLine: Int; var startColumn: Int }

    static func level(_ severity: LintSeverity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .info, .off: "note"
        }
    }

    public static func render(_ findings: [Finding]) throws -> String {
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
        return try JSONReporter.encode(Log(runs: [Run(tool: Tool(driver: Driver(version: Artifacts.toolVersion, rules: rules)), results: results)]))
    }
}
