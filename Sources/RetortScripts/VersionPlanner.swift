import RetortGraph

/// The version table's rows across a walk through the graph, kept exactly as Alembic
/// keeps `alembic_version` (its `HeadMaintainer` and `RevisionStep` rules, ported):
/// one row per applied head; a new row where a branch starts, an updated row along a
/// line, deleted plus updated rows at a merge, and the reverse on the way down.
///
/// A revision's predecessors here are `RevisionGraph.downRevisions`: its parents and its
/// normalised `depends-on` revisions, so a dependency's row is consumed by the revision
/// that depends on it, as in Alembic.
///
/// Where Alembic leaves a choice to Python's set order (which row of a merge is updated
/// and which are deleted), Retort updates the first in down-revision order and deletes
/// the others; the rows after each step are the same either way. Where Alembic would
/// fail on its own bookkeeping (deleting a row that is not there, when a merge names a
/// parent that is an ancestor of another), Retort only touches rows that exist.
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
        steps.reserveCapacity(revisions.count)
        for index in revisions {
            let expected = ids(graph, heads)
            let changes = upgradeChanges(graph, index, heads: &heads)
            steps.append(VersionStep(expected: expected, changes: changes.map { describe(graph, $0) }))
        }
        return steps
    }

    /// Downgrading `revisions` (in reverse replay order) from the heads `start`.
    public static func downgrade(_ graph: RevisionGraph, _ revisions: [Int], from start: [Int]) -> [VersionStep] {
        var heads = start
        var steps: [VersionStep] = []
        steps.reserveCapacity(revisions.count)
        for index in revisions {
            let expected = ids(graph, heads)
            let changes = downgradeChanges(graph, index, heads: &heads)
            steps.append(VersionStep(expected: expected, changes: changes.map { describe(graph, $0) }))
        }
        return steps
    }

    /// The rows after upgrading `revisions` from `start`.
    public static func headsAfterUpgrade(_ graph: RevisionGraph, _ revisions: [Int], from start: [Int]) -> [Int] {
        var heads = start
        for index in revisions { _ = upgradeChanges(graph, index, heads: &heads) }
        return heads
    }

    /// The rows after downgrading `revisions` from `start`.
    public static func headsAfterDowngrade(_ graph: RevisionGraph, _ revisions: [Int], from start: [Int]) -> [Int] {
        var heads = start
        for index in revisions { _ = downgradeChanges(graph, index, heads: &heads) }
        return heads
    }

    // MARK: - Alembic's rules

    /// A change by graph index.
    package enum Change {
        case insert(Int)
        case update(from: Int, to: Int)
        case delete(Int)
    }

    /// `RevisionStep.should_create_branch`, `should_merge_branches` / `merge_branch_idents`,
    /// else `update_version_num`, for an upgrade.
    package static func upgradeChanges(_ graph: RevisionGraph, _ index: Int, heads: inout [Int]) -> [Change] {
        let down = graph.downRevisions[index]
        let present = down.filter { heads.contains($0) }
        guard let first = present.first else {
            // A root, or none of its predecessors is a row: a branch starts here.
            heads.append(index)
            return [.insert(index)]
        }
        if present.count == 1 {
            replace(first, with: index, in: &heads)
            return [.update(from: first, to: index)]
        }
        // A merge: the predecessors that no other row accounts for give up their rows.
        let others = heads.filter { !down.contains($0) }
        let covered = others.isEmpty ? Set<Int>() : graph.ancestors(of: others)
        var merged = present.filter { !covered.contains($0) }
        if merged.isEmpty { merged = [first] }
        var changes: [Change] = merged.dropFirst().map { .delete($0) }
        heads.removeAll { merged.dropFirst().contains($0) }
        changes.append(.update(from: merged[0], to: index))
        replace(merged[0], with: index, in: &heads)
        return changes
    }

    /// `should_delete_branch`, `should_unmerge_branches` / `unmerge_branch_idents`, else
    /// `update_version_num`, for a downgrade.
    package static func downgradeChanges(_ graph: RevisionGraph, _ index: Int, heads: inout [Int]) -> [Change] {
        guard heads.contains(index) else { return [] }
        heads.removeAll { $0 == index }
        let down = graph.downRevisions[index]
        let restored: [Int]
        if !heads.isEmpty {
            // `_unmerge_to_revisions` with other heads: what no remaining row accounts for.
            let covered = graph.ancestors(of: heads)
            restored = down.filter { !covered.contains($0) }
        } else {
            // Without other heads: drop predecessors that are ancestors of the others.
            restored = down.filter { candidate in
                !down.contains { $0 != candidate && graph.isAncestor(candidate, of: $0) }
            }
        }
        guard let first = restored.first else {
            return [.delete(index)]
        }
        var changes: [Change] = [.update(from: index, to: first)]
        heads.append(first)
        if down.count > 1 {
            for other in restored.dropFirst() {
                changes.append(.insert(other))
                heads.append(other)
            }
        }
        return changes
    }

    private static func replace(_ old: Int, with new: Int, in heads: inout [Int]) {
        if let at = heads.firstIndex(of: old) { heads[at] = new } else { heads.append(new) }
    }

    private static func describe(_ graph: RevisionGraph, _ change: Change) -> VersionChange {
        switch change {
        case .insert(let index): .insert(graph.revisions[index].id)
        case .update(let from, let to): .update(from: graph.revisions[from].id, to: graph.revisions[to].id)
        case .delete(let index): .delete(graph.revisions[index].id)
        }
    }

    package static func ids(_ graph: RevisionGraph, _ heads: [Int]) -> [String] {
        heads.map { graph.revisions[$0].id }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
