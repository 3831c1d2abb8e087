/// Identifiers and string values that stress quoting, and their spellings in SQL and XML.
///
/// Identifiers: plain lower case, keywords (`user`, `order`, `select`, `name`, …), mixed case,
/// embedded double quotes and spaces, non-ASCII letters, and exactly 63 bytes with a shared
/// prefix (so the names PostgreSQL derives from them get truncated and collide). They never
/// hold what Retort's attribute syntax reserves: `.` (schema qualification), `,` (lists),
/// `(`/`)` (`references="t(c)"`), leading or trailing white space (trimmed) or NUL.
///
/// Values (comments, defaults, enum labels, raw SQL text): quotes, backslashes, newlines,
/// tabs, `$$`, comment markers and non-ASCII.
package enum WildText {
    package static let keywords = [
        "user", "order", "select", "name", "table", "group", "type", "value", "key", "check",
        "default", "from", "where", "end", "left", "is", "between", "int", "time", "text",
        "column", "limit", "offset", "primary", "unique", "references", "desc", "all", "authorization",
    ]
    package static let nonASCII = ["élève", "Straße", "名前", "Ωmega", "naïve", "Ärger", "日本語", "çà"]
    /// Two prefixes that 63-byte names start with, so truncated derived names collide.
    package static let longPrefixes = ["a_rather_long_identifier_that_postgres_will_truncate_", "Ünïcödé_long_identifier_prefix_that_is_shared_"]

    /// An identifier built around `base` (a short ASCII word unique to the caller), in a
    /// randomly chosen style. `typeSafe` keeps to what a `type` attribute can name (letters,
    /// digits, `_` and single spaces; never a built-in type's name); `long: false` leaves out
    /// the 63-byte names, whose derived names collide with others'.
    package static func identifier(_ base: String, _ random: inout SplitMix64, typeSafe: Bool = false, long: Bool = true) -> String {
        switch random.below(typeSafe ? 6 : 9) {
        case 0: return base
        case 1: return base.prefix(1).uppercased() + base.dropFirst() + "Mixed"
        case 2: return random.pick(nonASCII) + "_" + base
        case 3: return "\(base) with spaces"
        case 4, 5: return long ? exactly63Bytes(base, &random) : base
        case 6: return random.pick(keywords)
        case 7: return "\(base)\"quoted\""
        default: return "Sel\"ect \(base)"
        }
    }

    /// `prefix + base`, padded to exactly 63 bytes with two-byte characters (so truncation
    /// must respect UTF-8 boundaries) and one ASCII letter where the count is odd.
    package static func exactly63Bytes(_ base: String, _ random: inout SplitMix64) -> String {
        var name = random.pick(longPrefixes) + base + "_"
        while name.utf8.count < 62 { name += "é" }
        if name.utf8.count < 63 { name += "z" }
        precondition(name.utf8.count == 63, "63 bytes: \(name)")
        return name
    }

    /// Whether PostgreSQL would read `name` unquoted (lower case ASCII, no keyword).
    package static func isPlain(_ name: String) -> Bool {
        guard let first = name.utf8.first, first == UInt8(ascii: "_") || (97...122).contains(first) else { return false }
        return name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || (97...122).contains($0) || (48...57).contains($0) }
            && !keywords.contains(name)
    }

    /// A value to store in a comment, a default or an enum label: at most 40 bytes.
    package static func value(_ random: inout SplitMix64) -> String {
        random.pick([
            "it's", "back\\slash", "line one\nline two", "$$dollar$$ quoted", "tab\there", "ünïcödé ✓",
            "say \"hi\"", "-- not a comment", "/* nor this */", "semi; colon", "%s %d {}", "  padded  ",
            "'; DROP TABLE x; --", "\\'", "E'x'", "$1", "plain words", "trailing backslash\\",
        ])
    }

    /// `value` as an SQL string literal, in one of PostgreSQL's spellings: standard (`''`
    /// doubled, backslashes literal), escape (`E'…'`) or dollar-quoted.
    package static func literal(_ value: String, _ random: inout SplitMix64) -> String {
        switch random.below(4) {
        case 0:
            var escaped = ""
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\\": escaped += "\\\\"
                case "'": escaped += "\\'"
                case "\n": escaped += "\\n"
                case "\t": escaped += "\\t"
                default: escaped.unicodeScalars.append(scalar)
                }
            }
            return "E'\(escaped)'"
        case 1 where !value.contains("$$") && !value.hasSuffix("$"):
            return "$$\(value)$$"
        case 2 where !value.contains("$q$") && !value.hasSuffix("$"):
            return "$q$\(value)$q$"
        default:
            return "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
        }
    }

    /// `name` as an SQL identifier: double-quoted with `"` doubled, or bare when it is
    /// plain and `random` says so (both spellings must work).
    package static func sqlIdentifier(_ name: String, _ random: inout SplitMix64) -> String {
        if isPlain(name) && random.chance(50) { return name }
        return "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Text for an XML attribute value inside double quotes; white space other than a
    /// space is written as a character reference, which attribute normalisation keeps.
    package static func xmlAttribute(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "\n": escaped += "&#10;"
            case "\r": escaped += "&#13;"
            case "\t": escaped += "&#9;"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// Text for XML element content.
    package static func xmlText(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\r": escaped += "&#13;"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
