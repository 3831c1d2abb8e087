import RetortModel
import RetortGraph

/// The text of `retort history`, `history --graph` and `branches`. Children through
/// parents are computed once, so every listing is linear in the history.
package struct HistoryText {
    package let graph: RevisionGraph
    private let heads: Set<Int>
    /// Children through parents only (a `depends-on` does not make a branch point).
    private let children: [[Int]]

    package init(_ graph: RevisionGraph) {
        self.graph = graph
        heads = Set(graph.heads)
        var children = Array(repeating: [Int](), count: graph.revisions.count)
        for index in graph.order { for parent in graph.parents[index] { children[parent].append(index) } }
        self.children = children
    }

    /// `id (label) (head) (mergepoint) (branchpoint), message`, as Alembic formats revisions.
    package func line(_ index: Int) -> String {
        let revision = graph.revisions[index]
        var text = revision.id
        if !revision.branchLabels.isEmpty { text += " (\(revision.branchLabels.joined(separator: ", ")))" }
        if heads.contains(index) { text += " (head)" }
        if graph.parents[index].count > 1 { text += " (mergepoint)" }
        if children[index].count > 1 { text += " (branchpoint)" }
        if !revision.dependsOn.isEmpty { text += " (depends on \(revision.dependsOn.joined(separator: ", ")))" }
        text += ", \(revision.message)"
        return text
    }

    /// `parents -> id (flags), message`, newest first.
    package func listing() -> String {
        var text = ""
        for index in graph.order.reversed() {
            let revision = graph.revisions[index]
            let parents = revision.parents.isEmpty ? "<base>" : revision.parents.joined(separator: ", ")
            var flags: [String] = []
            if heads.contains(index) { flags.append("head") }
            if revision.parents.count > 1 { flags.append("merge") }
            if children[index].count > 1 { flags.append("branchpoint") }
            if !revision.branchLabels.isEmpty { flags.append("labels: " + revision.branchLabels.joined(separator: ", ")) }
            let suffix = flags.isEmpty ? "" : " (\(flags.joined(separator: ", ")))"
            text += "\(parents) -> \(revision.id)\(suffix), \(revision.message)\n"
        }
        return text
    }

    /// The history drawn as `git log --graph` draws it.
    package func drawing() -> String {
        HistoryGraph.lines(graph) { line($0) }.map { $0 + "\n" }.joined()
    }

    /// Branch points with the revisions they branch into, then the branch labels.
    package func branches() -> String {
        var text = ""
        let points = graph.order.filter { children[$0].count > 1 }
        for point in points.reversed() {
            text += line(point) + "\n"
            for child in children[point] { text += "  -> " + line(child) + "\n" }
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
        return text
    }
}
