import Foundation

/// One node of a PostgreSQL raw parse tree, as libpg_query gives it (its JSON form of
/// `pg_query.proto`). A tagged node is an object with one key, the node type
/// (`{"ColumnRef": {...}}`); its fields are an object too. Fields holding their proto3
/// default (0, false, empty) are absent. Byte offsets are in `location` fields.
public indirect enum SQLNode: Hashable, Sendable {
    case object([String: SQLNode])
    case array([SQLNode])
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null

    public subscript(key: String) -> SQLNode? {
        if case .object(let fields) = self { fields[key] } else { nil }
    }

    public var string: String? { if case .string(let s) = self { s } else { nil } }
    public var int: Int? { if case .int(let n) = self { n } else { nil } }
    public var bool: Bool { if case .bool(let b) = self { b } else { false } }
    public var array: [SQLNode] { if case .array(let items) = self { items } else { [] } }
    public var fields: [String: SQLNode] { if case .object(let f) = self { f } else { [:] } }

    /// The node type and its fields, for a tagged node (`{"ColumnRef": {...}}`).
    public var tagged: (tag: String, body: SQLNode)? {
        guard case .object(let fields) = self, fields.count == 1, let (tag, body) = fields.first,
              let first = tag.utf8.first, first >= 65 && first <= 90 else { return nil }
        return (tag, body)
    }

    /// The body of a tagged node of type `tag`.
    public func node(_ tag: String) -> SQLNode? {
        guard let (t, body) = tagged, t == tag else { return nil }
        return body
    }

    /// A `String` node's text (`{"String": {"sval": "x"}}`), as in name lists.
    public var stringValue: String? { node("String")?["sval"]?.string }

    /// The names of a name list (`funcname`, `names`, `fields`), stars left out.
    public var names: [String] { array.compactMap(\.stringValue) }

    /// Every tagged node in this subtree, parents before children, in field-name order so
    /// that the walk is the same on every run.
    public func walk(_ visit: (_ tag: String, _ body: SQLNode) -> Void) {
        switch self {
        case .object(let fields):
            if let (tag, body) = tagged { visit(tag, body) }
            for key in fields.keys.sorted() { fields[key]!.walk(visit) }
        case .array(let items):
            for item in items { item.walk(visit) }
        default:
            break
        }
    }

    /// The tree with every `location` (and statement position) removed: two spellings of the
    /// same SQL (whitespace, case of keywords, redundant parentheses) give equal values.
    public var withoutLocations: SQLNode {
        switch self {
        case .object(let fields):
            var result: [String: SQLNode] = [:]
            for (key, value) in fields where key != "location" && key != "stmt_location" && key != "stmt_len" {
                result[key] = value.withoutLocations
            }
            return .object(result)
        case .array(let items):
            return .array(items.map(\.withoutLocations))
        default:
            return self
        }
    }

    /// A stable text form, keys sorted: the canonical spelling used for hashing.
    public var canonicalText: String {
        var out = ""
        write(to: &out)
        return out
    }

    private func write(to out: inout String) {
        switch self {
        case .object(let fields):
            out += "{"
            for (n, key) in fields.keys.sorted().enumerated() {
                if n > 0 { out += "," }
                out += key + ":"
                fields[key]!.write(to: &out)
            }
            out += "}"
        case .array(let items):
            out += "["
            for (n, item) in items.enumerated() {
                if n > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case .string(let s): out += Quoting.literal(s)
        case .int(let n): out += String(n)
        case .double(let d): out += String(d)
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        }
    }

    /// Converts what `JSONSerialization` gives for libpg_query's output.
    static func from(json value: Any) -> SQLNode {
        switch value {
        case let s as String:
            return .string(s)
        case let n as NSNumber:
            switch String(cString: n.objCType) {
            case "c", "B": return .bool(n.boolValue)
            case "f", "d": return .double(n.doubleValue)
            default: return .int(n.intValue)
            }
        case let items as [Any]:
            return .array(items.map(from(json:)))
        case let fields as [String: Any]:
            var result: [String: SQLNode] = [:]
            result.reserveCapacity(fields.count)
            for (key, item) in fields { result[key] = from(json: item) }
            return .object(result)
        default:
            return .null
        }
    }
}

extension Optional where Wrapped == SQLNode {
    /// A boolean field, false when absent (proto3 leaves false out).
    public var bool: Bool { self?.bool ?? false }
}
