import Foundation
import RetortModel
import RetortReading
import RetortCompiler
import RetortDiff

/// Writing an imported project: refused over an existing history unless forced, compiled
/// before it is written (in a staging folder beside the target, named like it so that
/// diagnostics name the files as they will be), then moved into place file by file. A
/// history that would not compile is an error, and the target is left as it was.
enum ImportedProject {
    /// `agreeing`: the files hold a history, whose head the models must declare exactly.
    static func write(_ files: [(path: String, text: String)], into folder: URL, force: Bool, agreeing: Bool) throws -> [String] {
        let fm = FileManager.default
        let revisions = folder.appendingPathComponent("revisions")
        if !force {
            let existing = ((try? fm.contentsOfDirectory(atPath: revisions.path)) ?? []).filter { $0.hasSuffix(".xml") }
            if !existing.isEmpty {
                throw Diagnostic(.importTargetNotEmpty, at: nil, "\(revisions.path) already has \(existing.count) revision file(s); import writes a new project (--force to write anyway)")
            }
            for file in files where fm.fileExists(atPath: folder.appendingPathComponent(file.path).path) {
                throw Diagnostic(.importTargetNotEmpty, at: nil, "\(folder.appendingPathComponent(file.path).path) already exists (--force to overwrite)")
            }
        }

        let parent = folder.deletingLastPathComponent()
        let stagingRoot = parent.appendingPathComponent(".\(folder.lastPathComponent).retort-import")
        let staging = stagingRoot.appendingPathComponent(folder.lastPathComponent)
        try? fm.removeItem(at: stagingRoot)
        defer { try? fm.removeItem(at: stagingRoot) }
        try fm.createDirectory(at: staging.appendingPathComponent("revisions"), withIntermediateDirectories: true)
        let settings = folder.appendingPathComponent("retort.xml")
        if !files.contains(where: { $0.path == "retort.xml" }), fm.fileExists(atPath: settings.path) {
            try fm.copyItem(at: settings, to: staging.appendingPathComponent("retort.xml"))
        }
        for file in files { try Data(file.text.utf8).write(to: staging.appendingPathComponent(file.path)) }

        // The project as written must compile, and its models agree with its history.
        let compilation: Compilation
        do { compilation = try Compiler.compile(try ProjectLoader.load(staging)) } catch let error as Diagnostic {
            throw Diagnostic(.importDoesNotCompile, at: error.location, "internal error: the imported project does not compile (nothing was written): \(error.message)")
        }
        if agreeing, let models = compilation.modelState {
            let differences = StateDiff.compare(models: models, history: compilation.headState)
            if !differences.isEmpty {
                throw Diagnostic(.importDoesNotCompile, at: nil, "internal error: the imported models differ from the imported history (nothing was written):\n"
                                 + differences.map(\.description).joined(separator: "\n"))
            }
        }

        try fm.createDirectory(at: revisions, withIntermediateDirectories: true)
        for file in files {
            let target = folder.appendingPathComponent(file.path)
            if fm.fileExists(atPath: target.path) { try fm.removeItem(at: target) }
            try fm.moveItem(at: staging.appendingPathComponent(file.path), to: target)
        }
        return files.map(\.path)
    }
}
