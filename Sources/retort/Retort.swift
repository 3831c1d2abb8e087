import ArgumentParser
import Foundation
import RetortKit
import RetortReading
import RetortCompiler
import RetortScripts

struct Retort: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retort",
        abstract: "An offline migration compiler for PostgreSQL.",
        discussion: """
            Reads model declarations and revision files (XML), replays the revisions on an \
            in-memory schema state machine and writes deterministic upgrade and downgrade \
            SQL. Never connects to a database. Exit status: 0 success, 1 findings \
            (drift, stale out/), 2 bad input or usage.
            """,
        version: Artifacts.toolVersion,
        subcommands: [Init.self, Sql.self, Upgrade.self, Downgrade.self, SchemaCommand.self, Check.self,
                      History.self, Heads.self, Branches.self, Show.self, RevisionCommand.self, Merge.self,
                      LintCommand.self, Explain.self, Import.self]
    )

    @OptionGroup var global: GlobalOptions
}

/// Options every command takes, before or after the command name.
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("project"), help: "The project folder (default: $RETORT_PROJECT, else ./models).")
    var project: String?

    var projectURL: URL {
        let path = project ?? ProcessInfo.processInfo.environment["RETORT_PROJECT"] ?? "models"
        return URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL
    }

    func compile() throws -> Compilation {
        let compilation = try Compiler.compile(try ProjectLoader.load(projectURL))
        kept.append(compilation)
        return compilation
    }
}

/// Compilations live until the process exits: freeing a 10,000-revision history object by
/// object costs more than a tenth of the time it took to build, and the exit frees it all at once.
nonisolated(unsafe) private var kept: [Compilation] = []

func write(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}
