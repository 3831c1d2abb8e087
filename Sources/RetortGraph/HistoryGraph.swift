/// `retort history --graph`: the history drawn as `git log --graph` draws commits, newest
/// first, one line per revision plus the lines that join and split the lanes.
///
/// The order is git's `--topo-order`: a revision only after all its children, and a line
/// of history kept together (a revision's first parent comes next when nothing else waits
/// for it). Heads start in reverse replay order, so the output is deterministic. Lanes are
/// parent edges only; `depends-on` is named in the text, not drawn.
public enum HistoryGraph {
    /// The drawing, one string per line, without trailing blanks. `describe` gives the text
    /// after a revision's `*`.
    public static func lines(_ graph: RevisionGraph, describe: (Int) -> String) -> [String] {
        var lanes: [Int] = []
        var lines: [String] = []
        for revision in displayOrder(graph) {
            var positions = lanes.indices.filter { lanes[$0] == revision }
            if positions.isEmpty {
                lanes.append(revision)
                positions = [lanes.count - 1]
            }
            let column = positions[0]
            if positions.count > 1 {
                // Several children waited for this revision: their lanes join into one.
                var removed = 0
                var edges: [(Int, Int)] = []
                for i in lanes.indices {
                    if i != column && lanes[i] == revision {
                        edges.append((i, column))
                        removed += 1
                    } else {
                        edges.append((i, i - removed))
                    }
                }
                lines += transition(edges)
                lanes = lanes.indices.filter { $0 == column || lanes[$0] != revision }.map { lanes[$0] }
            }
            let parents = graph.parents[revision]
            let widthAfter = lanes.count - 1 + parents.count
            var node = lanes.indices.map { $0 == column ? "*" : "|" }.joined(separator: " ")
            let width = 2 * max(lanes.count, widthAfter) - 1
            if node.count < width { node += String(repeating: " ", count: width - node.count) }
            lines.append(node + " " + describe(revision))

            // The revision's lane becomes its parents' lanes.
            var edges: [(Int, Int)] = []
            for i in lanes.indices where i != column {
                edges.append((i, i < column ? i : i + parents.count - 1))
            }
            for k in parents.indices { edges.append((column, column + k)) }
            lanes.replaceSubrange(column...column, with: parents)
            if edges.contains(where: { $0.0 != $0.1 }) { lines += transition(edges) }
        }
        return lines
    }

    /// Revisions newest first: children before parents, lines of history kept together.
    public static func displayOrder(_ graph: RevisionGraph) -> [Int] {
        var waiting = Array(repeating: 0, count: graph.revisions.count)
        for parents in graph.parents { for parent in parents { waiting[parent] += 1 } }
        var stack = graph.order.filter { waiting[$0] == 0 }
        var result: [Int] = []
        result.reserveCapacity(graph.revisions.count)
        while let next = stack.popLast() {
            result.append(next)
            for parent in graph.parents[next].reversed() {
                waiting[parent] -= 1
                if waiting[parent] == 0 { stack.append(parent) }
            }
        }
        return result
    }

    /// The lines that move lanes from their old to their new columns, one column per line:
    /// `|` stays, `/` moves left, `\` moves right (lane `i` is drawn at character `2i`).
    package static func transition(_ edges: [(from: Int, to: Int)]) -> [String] {
        var current = edges.map(\.from)
        let widest = edges.map { max($0.from, $0.to) }.max() ?? 0
        var lines: [String] = []
        while current.indices.contains(where: { current[$0] != edges[$0].to }) {
            var characters = Array(repeating: Character(" "), count: 2 * widest + 2)
            for k in edges.indices {
                let at = current[k], target = edges[k].to
                if at == target {
                    characters[2 * at] = "|"
                } else if target < at {
                    characters[2 * at - 1] = "/"
                    current[k] -= 1
                } else {
                    characters[2 * at + 1] = "\\"
                    current[k] += 1
                }
            }
            var line = String(characters)
            while line.last == " " { line.removeLast() }
            lines.append(line)
        }
        return lines
    }
}
