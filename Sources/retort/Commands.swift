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
        let fm = FileManager.default
        let settings = url.appendingPathComponent("retort.xml")
        if fm.fileExists(atPath: settings.path) {
            throw Diagnostic("init-exists", at: nil, "\(settings.path) already exists; init leaves existing projects alone")
        }
        try fm.createDirectory(at: url.appendingPathComponent("revisions"), withIntermediateDirectories: true)
        let name = url.lastPathComponent == "models" ? url.deletingLastPathComponent().lastPathComponent : url.lastPathComponent
        try Data("""
            <?xml version="1.0" encoding="UTF-8"?>
            <project name="\(RevisionWriter.escapedAttribute(name))" format="1">
              <target postgres="15"/>
              <version-table name="retort_version" schema="public"/>
              <output dir="../out" transaction="per-revision" guard="true"/>
            </project>

            """.utf8).write(to: settings)
        let model = url.appendingPathComponent("schema.xml")
        if !fm.fileExists(atPath: model.path) {
            try Data("""
                <?xml version="1.0" encoding="UTF-8"?>
                <!-- The schema as it should be. Add <table>, <enum>, ... here. -->
                <schema name="public" format="1">
                </schema>

                """.utf8).write(to: model)
        }
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
            manifest.json, atomically: on any error the folder is left as it was. Revisions whose \
            content changed since the manifest already in the output folder recorded them are \
            reported (edited-revision): as warnings when writing, as findings with --check.
            """)

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Write nothing; exit 1 when the output folder is not what would be written or a recorded revision was edited.") var check = false
    @Option(help: ArgumentHelp("The manifest to check revisions against (default: manifest.json in the output folder), e.g. the main branch's.", valueName: "FILE"))
    var manifest: String?

    func run() throws {
        let compilation = try global.compile()
        let artifacts = try Artifacts.build(compilation)
        let project = compilation.project
        let out = project.outputDirectory
        let shown = project.displayPath(out)
        let edited = try editedRevisions(project)
        if check {
            let differences = OutputWriter.differences(artifacts, in: out)
            if differences.isEmpty && edited.isEmpty {
                write("\(shown) is up to date (\(artifacts.files.count) files)\n")
                return
            }
            var report = edited.map { "\($0.location): error[\($0.rule)]: \($0.message)\n" }.joined()
            if !differences.isEmpty {
                report += "\(shown) is stale; run `make sql` (retort sql):\n" + differences.map { "  \($0)\n" }.joined()
            }
            FileHandle.standardError.write(Data(report.utf8))
            throw ExitCode(1)
        }
        FileHandle.standardError.write(Data(edited.map { "\($0.location): warning[\($0.rule)]: \($0.message)\n" }.joined().utf8))
        try OutputWriter.write(artifacts, to: out)
        write("wrote \(artifacts.files.count) files to \(shown) (\(compilation.graph.order.count) revisions)\n")
    }

    /// Edited revisions against `--manifest` or the output folder's manifest; none when
    /// there is no manifest yet.
    func editedRevisions(_ project: Project) throws -> [EditedRevision] {
        let url = manifest.map { URL(fileURLWithPath: $0).standardizedFileURL } ?? ManifestCheck.committedManifest(of: project)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            if manifest != nil { throw ValidationError("cannot read the manifest \(url.path)") }
            return []
        }
        let shown = manifest ?? project.displayPath(url)
        do {
            return try ManifestCheck.editedRevisions(project, manifest: [UInt8](data), manifestPath: shown)
        } catch let diagnostic as Diagnostic where manifest == nil {
            // A manifest broken by a merge conflict must not stop `retort sql` from rewriting it.
            FileHandle.standardError.write(Data("\(diagnostic.location.map { "\($0): " } ?? "")warning: \(diagnostic.message); revisions not checked for edits\n".utf8))
            return []
        }
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
        let compilation = try global.compile()
        let resolver = RevisionResolver(compilation.graph)
        let (revisions, start, from, to) = try resolver.parseUpgradeRange(range)
        let assembler = ScriptAssembler(compilation)
        write(assembler.upgradeScript(revisions, from: start, title: "Retort upgrade: \(compilation.project.settings.name), \(from) -> \(to) (\(revisions.count) revisions)", mode: try mode(transaction)))
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
        let compilation = try global.compile()
        let resolver = RevisionResolver(compilation.graph)
        let (revisions, start, from, to) = try resolver.parseDowngradeRange(range)
        if let blocked = revisions.first(where: { compilation.revisions[$0].irreversibleAt != nil }) {
            let compiled = compilation.revisions[blocked]
            throw Diagnostic("irreversible", at: compiled.irreversibleAt,
                             "cannot downgrade through revision \(compiled.revision.id): this raw SQL has no <reverse>")
        }
        let assembler = ScriptAssembler(compilation)
        write(assembler.downgradeScript(revisions, from: start, title: "Retort downgrade: \(compilation.project.settings.name), \(from) -> \(to) (\(revisions.count) revisions)", mode: try mode(transaction)))
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

/// Which statements of the revision's raw SQL Retort understood (and as what), and which
/// it passes through as opaque text.
func rawSQLSummary(_ steps: [Step]) -> String {
    var lines: [String] = []
    for step in steps {
        if step.fromSQL {
            lines.append("  \(step.location)  understood: \(RevisionWriter.elementLine(step.operation))")
        } else if case .sql(let raw) = step.operation {
            // With a <reverse> the text runs as written; its DDL is still read into the state.
            let kept = raw.reverse != nil && !raw.effects.isEmpty
            for (n, statement) in (SQLScript.parsed(raw.forward)?.statements ?? []).enumerated() {
                lines.append("  \(raw.location(ofStatement: n, or: step.location))  \(kept ? "as written" : "opaque"): \(SQLScript.verb(of: statement.parsed))")
            }
            for effect in raw.effects {
                lines.append("  \(step.location)  understood, undone by its <reverse>: \(RevisionWriter.elementLine(effect))")
            }
        }
    }
    return lines.isEmpty ? "" : "-- raw SQL\n" + lines.joined(separator: "\n") + "\n\n"
}

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show one revision: its place in the graph, operations and SQL.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "A revision id, 4+ character prefix, head or label.") var revision: String

    func run() throws {
        let compilation = try global.compile()
        let graph = compilation.graph
        let index = try RevisionResolver(graph).single(revision)
        let compiled = compilation.revisions[index]
        let r = compiled.revision
        write("""
            Revision: \(r.id)
            Message:  \(r.message)
            Parents:  \(r.parents.isEmpty ? "<base>" : r.parents.joined(separator: ", "))
            Children: \(graph.children[index].isEmpty ? "(head)" : graph.children[index].map { graph.revisions[$0].id }.joined(separator: ", "))
            Source:   \(r.location.file)
            Labels:   \(r.branchLabels.joined(separator: ", "))
            Downgrade: \(r.downgrade != nil ? "explicit" : "derived")\(compiled.irreversibleAt.map { ", irreversible (raw SQL at \($0))" } ?? "")

            \(rawSQLSummary(r.upgrade))-- upgrade
            \(compiled.upgrade.flatMap(PostgresRenderer.render).map(\.sql).joined(separator: "\n"))

            -- downgrade
            \(compiled.downgrade.flatMap(PostgresRenderer.render).map(\.sql).joined(separator: "\n"))

            """)
    }
}
