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

struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the revisions, newest first.",
        discussion: "With --graph, draw the history as `git log --graph` does: one line per revision with its id, branch labels, flags and message, and the lines that fork and join the branches.")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Draw the graph of branches and merges.") var graph = false

    func run() throws {
        let text = HistoryText(try global.graph().1)
        write(self.graph ? text.drawing() : text.listing())
    }
}

struct Branches: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the branch points with the revisions they branch into, and the branch labels.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        write(HistoryText(try global.graph().1).branches())
    }
}

/// Writes a new revision file into the project's `revisions/` folder and prints its path.
func writeRevision(_ revision: NewRevision, into project: Project) throws {
    write(relativeDisplay(try RevisionPlanning.write(revision, into: project)) + "\n")
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
        if autogenerate, head != nil {
            throw ValidationError("--autogenerate diffs the models against the head; it cannot take --head")
        }
        let parents = try RevisionPlanning.parents(graph, head: head, splice: splice)
        let resolver = RevisionResolver(graph)
        let dependencies = try dependsOn.map { graph.revisions[try resolver.single($0)].id }
        var revision = try NewRevision(project: project.revisions, parents: parents.map { graph.revisions[$0].id },
                                       message: message, branchLabels: branchLabel, id: revId, dependsOn: dependencies)
        if autogenerate {
            let operations = try RevisionPlanning.autogenerate(project)
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
        let parents = try RevisionPlanning.mergeParents(graph, revisions)
        guard parents.count >= 2 else {
            throw ValidationError("a merge needs two or more distinct revisions; \(revisions.joined(separator: " ")) name\(revisions.count == 1 ? "s" : "") \(parents.count)")
        }
        let revision = try NewRevision(project: project.revisions, parents: parents.map { graph.revisions[$0].id },
                                       message: message, branchLabels: branchLabel, id: revId, merge: true)
        try writeRevision(revision, into: project)
    }
}
