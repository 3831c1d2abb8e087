import Foundation
import RetortModel
import RetortReading
import RetortCompiler
import RetortScripts

/// `retort sql` and `retort sql --check`: the output folder against the artifacts of a
/// compilation, with the edited-revision check. Returns the text to print; the command
/// prints it and picks the exit status.
package enum OutputFolder {
    package struct Report {
        /// For standard output.
        package var summary: String
        /// For standard error: warnings, or with `--check` what is wrong.
        package var problems: String
        /// `--check` found the folder stale or a recorded revision edited.
        package var failed: Bool
    }

    /// Writes the folder, changing only what differs.
    package static func write(_ compilation: Compilation, manifest: String?) throws -> Report {
        let project = compilation.project
        let artifacts = try Artifacts.build(compilation)
        let found = try EditedRevisions.find(project, manifest: manifest)
        let warnings = (found.warning.map { [$0] } ?? []) + found.edited.map { "\($0.location): warning[\($0.rule)]: \($0.message)" }
        let outcome = try OutputWriter.write(artifacts, to: project.outputDirectory)
        let shown = project.displayPath(project.outputDirectory)
        let revisions = "\(compilation.graph.order.count) revisions"
        let summary = outcome.changed
            ? "wrote \(artifacts.files.count) files to \(shown) (\(revisions); \(outcome.written) new or changed, \(outcome.kept) unchanged\(outcome.removed > 0 ? ", \(outcome.removed) removed" : ""))\n"
            : "\(shown) is up to date (\(artifacts.files.count) files, \(revisions)); nothing written\n"
        return Report(summary: summary, problems: warnings.map { $0 + "\n" }.joined(), failed: false)
    }

    /// Compares the folder with what `write` would make, writing nothing.
    package static func check(_ compilation: Compilation, manifest: String?) throws -> Report {
        let project = compilation.project
        let artifacts = try Artifacts.build(compilation)
        let found = try EditedRevisions.find(project, manifest: manifest)
        let shown = project.displayPath(project.outputDirectory)
        let differences = OutputWriter.differences(artifacts, in: project.outputDirectory)
        var problems = (found.warning.map { $0 + "\n" } ?? "") + found.edited.map { "\($0.location): error[\($0.rule)]: \($0.message)\n" }.joined()
        if differences.isEmpty && found.edited.isEmpty {
            return Report(summary: "\(shown) is up to date (\(artifacts.files.count) files)\n", problems: problems, failed: false)
        }
        if !differences.isEmpty {
            problems += "\(shown) is stale; run `make sql` (retort sql):\n" + differences.map { "  \($0)\n" }.joined()
        }
        return Report(summary: "", problems: problems, failed: true)
    }
}
