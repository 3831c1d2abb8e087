#if FUZZING
import CFuzzing
#endif
import Foundation
import RetortModel
import RetortReading
import RetortCompiler
import RetortScripts
import RetortLint
import RetortDiff
import RetortKit

/// The whole pipeline on one input: read, compile (replay and prove every downgrade),
/// render every output file, lint, compare with the models and autogenerate. Any error
/// must be a diagnostic with a message, located in one of the input's files when it
/// has a location; anything else stops the fuzzer as a crash.
enum Pipeline {
    static let directory = URL(fileURLWithPath: "/nonexistent/retort-fuzz/project")

    /// What became of the input, in one line.
    @discardableResult
    static func run(_ input: UnsafeBufferPointer<UInt8>) -> String {
        let parts = FuzzInput.split(input)
        do {
            let project = try ProjectLoader.load(directory: directory, settings: parts.settings, models: parts.models, revisions: parts.revisions)
            let (compilation, findings) = try Lint.run(project)
            for finding in findings where finding.message.isEmpty { fail("lint finding \(finding.rule) has no message") }
            let artifacts = try Artifacts.build(compilation)
            if artifacts.files.isEmpty { fail("a compiled project rendered no files") }
            if let models = compilation.modelState {
                _ = StateDiff.compare(models: models, history: compilation.headState)
                _ = try Autogenerate.operations(from: compilation.headState, to: models)
            }
            return "compiled: \(compilation.revisions.count) revisions, \(artifacts.files.count) files, \(findings.count) findings"
        } catch let diagnostic as Diagnostic {
            check(diagnostic, files: Set(project(parts)))
            return "diagnosed: \(diagnostic)"
        } catch {
            fail("an error that is not a diagnostic: \(error)")
        }
    }

    /// The display paths of the input's files.
    static func project(_ parts: FuzzInput.Parts) -> [String] {
        let name = directory.lastPathComponent
        return [name + "/retort.xml"] + parts.models.map { name + "/" + $0.name } + parts.revisions.map { name + "/revisions/" + $0.name }
    }

    static func check(_ diagnostic: Diagnostic, files: Set<String>) {
        if diagnostic.message.isEmpty { fail("diagnostic \(diagnostic.id) has no message") }
        if diagnostic.id.isEmpty { fail("a diagnostic without an id: \(diagnostic.message)") }
        guard let location = diagnostic.location else { return }
        if location.line < 1 || location.column < 1 { fail("diagnostic located at \(location): \(diagnostic)") }
        if !files.contains(location.file) { fail("diagnostic located outside the input: \(diagnostic)") }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("retort-fuzz: \(message)\n".utf8))
        abort()
    }
}

#if FUZZING
/// SwiftPM renames an executable's entry point to `<target>_main`; libFuzzer's driver runs
/// from there.
@_cdecl("RetortFuzz_main")
func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    var argc = argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        Pipeline.run(UnsafeBufferPointer(start: data, count: size))
        return 0
    }
}
#else
/// Without the fuzzer: `retort-fuzz pack DIR OUT` writes a project as one input (for the
/// seed corpus); `retort-fuzz run FILE...` runs inputs through the pipeline once.
@main
struct FuzzCommand {
    static func main() throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        switch arguments.first {
        case "pack" where arguments.count == 3:
            try Data(try FuzzInput.pack(URL(fileURLWithPath: arguments[1]))).write(to: URL(fileURLWithPath: arguments[2]))
        case "run" where arguments.count >= 2:
            for path in arguments.dropFirst() {
                let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
                print("\(path): \(bytes.withUnsafeBufferPointer { Pipeline.run($0) })")
            }
        default:
            FileHandle.standardError.write(Data("usage: retort-fuzz pack PROJECT OUT | retort-fuzz run INPUT...\n(make fuzz builds the libFuzzer target)\n".utf8))
            exit(2)
        }
    }
}
#endif
