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

    /// Reads libpg_query's JSON output (well-formed by construction) straight into nodes:
    /// one pass over the bytes, no intermediate Foundation objects.
    static func read(json bytes: UnsafeBufferPointer<UInt8>) -> SQLNode? {
        var reader = JSONReader(bytes: bytes)
        return reader.value()
    }
}

private struct JSONReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var at = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func skipSpace() {
        while at < bytes.count, bytes[at] == 0x20 || bytes[at] == 0x0A || bytes[at] == 0x0D || bytes[at] == 0x09 { at += 1 }
    }

    mutating func value() -> SQLNode? {
        skipSpace()
        guard at < bytes.count else { return nil }
        switch bytes[at] {
        case UInt8(ascii: "{"):
            at += 1
            var fields: [String: SQLNode] = [:]
            skipSpace()
            if at < bytes.count, bytes[at] == UInt8(ascii: "}") { at += 1; return .object(fields) }
            while true {
                skipSpace()
                guard let key = string() else { return nil }
                skipSpace()
                guard at < bytes.count, bytes[at] == UInt8(ascii: ":") else { return nil }
                at += 1
                guard let item = value() else { return nil }
                fields[key] = item
                skipSpace()
                guard at < bytes.count else { return nil }
                if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
                if bytes[at] == UInt8(ascii: "}") { at += 1; return .object(fields) }
                return nil
            }
        case UInt8(ascii: "["):
            at += 1
            var items: [SQLNode] = []
            skipSpace()
            if at < bytes.count, bytes[at] == UInt8(ascii: "]") { at += 1; return .array(items) }
            while true {
                guard let item = value() else { return nil }
                items.append(item)
                skipSpace()
                guard at < bytes.count else { return nil }
                if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
                if bytes[at] == UInt8(ascii: "]") { at += 1; return .array(items) }
                return nil
            }
        case UInt8(ascii: "\""):
            if let text = string() { return .string(text) }
            return nil
        case UInt8(ascii: "t"):
            at += 4
            return .bool(true)
        case UInt8(ascii: "f"):
            at += 5
            return .bool(false)
        case UInt8(ascii: "n"):
            at += 4
            return .null
        default:
            let start = at
            // Most numbers are small non-negative integers (locations, lengths): read
            // their digits directly.
            var small = 0, digits = 0
            while at < bytes.count, bytes[at] >= 0x30, bytes[at] <= 0x39, digits < 18 {
                small = small * 10 + Int(bytes[at] - 0x30)
                digits += 1
                at += 1
            }
            if digits > 0, at < bytes.count, bytes[at] == UInt8(ascii: ",") || bytes[at] == UInt8(ascii: "}") || bytes[at] == UInt8(ascii: "]") {
                return .int(small)
            }
            at = start
            var isDouble = false
            while at < bytes.count, let c = Optional(bytes[at]), (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "-") || c == UInt8(ascii: "+") || c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                if c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") { isDouble = true }
                at += 1
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)
            if !isDouble, let n = Int(text) { return .int(n) }
            if let number = Double(text) { return .double(number) }
            return nil
        }
    }

    mutating func string() -> String? {
        guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { return nil }
        at += 1
        let start = at
        while at < bytes.count, bytes[at] != UInt8(ascii: "\""), bytes[at] != UInt8(ascii: "\\") { at += 1 }
        if at < bytes.count, bytes[at] == UInt8(ascii: "\"") {
            defer { at += 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)
        }
        var out = Array(bytes[start..<at])
        while at < bytes.count {
            let c = bytes[at]
            at += 1
            if c == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
            guard c == UInt8(ascii: "\\"), at < bytes.count else { out.append(c); continue }
            let e = bytes[at]
            at += 1
            switch e {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                guard var code = hex4() else { return nil }
                if (0xD800...0xDBFF).contains(code), at + 1 < bytes.count, bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") {
                    at += 2
                    guard let low = hex4() else { return nil }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                out += Array(String(Character(Unicode.Scalar(code) ?? "\u{FFFD}")).utf8)
            default: out.append(e)
            }
        }
        return nil
    }

    mutating func hex4() -> UInt32? {
        guard at + 4 <= bytes.count else { return nil }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[at..<(at + 4)]), as: UTF8.self)
        at += 4
        return UInt32(text, radix: 16)
    }
}

extension Optional where Wrapped == SQLNode {
    /// A boolean field, false when absent (proto3 leaves false out).
    public var bool: Bool { self?.bool ?? false }
}
