import Foundation

/// The places a model or revision holds SQL text, each with what it must contain.
public enum SQLSlot: String, Sendable {
    case defaultValue = "default"
    case generated = "generated"
    case check = "check expression"
    case indexExpression = "index expression"
    case predicate = "where"
    case using = "using"
    case viewBody = "view body"
    case script = "sql"

    /// The slot as a message names it: "a default", "a view body".
    var phrase: String {
        switch self {
        case .defaultValue: "a default"
        case .generated: "a generated expression"
        case .check: "a check expression"
        case .indexExpression: "an index expression"
        case .predicate: "a where predicate"
        case .using: "a using expression"
        case .viewBody: "a view body"
        case .script: "raw SQL"
        }
    }

    public var holdsExpression: Bool { self != .viewBody && self != .script }
}

/// Why a fragment was refused: a stable id (`sql-syntax`, `sql-slot`, `sql-comment`), the
/// message, and the byte offset into the fragment where the problem is.
public struct SQLFragmentError: Error, Hashable, Sendable {
    public var id: String
    public var message: String
    public var offset: Int
}

/// Parses each distinct text once per process. The parser is a pure function of its input,
/// so the memo changes what is computed, never what comes out. It is bounded: when it
/// holds `capacity` texts it starts again, so a long-lived process (the fuzzer) does not
/// grow without end.
final class ParseMemo<Value: Sendable>: @unchecked Sendable {
    static var capacity: Int { 1 << 16 }
    private var entries: [String: Result<Value, SQLFragmentError>] = [:]
    private let lock = NSLock()

    /// `make(text)`, computed the first time only (a refusal is remembered too).
    func value(_ text: String, _ make: (String) throws(SQLFragmentError) -> Value) throws(SQLFragmentError) -> Value {
        lock.lock()
        let hit = entries[text]
        lock.unlock()
        if let hit { return try hit.get() }
        let made: Result<Value, SQLFragmentError>
        do throws(SQLFragmentError) { made = .success(try make(text)) } catch { made = .failure(error) }
        lock.lock()
        if entries.count >= Self.capacity { entries.removeAll() }
        entries[text] = made
        lock.unlock()
        return try made.get()
    }
}

/// Checks a fragment against its slot: expressions must be exactly one expression, a view
/// body exactly one query, raw SQL any number of statements.
public enum SQLFragment {
    public static func check(_ text: String, as slot: SQLSlot) throws(SQLFragmentError) {
        switch slot {
        case .viewBody: _ = try SQLQuery.parse(text)
        case .script: _ = try SQLScript.parse(text)
        default:
            let expression = try SQLExpression.parse(text, as: slot)
            if let at = expression.subqueryOffset {
                throw SQLFragmentError(id: "sql-slot", message: "\(slot.phrase) cannot hold a subquery (PostgreSQL refuses one here)", offset: at)
            }
            if slot == .defaultValue, let reference = expression.columnReferences.first {
                throw SQLFragmentError(id: "sql-slot", message: "a default cannot name a column (\"\(reference.name)\"): PostgreSQL computes it without a row", offset: reference.range.lowerBound)
            }
        }
    }

    /// The parser's refusal, its offset moved from the wrapped text back into the fragment.
    static func syntax(_ error: SQLSyntaxError, shift: Int, length: Int) -> SQLFragmentError {
        SQLFragmentError(id: "sql-syntax", message: error.message, offset: min(max(0, error.offset - shift), length))
    }

    static func count(_ n: Int, _ noun: String) -> String { n == 1 ? "1 \(noun)" : "\(n) \(noun)s" }
}
