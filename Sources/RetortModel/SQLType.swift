/// A column type in canonical form: the spelling PostgreSQL's `format_type` prints, so
/// aliases (`int8`, `varchar(20)`, `timestamptz`) compare equal to their long names.
public struct SQLType: Hashable, Sendable, CustomStringConvertible {
    /// Canonical base name (`character varying`), or the name of a user type (enum).
    public var base: String
    /// Type modifiers: `(255)`, `(10,2)`.
    public var modifiers: [Int]
    /// Number of `[]` suffixes.
    public var arrayDepth: Int
    /// Set when the type is a user-defined one (an enum in the schema state).
    public var userType: QualifiedName?

    public init(base: String, modifiers: [Int] = [], arrayDepth: Int = 0, userType: QualifiedName? = nil) {
        self.base = base
        self.modifiers = modifiers
        self.arrayDepth = arrayDepth
        self.userType = userType
    }

    /// The type as written in DDL; user types are quoted by the renderer, which is why it
    /// is not this description that reaches SQL for them.
    public var description: String { render { $0.description } }

    package func render(userTypeName: (QualifiedName) -> String) -> String {
        var text: String
        if let userType {
            text = userTypeName(userType)
        } else if modifiers.isEmpty {
            text = base
        } else {
            let mods = "(" + modifiers.map(String.init).joined(separator: ",") + ")"
            if base.hasPrefix("timestamp ") || base.hasPrefix("time ") {
                let parts = base.split(separator: " ", maxSplits: 1)
                text = parts[0] + mods + " " + parts[1]
            } else {
                text = base + mods
            }
        }
        return text + String(repeating: "[]", count: arrayDepth)
    }

    /// PostgreSQL's category of the type (`pg_type.typcategory`) for the built-in types, and
    /// the type itself for others. Between types of one category (numbers, strings, dates
    /// and times) PostgreSQL has assignment casts both ways, so a column's type changes
    /// either way without USING.
    package var category: String {
        if arrayDepth > 0 { return "array" }
        if let userType { return "user type \(userType)" }
        switch base {
        case "smallint", "integer", "bigint", "real", "double precision", "numeric": return "numeric"
        case "text", "character varying", "character", "name", "citext": return "string"
        case "date", "timestamp without time zone", "timestamp with time zone": return "datetime"
        default: return base
        }
    }

    package static let bigint = SQLType(base: "bigint")
    package static let integer = SQLType(base: "integer")
    package static let smallint = SQLType(base: "smallint")
    package static let text = SQLType(base: "text")

    /// Built-in types by every spelling PostgreSQL accepts, mapped to the canonical one.
    package static let builtinAliases: [String: String] = {
        var map: [String: String] = [:]
        let groups: [(String, [String])] = [
            ("smallint", ["int2"]), ("integer", ["int", "int4"]), ("bigint", ["int8"]),
            ("real", ["float4"]), ("double precision", ["float8", "float"]),
            ("numeric", ["decimal"]), ("boolean", ["bool"]), ("text", []),
            ("character varying", ["varchar"]), ("character", ["char", "bpchar"]),
            ("bytea", []), ("date", []),
            ("time without time zone", ["time"]), ("time with time zone", ["timetz"]),
            ("timestamp without time zone", ["timestamp"]), ("timestamp with time zone", ["timestamptz"]),
            ("interval", []), ("uuid", []), ("json", []), ("jsonb", []), ("xml", []),
            ("inet", []), ("cidr", []), ("macaddr", []), ("macaddr8", []), ("money", []),
            ("bit", []), ("bit varying", ["varbit"]), ("tsvector", []), ("tsquery", []),
            ("point", []), ("line", []), ("lseg", []), ("box", []), ("path", []), ("polygon", []),
            ("circle", []), ("oid", []), ("int4range", []), ("int8range", []), ("numrange", []),
            ("tsrange", []), ("tstzrange", []), ("daterange", []), ("name", []),
        ]
        for (canonical, aliases) in groups {
            map[canonical] = canonical
            for alias in aliases { map[alias] = canonical }
        }
        return map
    }()

    /// Types that extensions provide, allowed once the extension exists.
    package static let extensionTypes: [String: String] = [
        "citext": "citext", "hstore": "hstore", "ltree": "ltree", "lquery": "ltree",
        "vector": "vector", "geometry": "postgis", "geography": "postgis", "cube": "cube",
    ]
}

/// What a `type` attribute says before it is resolved against the schema state.
public struct TypeSpelling: Hashable, Sendable {
    public var words: String
    public var modifiers: [Int]
    public var arrayDepth: Int
    /// `serial`, `bigserial` or `smallserial`: the integer type they expand to.
    public var serial: SQLType?

    /// Parses `character varying(255)[]`, `timestamp(3) with time zone`, `billing.status`.
    /// Returns nil when the text is not a type name at all.
    public static func parse(_ raw: String) -> TypeSpelling? {
        var text = raw.trimmingWhitespace()
        var depth = 0
        while text.hasSuffix("]") {
            guard let open = text.lastIndex(of: "[") else { return nil }
            let inside = text[text.index(after: open)..<text.index(before: text.endIndex)]
            guard inside.allSatisfy(\.isASCIIDigit) else { return nil }
            text = String(text[..<open]).trimmingWhitespace()
            depth += 1
        }
        var modifiers: [Int] = []
        if let open = text.firstIndex(of: "(") {
            guard let close = text.firstIndex(of: ")"), close > open else { return nil }
            let inside = text[text.index(after: open)..<close]
            for part in inside.split(separator: ",", omittingEmptySubsequences: false) {
                guard let value = Int(part.trimmingWhitespace()), value >= 0 else { return nil }
                modifiers.append(value)
            }
            text = (text[..<open] + " " + text[text.index(after: close)...]).trimmingWhitespace()
        }
        let words = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard !words.isEmpty, words.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == " " || $0 == "." || $0 == "\"" }) else {
            return nil
        }
        var spelling = TypeSpelling(words: words, modifiers: modifiers, arrayDepth: depth, serial: nil)
        switch words.lowercased() {
        case "serial", "serial4": spelling.serial = .integer
        case "bigserial", "serial8": spelling.serial = .bigint
        case "smallserial", "serial2": spelling.serial = .smallint
        default: break
        }
        return spelling
    }
}

extension Character {
    package var isASCIIDigit: Bool { isASCII && isNumber }
}

extension StringProtocol where UTF8View: BidirectionalCollection {
    package func trimmingWhitespace() -> String {
        // Fast path: most values have no surrounding whitespace (ASCII check, no Unicode
        // tables, no copy of the bytes to look at the last one).
        if let head = utf8.first, let tail = utf8.last, head > 32, head < 128, tail > 32, tail < 128 { return String(self) }
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = lastIndex(where: { !$0.isWhitespace })!
        return String(self[first...last])
    }
}
