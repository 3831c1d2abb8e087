/// The version table's rows across a walk through the graph, kept exactly as Alembic
/// keeps `alembic_version`: one row per applied head; a new row where a branch starts,
/// an updated row along a line, a deleted plus an updated row at a merge, and the reverse
/// on the way down.
public enum VersionChange: Hashable, Sendable {
    case insert(String)
    case update(from: String, to: String)
    case delete(String)
}

public struct VersionStep: Sendable {
    /// Rows the table must hold before the step (sorted).
    public var expected: [String]
    public var changes: [VersionChange]
}

public enum VersionPlanner {
    /// Upgrading `revisions` (graph indexes, in replay order) from the heads `start`.
    public static func upgrade(_ graph: RevisionGraph, _ revisions: [Int], from start: [Int]) -> [VersionStep] {
        var heads = start
        var steps: [VersionStep] = []
        for index in revisions {
            let expected = ids(graph, heads)
            let present = graph.parents[index].filter { heads.contains($0) }
            var changes: [VersionChange] = []
            let id = graph.revisions[index].id
            if let first = present.first {
                for other in present.dropFirst() { changes.append(.delete(graph.revisions[other].id)) }
                changes.append(.update(from: graph.revisions[first].id, to: id))
            } else {
                changes.append(.insert(id))
            }
            heads.removeAll { present.contains($0) }
            heads.append(index)
            steps.append(VersionStep(expected: expected, changes: changes))
        }
        return steps
    }

    /// Downgrading `revisions` (in reverse replay order) from the heads `start`.
    public static func downgrade(_ graph: RevisionGraph, _ revisions: [Int], from start: [Int]) -> [VersionStep] {
        var heads = start
        var steps: [VersionStep] = []
        for index in revisions {
            let expected = ids(graph, heads)
            heads.removeAll { $0 == index }
            var restored: [Int] = []
            for parent in graph.parents[index] where !heads.contains(where: { graph.isAncestor(parent, of: $0) }) {
                restored.append(parent)
            }
            let id = graph.revisions[index].id
            var changes: [VersionChange] = []
            if let first = restored.first {
                changes.append(.update(from: id, to: graph.revisions[first].id))
                for other in restored.dropFirst() { changes.append(.insert(graph.revisions[other].id)) }
            } else {
                changes.append(.delete(id))
            }
            heads += restored
            steps.append(VersionStep(expected: expected, changes: changes))
        }
        return steps
    }

    static func ids(_ graph: RevisionGraph, _ heads: [Int]) -> [String] {
        heads.map { graph.revisions[$0].id }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The heads after upgrading `revisions` from `start`.
    public static func headsAfterUpgrade(_ graph: RevisionGraph, _ revisions: [Int], from start: [Int]) -> [Int] {
        var heads = start
        for index in revisions {
            heads.removeAll { graph.parents[index].contains($0) }
            heads.append(index)
        }
        return heads
    }
}
