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
        /// How many files the folder holds when it is current.
        package var files = 0
    }

    /// `sql` (or with `check`, `sql --check`) of the project at `project`: when the build
    /// record shows that neither the executable, the inputs nor the output folder changed
    /// since a clean run, the answer without compiling; else `compile()` and the full run,
    /// recorded when it ends without a warning. A custom `manifest` always compiles.
    package static func run(project: URL, check: Bool, manifest: String?, compile: () throws -> Compilation) throws -> Report {
        let capturedAt = time(nil)
        let inputs = manifest == nil ? BuildRecord.inputSignatures(project) : nil
        if let record = BuildRecord.current(for: project, inputs: inputs) {
            let summary = check ? "\(record.shown) is up to date (\(record.files) files)\n"
                                : "\(record.shown) is up to date (\(record.files) files, \(record.revisions) revisions); nothing written\n"
            return Report(summary: summary, problems: "", failed: false)
        }
        let report: Report
        let compilation: Compilation
        do {
            compilation = try compile()
            report = check ? try self.check(compilation, manifest: manifest) : try write(compilation, manifest: manifest)
        } catch {
            BuildRecord.forget(project: project)
            throw error
        }
        if manifest == nil, !report.failed, report.problems.isEmpty {
            let output = compilation.project.outputDirectory
            BuildRecord.save(project: project, inputs: inputs, capturedAt: capturedAt, output: output, shown: compilation.project.displayPath(output),
                             files: report.files, revisions: compilation.graph.order.count)
        } else {
            BuildRecord.forget(project: project)
        }
        return report
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
        return Report(summary: summary, problems: warnings.map { $0 + "\n" }.joined(), failed: false, files: artifacts.files.count)
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
            return Report(summary: "\(shown) is up to date (\(artifacts.files.count) files)\n", problems: problems, failed: false, files: artifacts.files.count)
        }
        if !differences.isEmpty {
            problems += "\(shown) is stale; run `make sql` (retort sql):\n" + differences.map { "  \($0)\n" }.joined()
        }
        return Report(summary: "", problems: problems, failed: true)
    }
}
