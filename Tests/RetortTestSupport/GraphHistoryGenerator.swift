import Foundation
import RetortSQL
import RetortModel
import RetortReading
import RetortGraph
import RetortState
import RetortCompiler
import RetortRendering
import RetortDiff
import RetortScripts
import RetortLint
import RetortKit

// SplitMix64 lives in Support/SplitMix64.swift.

/// A generated branchy history: revisions with parents, `depends-on` and a small table each.
package struct GeneratedHistory {
    package struct Node {
        package var id: String
        package var parents: [String]
        package var dependsOn: [String]
        package var labels: [String]
        package var stem: String
        package var createsTable: Bool
    }

    package var nodes: [Node]

    /// `count` revisions: lines extended, branches started from older revisions, merges of
    /// two or three heads (forced when more than `maxHeads` are open), and with
    /// `dependencies`, `depends-on` links to unrelated revisions. Each revision that is not
    /// a merge creates its own table, so replaying any order of branches works.
    package static func branchy(count: Int, seed: UInt64, dependencies: Bool = false, maxHeads: Int = 6) -> GeneratedHistory {
        var random = SplitMix64(seed: seed)
        var nodes: [Node] = []
        var ancestors: [Set<Int>] = []   // including the node itself
        var heads: [Int] = []
        func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }
        for i in 0..<count {
            var parents: [Int] = []
            if nodes.isEmpty {
                parents = []
            } else if heads.count > maxHeads || (heads.count >= 2 && chance(25)) {
                var pool = heads
                pool.shuffle(using: &random)
                parents = Array(pool.prefix(heads.count >= 3 && chance(20) ? 3 : 2))
            } else if chance(15) {
                parents = [Int.random(in: 0..<nodes.count, using: &random)]
            } else if chance(3) {
                parents = []  // a new root
            } else {
                parents = [heads.randomElement(using: &random)!]
            }
            var mine = Set<Int>([i])
            for p in parents { mine.formUnion(ancestors[p]) }
            var dependsOn: [Int] = []
            if dependencies, !nodes.isEmpty, parents.count == 1, chance(12) {
                // An unrelated revision: neither an ancestor nor a descendant of the parent.
                let candidates = nodes.indices.filter { !mine.contains($0) && !ancestors[$0].contains(parents[0]) }
                if let pick = candidates.randomElement(using: &random) {
                    dependsOn = [pick]
                    mine.formUnion(ancestors[pick])
                }
            }
            let suffix = String(Int.random(in: 0x1000..<0xFFFF, using: &random), radix: 16)
            let id = "g" + String(String(100_000 + i).dropFirst()) + suffix
            let labels = parents.isEmpty && i > 0 ? ["root\(i)"] : []
            nodes.append(Node(id: id, parents: parents.map { nodes[$0].id }, dependsOn: dependsOn.map { nodes[$0].id },
                              labels: labels, stem: String(format: "%05d_step", i + 1), createsTable: parents.count < 2))
            ancestors.append(mine)
            heads.removeAll { parents.contains($0) || dependsOn.contains($0) }
            heads.append(i)
        }
        return GeneratedHistory(nodes: nodes)
    }

    package var merges: Int { nodes.filter { $0.parents.count > 1 }.count }
    package var branchPoints: Int {
        var children: [String: Int] = [:]
        for node in nodes { for p in node.parents { children[p, default: 0] += 1 } }
        return children.values.filter { $0 > 1 }.count
    }

    /// The project files: `revisions/<stem>.xml` and `retort.xml` with `settings` inside.
    package func files(settings: String = "") -> [String: String] {
        var files: [String: String] = ["retort.xml": "<project name=\"generated\" format=\"1\">\(settings)</project>\n"]
        for node in nodes {
            var attributes = "id=\"\(node.id)\""
            if !node.parents.isEmpty { attributes += " parent=\"\(node.parents.joined(separator: " "))\"" }
            if !node.dependsOn.isEmpty { attributes += " depends-on=\"\(node.dependsOn.joined(separator: " "))\"" }
            if !node.labels.isEmpty { attributes += " branch-labels=\"\(node.labels.joined(separator: " "))\"" }
            let body = node.createsTable
                ? "    <create-table name=\"t_\(node.id)\"><column name=\"id\" type=\"bigint\"/></create-table>\n"
                : ""
            files["revisions/\(node.stem).xml"] = "<revision \(attributes) message=\"step \(node.stem)\" format=\"1\">\n  <upgrade>\n\(body)  </upgrade>\n</revision>\n"
        }
        return files
    }

    /// The revisions as the loader would give them, without files.
    package func revisions() -> [Revision] {
        nodes.map { node in
            Revision(id: node.id, parents: node.parents, message: "step", branchLabels: node.labels, dependsOn: node.dependsOn,
                     stem: node.stem, location: SourceLocation(file: "gen/revisions/\(node.stem).xml", line: 1, column: 1),
                     upgrade: [], downgrade: nil, allows: [], sourceHash: "")
        }
    }
}

/// The version rows Alembic's rules give for a set of applied revisions closed under
/// ancestry, when no `depends-on` is redundant: the applied revisions that no other
/// applied revision has as a parent or dependency. Independent of `VersionPlanner`.
package func expectedRows(_ graph: RevisionGraph, applied: Set<Int>) -> [String] {
    applied.filter { index in !graph.children[index].contains { applied.contains($0) } }
        .map { graph.revisions[$0].id }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
}
