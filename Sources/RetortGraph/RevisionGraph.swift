import RetortModel

/// The history as a graph: revisions by id, their children, and one deterministic
/// topological order (Kahn's algorithm, ready revisions taken in file-name order).
public struct RevisionGraph: Sendable {
    public private(set) var revisions: [Revision]
    /// Revision index by id.
    public private(set) var indexByID: [String: Int] = [:]
    /// Parent and dependency indexes per revision.
    public private(set) var parents: [[Int]] = []
    public private(set) var dependencies: [[Int]] = []
    /// What the version table treats as each revision's predecessors, as Alembic's
    /// `_normalized_down_revisions` does: the parents, then the dependencies that no
    /// ancestor (through parents) already depends on.
    public private(set) var downRevisions: [[Int]] = []
    /// Children through parents and dependencies alike.
    public private(set) var children: [[Int]] = []
    /// Indexes in replay order.
    public private(set) var order: [Int] = []
    /// Position of each revision in `order`.
    public private(set) var position: [Int] = []

    public init(_ revisions: [Revision]) throws {
        // File-name order is the tie-break that makes the order independent of the file system.
        self.revisions = revisions.sorted { $0.stem.utf8.lexicographicallyPrecedes($1.stem.utf8) }
        for (i, revision) in self.revisions.enumerated() {
            if let other = indexByID[revision.id] {
                throw Diagnostic(.duplicateRevision, at: revision.location, "revision id \(revision.id) is already used at \(self.revisions[other].location)")
            }
            indexByID[revision.id] = i
        }
        children = Array(repeating: [], count: self.revisions.count)
        var incoming = Array(repeating: 0, count: self.revisions.count)
        for (i, revision) in self.revisions.enumerated() {
            var ps: [Int] = []
            for parent in revision.parents {
                guard let p = indexByID[parent] else {
                    throw Diagnostic(.danglingParent, at: revision.location, "revision \(revision.id) names parent \(parent), which does not exist\(didYouMean(parent, among: self.revisions.map(\.id)))")
                }
                if ps.contains(p) { throw Diagnostic(.duplicateParent, at: revision.location, "revision \(revision.id) names parent \(parent) twice") }
                ps.append(p)
            }
            var ds: [Int] = []
            for dependency in revision.dependsOn {
                guard let d = indexByID[dependency] else {
                    throw Diagnostic(.danglingDependency, at: revision.location, "revision \(revision.id) depends on \(dependency), which does not exist\(didYouMean(dependency, among: self.revisions.map(\.id)))")
                }
                ds.append(d)
            }
            parents.append(ps)
            dependencies.append(ds)
            for p in Set(ps + ds) {
                children[p].append(i)
                incoming[i] += 1
            }
        }
        var ready = MinHeap(incoming.indices.filter { incoming[$0] == 0 })
        order.reserveCapacity(self.revisions.count)
        while let next = ready.pop() {
            order.append(next)
            for child in children[next] {
                incoming[child] -= 1
                if incoming[child] == 0 { ready.push(child) }
            }
        }
        if order.count < self.revisions.count {
            let stuck = incoming.indices.filter { incoming[$0] > 0 }
            let cycle = Self.findCycle(among: stuck, parents: zip(parents, dependencies).map { $0 + $1 })
            let first = self.revisions[cycle[0]]
            // Each step goes from a revision to one that names it as parent or dependency.
            var text = first.id
            for (at, index) in cycle.enumerated() {
                let next = cycle[(at + 1) % cycle.count]
                let viaParent = parents[next].contains(index)
                text += viaParent ? " -> " : " -(depends-on)-> "
                text += self.revisions[next].id
            }
            let through = cycle.indices.contains { !parents[cycle[($0 + 1) % cycle.count]].contains(cycle[$0]) }
            throw Diagnostic(.cycle, at: first.location, "the revisions form a cycle\(through ? " through depends-on" : ""): \(text)")
        }
        position = Array(repeating: 0, count: self.revisions.count)
        for (at, index) in order.enumerated() { position[index] = at }
        downRevisions = Self.normalizedDownRevisions(parents: parents, dependencies: dependencies, order: order)
    }

    /// Alembic's normalisation: a dependency that an ancestor (reached through parents
    /// only) also declares is dropped, since that ancestor's row already accounts for it.
    private static func normalizedDownRevisions(parents: [[Int]], dependencies: [[Int]], order: [Int]) -> [[Int]] {
        guard dependencies.contains(where: { !$0.isEmpty }) else { return parents }
        // inherited[i]: every dependency declared by an ancestor of i through parents.
        var inherited = Array(repeating: Set<Int>(), count: parents.count)
        for index in order {
            var set = Set<Int>()
            for parent in parents[index] {
                set.formUnion(inherited[parent])
                set.formUnion(dependencies[parent])
            }
            inherited[index] = set
        }
        return parents.indices.map { index in
            var result = parents[index]
            for dependency in dependencies[index] where !inherited[index].contains(dependency) && !result.contains(dependency) {
                result.append(dependency)
            }
            return result
        }
    }

    private static func findCycle(among stuck: [Int], parents: [[Int]]) -> [Int] {
        let candidates = Set(stuck)
        var path: [Int] = []
        var onPath: [Int: Int] = [:]
        var current = stuck.min()!
        while onPath[current] == nil {
            onPath[current] = path.count
            path.append(current)
            current = parents[current].filter { candidates.contains($0) }.min()!
        }
        return Array(path[onPath[current]!...]).reversed()
    }

    public var isEmpty: Bool { revisions.isEmpty }

    /// Revisions without children, in replay order.
    public var heads: [Int] { order.filter { children[$0].isEmpty } }
    public var bases: [Int] { order.filter { parents[$0].isEmpty } }

    /// All ancestors of `targets` (themselves included), through parents and dependencies.
    public func ancestors(of targets: [Int]) -> Set<Int> {
        var seen = Set<Int>()
        var stack = targets
        while let next = stack.popLast() {
            guard seen.insert(next).inserted else { continue }
            stack += parents[next]
            stack += dependencies[next]
        }
        return seen
    }

    /// The revisions only `left`'s ancestry holds and those only `right`'s holds (each
    /// ancestry including the revisions themselves, through parents and dependencies), in
    /// replay order. Walks down from both sides only as far as their common ancestry, as
    /// git paints down to a merge base: the cost is the two branches, not the history.
    public func exclusiveAncestors(_ left: [Int], _ right: [Int]) -> (left: [Int], right: [Int]) {
        let leftFlag: UInt8 = 1, rightFlag: UInt8 = 2, both: UInt8 = 3
        var flags: [Int: UInt8] = [:]
        var queued = Set<Int>()
        var heap = MinHeap([])   // of -position: the latest revision first
        var unresolved = 0       // queued revisions not yet known to be common
        func mark(_ index: Int, _ flag: UInt8) {
            let old = flags[index] ?? 0
            let new = old | flag
            guard new != old else { return }
            flags[index] = new
            if queued.contains(index) {
                if new == both { unresolved -= 1 }
            } else {
                queued.insert(index)
                heap.push(-position[index])
                if new != both { unresolved += 1 }
            }
        }
        for index in left { mark(index, leftFlag) }
        for index in right { mark(index, rightFlag) }
        while unresolved > 0, let top = heap.pop() {
            let index = order[-top]
            queued.remove(index)
            let flag = flags[index]!
            if flag != both { unresolved -= 1 }
            for predecessor in parents[index] { mark(predecessor, flag) }
            for predecessor in dependencies[index] { mark(predecessor, flag) }
        }
        let inOrder = { (flag: UInt8) in flags.compactMap { $0.value == flag ? $0.key : nil }.sorted { self.position[$0] < self.position[$1] } }
        return (inOrder(leftFlag), inOrder(rightFlag))
    }

    public func isAncestor(_ a: Int, of b: Int) -> Bool {
        if a == b { return true }
        if position[a] > position[b] { return false }
        return ancestors(of: [b]).contains(a)
    }
}

/// A binary min-heap of revision indexes (which are in file-name order).
package struct MinHeap {
    private var items: [Int] = []

    package init(_ values: [Int]) { for value in values { push(value) } }

    package mutating func push(_ value: Int) {
        items.append(value)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            if items[parent] <= items[child] { break }
            items.swapAt(parent, child)
            child = parent
        }
    }

    package mutating func pop() -> Int? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < items.count, items[left] < items[smallest] { smallest = left }
                if right < items.count, items[right] < items[smallest] { smallest = right }
                if smallest == parent { break }
                items.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return first
    }
}
