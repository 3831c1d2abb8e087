import RetortSQL
import ArgumentParser
import Foundation
import RetortKit
import RetortModel
import RetortReading
import RetortGraph
import RetortRendering
import RetortDiff
import RetortScripts

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Scaffold a project: settings, one model file and revisions/.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Folder to create (default: the --project folder).") var directory: String?

    func run() throws {
        let url = directory.map { URL(fileURLWithPath: $0).standardizedFileURL } ?? global.projectURL
        try ProjectTemplate.create(in: url)
        write("created \(relativeDisplay(url))/retort.xml, schema.xml and revisions/\n")
    }
}

func relativeDisplay(_ url: URL) -> String {
    let cwd = FileManager.default.currentDirectoryPath
    return url.path.hasPrefix(cwd + "/") ? String(url.path.dropFirst(cwd.count + 1)) : url.path
}

struct Sql: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write every script and the manifest into the output folder.",
        discussion: """
            Writes upgrade/ and downgrade/ per revision, upgrade.sql, downgrade.sql, schema.sql and \
            manifest.json. Only files whose bytes change are written; the folder is swapped in \
            whole, so on an error, or if the process is killed, it is the old tree or the new one, \
            never a mix. Revisions whose \
            content changed since the manifest already in the output folder recorded them are \
            reported (edited-revision): as warnings when writing, as findings with --check.
            """)

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Write nothing; exit 1 when the output folder is not what would be written or a recorded revision was edited.") var check = false
    @Option(help: ArgumentHelp("The manifest to check revisions against (default: manifest.json in the output folder), e.g. the main branch's.", valueName: "FILE"))
    var manifest: String?

    func run() throws {
        let report: OutputFolder.Report
        do {
            report = try OutputFolder.run(project: global.projectURL, check: check, manifest: manifest) { try global.compile() }
        } catch EditedRevisions.Failure.unreadableManifest(let path) {
            throw ValidationError("cannot read the manifest \(path)")
        }
        FileHandle.standardError.write(Data(report.problems.utf8))
        write(report.summary)
        if report.failed { throw ExitCode(1) }
    }
}

struct Upgrade: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the upgrade SQL for a range of revisions.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "FROM:TO or TO (from base). Names: an id, a 4+ character prefix, base, head, heads, label@head, X+N.")
    var range = "base:heads"
    @Flag(help: "Print SQL (Retort is offline; this is the only mode).") var sql = false
    @Option(help: "Transaction layout: per-revision, single or none (default: the project's).") var transaction: String?

    func validate() throws {
        if !sql { throw ValidationError("Retort never connects to a database: add --sql to print the script") }
    }

    func run() throws {
        write(try RangeScripts.upgrade(try global.compile(), range: range, mode: try mode(transaction)))
    }
}

func mode(_ text: String?) throws -> TransactionMode? {
    guard let text else { return nil }
    guard let mode = TransactionMode(rawValue: text) else {
        throw ValidationError("--transaction must be per-revision, single or none, not '\(text)'")
    }
    return mode
}

struct Downgrade: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the downgrade SQL for a range of revisions.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "FROM:TO, e.g. head:base, head:-1, A:B.") var range: String
    @Flag(help: "Print SQL (Retort is offline; this is the only mode).") var sql = false
    @Option(help: "Transaction layout: per-revision, single or none (default: the project's).") var transaction: String?

    func validate() throws {
        if !sql { throw ValidationError("Retort never connects to a database: add --sql to print the script") }
    }

    func run() throws {
        write(try RangeScripts.downgrade(try global.compile(), range: range, mode: try mode(transaction)))
    }
}

struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "schema", abstract: "Print the schema at head as one CREATE script, stamped at head.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let compilation = try global.compile()
        write(ScriptAssembler(compilation).schemaScript(title: "Retort schema: \(compilation.project.settings.name) at head"))
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Exit 1 with a diff when the models differ from the schema the history builds.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let compilation = try global.compile()
        guard let models = compilation.modelState else {
            write("no model declarations in \(compilation.project.displayPath(compilation.project.directory)); nothing to compare\n")
            return
        }
        let differences = StateDiff.compare(models: models, history: compilation.headState)
        if differences.isEmpty {
            write("models and history agree (\(compilation.graph.order.count) revisions)\n")
            return
        }
        FileHandle.standardError.write(Data(("the models differ from the schema the history builds:\n" + differences.map { "\($0)\n" }.joined()).utf8))
        throw ExitCode(1)
    }
}

struct Heads: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the current heads.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let compilation = try global.compile()
        for head in compilation.graph.heads {
            let revision = compilation.graph.revisions[head]
            write("\(revision.id) (head), \(revision.message)\n")
        }
    }
}

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show one revision: its place in the graph, operations and SQL.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "A revision id, 4+ character prefix, head or label.") var revision: String

    func run() throws {
        let compilation = try global.compile()
        write(RevisionSummary.text(compilation, try RevisionResolver(compilation.graph).single(revision)))
    }
}
