import RetortSQL

/// One SQL statement, ready to print, and whether PostgreSQL refuses to run it inside a
/// transaction block (the script assembler then places it outside one).
public struct Statement: Hashable, Sendable {
    public var sql: String
    public var transactional: Bool

    public init(_ sql: String, transactional: Bool = true) {
        self.sql = sql
        self.transactional = transactional
    }
}

/// A dollar-quote tag that does not occur in `body`.
package func dollarTag(for body: String) -> String {
    var tag = "$retort$"
    var n = 0
    while body.contains(tag) {
        n += 1
        tag = "$retort\(n)$"
    }
    return tag
}

/// Text safe inside a `--` comment: no line breaks can end it early.
package func commentSafe(_ text: String) -> String {
    String(text.map { $0.isNewline ? " " : $0 })
}
