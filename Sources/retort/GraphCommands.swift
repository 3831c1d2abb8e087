import ArgumentParser
import Foundation
import RetortKit
import RetortModel
import RetortReading
import RetortGraph
import RetortCompiler
import RetortDiff

// The commands that read and extend the revision graph. They load the project and build
// the graph but do not replay it, so they work on a history whose operations do not (yet)
// compile, as Alembic's do.

extension GlobalOptions {
    /// The project and its graph, without replaying the revisions.
    func graph() throws -> (Project, RevisionGraph) {
        let project = try ProjectLoader.load(projectURL)
        return (project, try RevisionGraph(project.revisions))
    }
}

/// `id (label) (head) (mergepoint) (branchpoint), message`, as Alembic formats revisions.
func revisionLine(_ graph: RevisionGraph, _ index: Int, heads: Set<Int>, withMessage: Bool = true) -> String {
    let revision = graph.revisions[index]
    var text = revision.id
    if !revision.branchLabels.isEmpty { text += " (\(revision.branchLabels.joined(separator: ", ")))" }
    if heads.contains(index) { text += " (head)" }
    if graph.parents[index].count > 1 { text += " (mergepoint)" }
    if parentChildren(graph)[index].count > 1 { text += " (branchpoint)" }
    if !revision.dependsOn.isEmpty { text += " (depends on \(revision.dependsOn.joined(separator: ", ")))" }
    if withMessage { text += ", \(revision.message)" }
    return text
}

/// Children through parents only (a `depends-on` does not make a branch point).
func parentChildren(_ graph: RevisionGraph) -> [[Int]] {
    var children = Array(repeating: [Int](), count: graph.revisions.count)
    for index in graph.order { for parent in graph.parents[index] { children[parent].append(index) } }
    return children
}

struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the revisions, newest first.",
        discussion: "With --graph, draw the history as `git log --graph` does: one line per revision with its id, branch labels, flags and message, and the lines that fork and join the branches.")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Draw the graph of branches and merges.") var graph = false

    func run() throws {
        let (_, graph) = try global.graph()
        let heads = Set(graph.heads)
        if self.graph {
            let lines = HistoryGraph.lines(graph) { revisionLine(graph, $0, heads: heads) }
            write(lines.map { $0 + "\n" }.joined())
            return
        }
        let children = parentChildren(graph)
        for index in graph.order.reversed() {
            let revision = graph.revisions[index]
            let parents = revision.parents.isEmpty ? "<base>" : revision.parents.joined(separator: ", ")
            var flags: [String] = []
            if heads.contains(index) { flags.append("head") }
            if revision.parents.count > 1 { flags.append("merge") }
            if children[index].count > 1 { flags.append("branchpoint") }
            if !revision.branchLabels.isEmpty { flags.append("labels: " + revision.branchLabels.joined(separator: ", ")) }
            let suffix = flags.isEmpty ? "" : " (\(flags.joined(separator: ", ")))"
            write("\(parents) -> \(revision.id)\(suffix), \(revision.message)\n")
        }
    }
}

struct Branches: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the branch points with the revisions they branch into, and the branch labels.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let (_, graph) = try global.graph()
        let heads = Set(graph.heads)
        let children = parentChildren(graph)
        var text = ""
        let points = graph.order.filter { children[$0].count > 1 }
        for point in points.reversed() {
            text += revisionLine(graph, point, heads: heads) + "\n"
            for child in children[point] {
                text += "  -> " + revisionLine(graph, child, heads: heads) + "\n"
            }
        }
        if points.isEmpty { text += "no branch points\n" }
        let labelled = graph.order.filter { !graph.revisions[$0].branchLabels.isEmpty }
        if !labelled.isEmpty {
            text += "\nbranch labels:\n"
            for index in labelled {
                let branchHeads = graph.heads.filter { graph.isAncestor(index, of: $0) }.map { graph.revisions[$0].id }
                for label in graph.revisions[index].branchLabels {
                    text += "  \(label): from \(graph.revisions[index].id), head \(branchHeads.joined(separator: ", "))\n"
                }
            }
        }
        write(text)
    }
}

/// Writes a new revision file into the project's `revisions/` folder and prints its path.
func writeRevision(_ revision: NewRevision, into project: Project) throws {
    let folder = project.directory.appendingPathComponent("revisions")
    let url = folder.appendingPathComponent(revision.fileName)
    try revision.check(displayPath: project.displayPath(url))
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    do {
        try Data(revision.xml.utf8).write(to: url, options: .withoutOverwriting)
    } catch {
        throw Diagnostic("write-failed", at: nil, "cannot write \(url.path): \(error.localizedDescription)")
    }
    write(relativeDisplay(url) + "\n")
}

struct RevisionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revision",
        abstract: "Create a new revision file whose parent is the head.",
        discussion: """
            Writes revisions/NNNN_slug.xml (the number after the highest one in use, the message as \
            the slug) with a fresh 12-digit hex id, parent the head and an empty <upgrade> to fill \
            in, and prints its path. With several heads, name the parent with --head. With \
            --autogenerate the <upgrade> holds the operations that take the head's schema to the \
            model declarations (renames from renamed-from hints); with no difference nothing is written.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(name: [.customShort("m"), .long], help: "The revision's message.") var message: String
    @Option(help: ArgumentHelp("The parent: a head, label@head, or base for a new root (default: the only head).", valueName: "REV"))
    var head: String?
    @Flag(help: "Allow --head to name a revision that is not a head, starting a new branch there.") var splice = false
    @Option(help: ArgumentHelp("A branch label for the new revision (repeatable).", valueName: "LABEL")) var branchLabel: [String] = []
    @Option(help: ArgumentHelp("Revisions the new one depends on (repeatable).", valueName: "REV")) var dependsOn: [String] = []
    @Option(help: ArgumentHelp("Use this id instead of a fresh one.", valueName: "ID")) var revId: String?
    @Flag(help: "Fill the upgrade with the operations that bring the history to the models.") var autogenerate = false

    func run() throws {
        let (project, graph) = try global.graph()
        let resolver = RevisionResolver(graph)
        var parents: [Int] = []
        if autogenerate, head != nil {
            throw ValidationError("--autogenerate diffs the models against the head; it cannot take --head")
        }
        if let head {
            parents = try resolver.resolve(head)
            guard parents.count <= 1 else {
                throw Diagnostic("revision", at: nil, "--head \(head) names \(parents.count) revisions; name one")
            }
            if let parent = parents.first, !graph.heads.contains(parent), !splice {
                throw Diagnostic("revision", at: nil, "revision \(graph.revisions[parent].id) is not a head; add --splice to start a new branch from it")
            }
        } else if !graph.isEmpty {
            let heads = graph.heads
            guard heads.count == 1 else {
                let ids = heads.map { graph.revisions[$0].id }
                throw Diagnostic("revision", at: nil, "there are \(heads.count) heads (\(ids.joined(separator: ", "))); choose the parent with --head, or join them first with `retort merge -m MSG \(ids.joined(separator: " "))`")
            }
            parents = heads
        }
        let dependencies = try dependsOn.map { graph.revisions[try resolver.single($0)].id }
        var revision = try NewRevision(project: project.revisions, parents: parents.map { graph.revisions[$0].id },
                                       message: message, branchLabels: branchLabel, id: revId, dependsOn: dependencies)
        if autogenerate {
            let compilation = try Compiler.compile(project)
            guard let models = compilation.modelState else {
                throw Diagnostic("no-models", at: nil, "\(project.displayPath(project.directory)) has no model declarations to autogenerate from")
            }
            let operations = try Autogenerate.operations(from: compilation.headState, to: models)
            if operations.isEmpty {
                write("no changes: the models match the schema at \(parents.map { graph.revisions[$0].id }.first ?? "base"); nothing written\n")
                return
            }
            revision.xml = RevisionWriter.revisionFile(id: revision.id, parents: revision.parents, message: message,
                                                       branchLabels: branchLabel, dependsOn: dependencies, operations: operations)
        }
        try writeRevision(revision, into: project)
    }
}

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a merge revision joining two or more revisions (usually heads).",
        discussion: "Writes revisions/NNNN_slug.xml with a fresh id, the given revisions as parents and an empty <upgrade/>, and prints its path. `retort merge -m MSG heads` merges every head.")

    @OptionGroup var global: GlobalOptions
    @Option(name: [.customShort("m"), .long], help: "The merge's message.") var message: String
    @Option(help: ArgumentHelp("A branch label for the merge (repeatable).", valueName: "LABEL")) var branchLabel: [String] = []
    @Option(help: ArgumentHelp("Use this id instead of a fresh one.", valueName: "ID")) var revId: String?
    @Argument(help: "The revisions to merge: ids, 4+ character prefixes, labels, label@head, or heads.") var revisions: [String]

    func run() throws {
        let (project, graph) = try global.graph()
        let resolver = RevisionResolver(graph)
        var parents: [Int] = []
        for name in revisions {
            for index in try resolver.resolve(name) where !parents.contains(index) { parents.append(index) }
        }
        guard parents.count >= 2 else {
            throw ValidationError("a merge needs two or more distinct revisions; \(revisions.joined(separator: " ")) name\(revisions.count == 1 ? "s" : "") \(parents.count)")
        }
        for a in parents {
            for b in parents where a != b && graph.isAncestor(a, of: b) {
                throw Diagnostic("revision", at: nil, "revision \(graph.revisions[a].id) is an ancestor of \(graph.revisions[b].id): there is nothing to merge between them")
            }
        }
        let revision = try NewRevision(project: project.revisions, parents: parents.map { graph.revisions[$0].id },
                                       message: message, branchLabels: branchLabel, id: revId, merge: true)
        try writeRevision(revision, into: project)
    }
}
