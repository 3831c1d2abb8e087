import RetortModel

/// Revision names as commands accept them: a full id, a unique prefix of 4+ characters,
/// `base`, `head`, `heads`, `label@head`, a branch label, and relative steps `X-N`/`X+N`.
public struct RevisionResolver: Sendable {
    public let graph: RevisionGraph

    public init(_ graph: RevisionGraph) { self.graph = graph }

    /// The revisions a name stands for; empty means `base`.
    public func resolve(_ text: String) throws -> [Int] {
        let name = text.trimmingWhitespace()
        if name == "base" { return [] }
        if name == "heads" { return graph.heads }
        if name == "head" { return [try singleHead()] }
        if let at = name.lastIndex(where: { $0 == "-" || $0 == "+" }), at != name.startIndex,
           let steps = Int(name[name.index(after: at)...]) {
            let start = try resolve(String(name[..<at]))
            return try step(from: start, by: name[at] == "-" ? -steps : steps, text: name)
        }
        if name.hasSuffix("@head") {
            let label = String(name.dropLast(5))
            let labelled = try labelledRevision(label)
            let heads = graph.heads.filter { graph.isAncestor(labelled, of: $0) }
            guard heads.count == 1 else {
                throw fail(.severalHeads, "branch \(label) has \(heads.count) heads: \(heads.map { graph.revisions[$0].id }.joined(separator: ", "))")
            }
            return heads
        }
        return [try single(name)]
    }

    /// One revision by id, unique prefix or branch label.
    public func single(_ name: String) throws -> Int {
        if name == "head" { return try singleHead() }
        if let index = graph.indexByID[name] { return index }
        if graph.revisions.contains(where: { $0.branchLabels.contains(name) }) { return try labelledRevision(name) }
        guard name.count >= 4 else { throw fail(.unknownRevision, "unknown revision '\(name)' (a prefix needs 4 or more characters)") }
        let matches = graph.revisions.indices.filter { graph.revisions[$0].id.hasPrefix(name) }
        switch matches.count {
        case 1: return matches[0]
        case 0: throw fail(.unknownRevision, "unknown revision '\(name)'\(didYouMean(name, among: graph.revisions.map(\.id)))")
        default: throw fail(.ambiguousRevision, "revision prefix '\(name)' is ambiguous: \(matches.map { graph.revisions[$0].id }.sorted().joined(separator: ", "))")
        }
    }

    package func singleHead() throws -> Int {
        let heads = graph.heads
        guard heads.count == 1 else {
            if heads.isEmpty { throw fail(.emptyHistory, "the history has no revisions") }
            throw fail(.severalHeads, "there are \(heads.count) heads (\(heads.map { graph.revisions[$0].id }.joined(separator: ", "))); name one, use 'heads', or merge them")
        }
        return heads[0]
    }

    package func labelledRevision(_ label: String) throws -> Int {
        let labelled = graph.order.filter { graph.revisions[$0].branchLabels.contains(label) }
        guard let first = labelled.first else {
            let labels = graph.revisions.flatMap(\.branchLabels)
            throw fail(.unknownBranchLabel, "unknown branch label '\(label)'\(didYouMean(label, among: labels))")
        }
        return first
    }

    /// Moves `steps` revisions down (negative) or up (positive) a line of history.
    package func step(from start: [Int], by steps: Int, text: String) throws -> [Int] {
        var current = start
        for _ in 0..<abs(steps) {
            if steps < 0 {
                guard current.count == 1 else { throw fail(.ambiguousStep, "'\(text)' steps through \(current.isEmpty ? "base" : "a merge"); name the revision instead") }
                current = graph.parents[current[0]]
            } else {
                let candidates = current.isEmpty ? graph.bases : graph.children[current[0]]
                guard current.count <= 1, candidates.count == 1 else { throw fail(.ambiguousStep, "'\(text)' steps into a branch point; name the revision instead") }
                current = candidates
            }
        }
        return current
    }

    package func fail(_ id: DiagnosticID, _ message: String) -> Diagnostic { Diagnostic(id, at: nil, message) }

    /// Revisions in `to`'s ancestry but not in `from`'s, in replay order.
    public func upgradeRange(from: [Int], to: [Int]) -> [Int] {
        let have = graph.ancestors(of: from)
        return graph.order.filter { graph.ancestors(of: to).contains($0) && !have.contains($0) }
    }

    /// `A:B` or `B` (from `base`); the revisions to apply and the starting heads.
    public func parseUpgradeRange(_ text: String) throws -> (revisions: [Int], start: [Int], from: String, to: String) {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let fromText = parts.count == 2 ? parts[0] : "base"
        let toText = parts.count == 2 ? parts[1] : parts[0]
        let from = try resolve(fromText.isEmpty ? "base" : fromText)
        let toName = toText.hasPrefix("+") ? (fromText.isEmpty ? "base" : fromText) + toText : toText
        let to = try resolve(toName.isEmpty ? "heads" : toName)
        let target = graph.ancestors(of: to)
        let have = graph.ancestors(of: from)
        if !from.isEmpty && !have.isSubset(of: target) {
            throw fail(.notAnAncestor, "'\(text)': \(fromText) is not an ancestor of \(toText)")
        }
        let revisions = graph.order.filter { target.contains($0) && !have.contains($0) }
        return (revisions, from, fromText, toText)
    }

    /// `A:B` downgrades from A to B (`head:base`, `head:-1`); the revisions to undo in
    /// order and the starting heads.
    public func parseDowngradeRange(_ text: String) throws -> (revisions: [Int], start: [Int], from: String, to: String) {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 else { throw fail(.rangeSyntax, "downgrade needs a range FROM:TO, e.g. head:base or head:-1") }
        let from = try resolve(parts[0].isEmpty ? "heads" : parts[0])
        let toText = parts[1].hasPrefix("-") ? parts[0] + parts[1] : parts[1]
        let to = try resolve(toText)
        let keep = graph.ancestors(of: to)
        let current = graph.ancestors(of: from)
        if !keep.isSubset(of: current) { throw fail(.notAnAncestor, "'\(text)': \(parts[1]) is not an ancestor of \(parts[0])") }
        let revisions = graph.order.reversed().filter { current.contains($0) && !keep.contains($0) }
        return (Array(revisions), from, parts[0], parts[1])
    }
}
