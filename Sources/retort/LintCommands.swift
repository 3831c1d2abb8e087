import ArgumentParser
import Foundation
import RetortKit
import RetortModel
import RetortReading
import RetortGraph
import RetortLint

struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Lint revisions for data loss, broken clients, long locks and rewrites.",
        discussion: "Exit status 1 when error findings remain (warnings too with --strict), 0 otherwise, 2 on bad input.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "A range FROM:TO or TO of revisions to lint (default: all).") var range: String?
    @Option(help: "Lint only the revisions after REV; objects created after REV count as new.") var since: String?
    @Option(help: "text, json, sarif or github.") var format = "text"
    @Flag(help: "Warnings fail too.") var strict = false

    func validate() throws {
        guard ["text", "json", "sarif", "github"].contains(format) else {
            throw ValidationError("--format must be text, json, sarif or github, not '\(format)'")
        }
    }

    func run() throws {
        let findings: [Finding]
        do {
            findings = try lint()
        } catch let diagnostic as Diagnostic where format != "text" {
            // Machine formats carry the error too (with its id), so CI shows why nothing was linted.
            switch format {
            case "json": write(try JSONReporter.render([], errors: [diagnostic]))
            case "sarif": write(try SARIFReporter.render([], errors: [diagnostic]))
            default: write(GitHubReporter.render(errors: [diagnostic]))
            }
            throw diagnostic
        }
        switch format {
        case "json": write(try JSONReporter.render(findings))
        case "sarif": write(try SARIFReporter.render(findings))
        case "github": write(GitHubReporter.render(findings))
        default: write(TextReporter.render(findings))
        }
        let failing = findings.contains { $0.severity == .error || (strict && $0.severity == .warning) }
        if failing { throw ExitCode(1) }
    }

    private func lint() throws -> [Finding] {
        let project = try ProjectLoader.load(global.projectURL)
        let graph = try RevisionGraph(project.revisions)
        let resolver = RevisionResolver(graph)
        var options = Linter.Options()
        if let since { options.since = try resolver.single(since) }
        if let range { options.only = Set(try resolver.parseUpgradeRange(range).revisions) }
        return try Lint.run(project, graph: graph, options: options).1
    }
}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Explain a lint rule: rationale, a failing and a passing example, the safe alternative.")

    @Argument(help: "A rule id, e.g. drop-column.") var rule: String?
    @Flag(help: "Print every rule as Markdown (docs/lint-rules.md).") var markdown = false
    @Flag(help: "List the rule ids.") var list = false

    func run() throws {
        if markdown { write(LintCatalogue.markdown()); return }
        if list || rule == nil {
            for r in LintCatalogue.rules.map(\.description) { write("\(r.id)  (\(r.category.rawValue), \(r.severity.rawValue))  \(r.summary)\n") }
            return
        }
        guard let description = LintCatalogue.rule(rule!) else {
            throw Diagnostic(.unknownLintRule, at: nil, "unknown lint rule '\(rule!)'; `retort explain --list` lists them")
        }
        write(LintCatalogue.explain(description))
    }
}
