import Foundation
import RetortModel
import RetortReading
import RetortGraph
import RetortCompiler
import RetortDiff

/// How `retort revision` and `retort merge` choose parents and write the new file.
package enum RevisionPlanning {
    /// The parent of a new revision: `head` when given (a head, or any revision with
    /// `splice`), else the only head; none for an empty history or `base`.
    package static func parents(_ graph: RevisionGraph, head: String?, splice: Bool) throws -> [Int] {
        if let head {
            let parents = try RevisionResolver(graph).resolve(head)
            guard parents.count <= 1 else {
                throw Diagnostic(.headAmbiguous, at: nil, "--head \(head) names \(parents.count) revisions; name one")
            }
            if let parent = parents.first, !graph.heads.contains(parent), !splice {
                throw Diagnostic(.notAHead, at: nil, "revision \(graph.revisions[parent].id) is not a head; add --splice to start a new branch from it")
            }
            return parents
        }
        if graph.isEmpty { return [] }
        let heads = graph.heads
        guard heads.count == 1 else {
            let ids = heads.map { graph.revisions[$0].id }
            throw Diagnostic(.severalHeads, at: nil, "there are \(heads.count) heads (\(ids.joined(separator: ", "))); choose the parent with --head, or join them first with `retort merge -m MSG \(ids.joined(separator: " "))`")
        }
        return heads
    }

    /// The distinct revisions `names` resolve to, in order; refuses one that is an ancestor
    /// of another (there is nothing to merge between them).
    package static func mergeParents(_ graph: RevisionGraph, _ names: [String]) throws -> [Int] {
        let resolver = RevisionResolver(graph)
        var parents: [Int] = []
        for name in names {
            for index in try resolver.resolve(name) where !parents.contains(index) { parents.append(index) }
        }
        for a in parents {
            for b in parents where a != b && graph.isAncestor(a, of: b) {
                throw Diagnostic(.nothingToMerge, at: nil, "revision \(graph.revisions[a].id) is an ancestor of \(graph.revisions[b].id): there is nothing to merge between them")
            }
        }
        return parents
    }

    /// The operations that take the history's head schema to the model declarations.
    package static func autogenerate(_ project: Project) throws -> [RetortModel.Operation] {
        let compilation = try Compiler.compile(project)
        guard let models = compilation.modelState else {
            throw Diagnostic(.noModels, at: nil, "\(project.displayPath(project.directory)) has no model declarations to autogenerate from")
        }
        return try Autogenerate.operations(from: compilation.headState, to: models)
    }

    /// Writes `revision` into the project's `revisions/` folder, never over an existing file.
    package static func write(_ revision: NewRevision, into project: Project) throws -> URL {
        let folder = project.directory.appendingPathComponent("revisions")
        let url = folder.appendingPathComponent(revision.fileName)
        try revision.check(displayPath: project.displayPath(url))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        do {
            try Data(revision.xml.utf8).write(to: url, options: .withoutOverwriting)
        } catch {
            throw Diagnostic(.writeFailed, at: nil, "cannot write \(url.path): \(error.localizedDescription)")
        }
        return url
    }
}
