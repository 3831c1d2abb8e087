import RetortModel

/// A problem with the shape of the history that the linter reports as a finding (the
/// graph still compiles): for now `multiple-heads`.
public struct GraphFinding: Hashable, Sendable {
    public var rule: String
    /// The `<revision>` element the finding is about.
    public var location: SourceLocation
    public var revision: String
    public var message: String
    /// Related places: the other revisions involved.
    public var related: [SourceLocation]
}

public enum GraphCheck {
    public static let multipleHeadsRule = "multiple-heads"

    /// One `multiple-heads` finding per head that no branch label sets apart, when there
    /// are two or more such heads. A head is set apart by a `branch-labels` on it or on an
    /// ancestor that no other head shares: independent labelled branches (Alembic's
    /// "multiple bases", e.g. a `billing` branch beside the main line) are intended, an
    /// unmerged fork of one line is not. Sorted by location.
    public static func multipleHeads(_ graph: RevisionGraph) -> [GraphFinding] {
        let heads = graph.heads
        guard heads.count > 1 else { return [] }
        let ancestries = heads.map { graph.ancestors(of: [$0]) }
        var unlabelled: [Int] = []
        for (k, head) in heads.enumerated() {
            let own = ancestries[k].filter { candidate in
                !graph.revisions[candidate].branchLabels.isEmpty
                    && !ancestries.indices.contains { $0 != k && ancestries[$0].contains(candidate) }
            }
            if own.isEmpty { unlabelled.append(head) }
        }
        guard unlabelled.count > 1 else { return [] }
        let ids = unlabelled.map { graph.revisions[$0].id }
        return unlabelled.map { head in
            let revision = graph.revisions[head]
            let others = unlabelled.filter { $0 != head }
            return GraphFinding(
                rule: multipleHeadsRule, location: revision.location, revision: revision.id,
                message: "revision \(revision.id) is one of \(unlabelled.count) unmerged heads (\(ids.joined(separator: ", "))) on one line of history; merge them (retort merge -m MSG \(ids.joined(separator: " "))) or give the branch a branch-labels",
                related: others.map { graph.revisions[$0].location })
        }.sorted { $0.location < $1.location }
    }
}
