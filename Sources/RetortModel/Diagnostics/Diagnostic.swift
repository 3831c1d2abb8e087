/// A problem found in the input, with a stable id tests can assert on.
public struct Diagnostic: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning, note }

    public var id: String
    public var severity: Severity
    public var location: SourceLocation?
    public var message: String

    public init(_ id: String, at location: SourceLocation?, _ message: String, severity: Severity = .error) {
        self.id = id
        self.severity = severity
        self.location = location
        self.message = message
    }

    /// `path:line:col: error[id]: message`, the form editors and CI annotators understand.
    public var description: String {
        let place = location.map { "\($0): " } ?? "retort: "
        return "\(place)\(severity.rawValue)[\(id)]: \(message)"
    }
}

/// `"name"` for messages.
package func q(_ name: String) -> String { "\"\(name)\"" }

/// Closest candidate by edit distance, for "did you mean" hints.
package func suggestion(for word: String, among candidates: some Sequence<String>) -> String? {
    var best: (String, Int)?
    for candidate in candidates {
        let distance = editDistance(word.lowercased(), candidate.lowercased())
        if distance <= max(2, word.count / 3), best == nil || distance < best!.1 || (distance == best!.1 && candidate < best!.0) {
            best = (candidate, distance)
        }
    }
    return best?.0
}

package func didYouMean(_ word: String, among candidates: some Sequence<String>) -> String {
    suggestion(for: word, among: candidates).map { "; did you mean '\($0)'?" } ?? ""
}

private func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.utf8), b = Array(b.utf8)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
