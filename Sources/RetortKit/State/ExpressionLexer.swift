import Foundation

/// A minimal lexer for the SQL expressions Retort stores as text (checks, defaults,
/// index expressions and predicates): enough to find the columns an expression refers to,
/// to follow a column rename and to name an index expression as PostgreSQL does, never to
/// interpret the SQL.
enum ExpressionLexer {
    enum Token: Equatable {
        /// An identifier, case-folded when unquoted; `quoted` keeps the exact spelling.
        case identifier(String, quoted: Bool)
        /// A string or number constant, in any spelling (`'…'`, `E'…'`, `$tag$…$tag$`, `1.5`).
        case constant
        /// An operator character, a parenthesis, a comma, or `::`.
        case other(String)
    }

    static func tokens(_ text: String) -> [(token: Token, range: Range<String.Index>)] {
        var result: [(Token, Range<String.Index>)] = []
        var i = text.startIndex
        func next(_ j: String.Index) -> Character? { j < text.endIndex ? text[j] : nil }
        while i < text.endIndex {
            let c = text[i]
            let start = i
            let after = text.index(after: i)
            if c.isWhitespace {
                i = after
            } else if c == "-" && next(after) == "-" {
                i = text[i...].firstIndex(of: "\n") ?? text.endIndex
            } else if c == "/" && next(after) == "*" {
                i = skipBlockComment(text, from: i)
            } else if c == "'" {
                i = skipQuoted(text, from: i, quote: "'", backslashEscapes: false)
                result.append((.constant, start..<i))
            } else if c == "\"" {
                i = skipQuoted(text, from: i, quote: "\"", backslashEscapes: false)
                let inner = text[after..<max(after, text.index(before: i))]
                result.append((.identifier(inner.replacingOccurrences(of: "\"\"", with: "\""), quoted: true), start..<i))
            } else if c == "$", let end = skipDollarQuoted(text, from: i) {
                i = end
                result.append((.constant, start..<i))
            } else if isIdentifierStart(c) {
                while i < text.endIndex, isIdentifierStart(text[i]) || text[i].isNumber || text[i] == "$" { i = text.index(after: i) }
                let word = String(text[start..<i]).asciiLowercased()
                if next(i) == "'", ["e", "b", "x", "n"].contains(word) {
                    // E'…' (backslash escapes), B'…', X'…', N'…'.
                    i = skipQuoted(text, from: i, quote: "'", backslashEscapes: word == "e")
                    result.append((.constant, start..<i))
                } else {
                    result.append((.identifier(word, quoted: false), start..<i))
                }
            } else if c.isNumber || (c == "." && next(after)?.isNumber == true) {
                while i < text.endIndex, text[i].isNumber || text[i] == "." || text[i].isLetter || text[i] == "_" { i = text.index(after: i) }
                result.append((.constant, start..<i))
            } else if c == ":" && next(after) == ":" {
                i = text.index(after: after)
                result.append((.other("::"), start..<i))
            } else {
                i = after
                result.append((.other(String(c)), start..<i))
            }
        }
        return result
    }

    private static func isIdentifierStart(_ c: Character) -> Bool { c.isLetter || c == "_" || !c.isASCII }

    private static func skipQuoted(_ text: String, from start: String.Index, quote: Character, backslashEscapes: Bool) -> String.Index {
        var i = text.index(after: start)
        while i < text.endIndex {
            if backslashEscapes && text[i] == "\\" {
                i = text.index(after: i)
                if i < text.endIndex { i = text.index(after: i) }
                continue
            }
            if text[i] == quote {
                let next = text.index(after: i)
                if next < text.endIndex, text[next] == quote { i = text.index(after: next); continue }
                return next
            }
            i = text.index(after: i)
        }
        return i
    }

    /// The end of a nested `/* … */` comment starting at `start`.
    private static func skipBlockComment(_ text: String, from start: String.Index) -> String.Index {
        var depth = 0
        var i = start
        while i < text.endIndex {
            let rest = text[i...]
            if rest.hasPrefix("/*") {
                depth += 1
                i = text.index(i, offsetBy: 2)
            } else if rest.hasPrefix("*/") {
                depth -= 1
                i = text.index(i, offsetBy: 2)
                if depth == 0 { return i }
            } else {
                i = text.index(after: i)
            }
        }
        return i
    }

    /// The end of a dollar-quoted string (`$$…$$`, `$tag$…$tag$`) starting at `start`, or nil
    /// when the `$` starts none (a parameter such as `$1`).
    private static func skipDollarQuoted(_ text: String, from start: String.Index) -> String.Index? {
        var i = text.index(after: start)
        if i < text.endIndex, isIdentifierStart(text[i]) {
            while i < text.endIndex, isIdentifierStart(text[i]) || text[i].isNumber { i = text.index(after: i) }
        }
        guard i < text.endIndex, text[i] == "$" else { return nil }
        let tag = text[start...i]
        let bodyStart = text.index(after: i)
        guard let close = text.range(of: tag, range: bodyStart..<text.endIndex) else { return text.endIndex }
        return close.upperBound
    }

    // MARK: - Column references

    /// Whether an unquoted word is syntax wherever it appears (reserved and type/function
    /// name keywords cannot name a column without quotes).
    private static func isAlwaysSyntax(_ word: String) -> Bool {
        reservedKeywords.contains(word) || typeFunctionNameKeywords.contains(word)
    }

    /// Whether a token ends an operand, so that an identifier right after it is not a column
    /// but part of a phrase: a type name (`double precision`), `AT TIME ZONE`, `x BETWEEN`.
    private static func endsOperand(_ token: Token) -> Bool {
        switch token {
        case .constant: true
        case .identifier(let name, let quoted): quoted || !(isAlwaysSyntax(name) || columnNameKeywords.contains(name))
        case .other(let text): text == ")" || text == "]"
        }
    }

    /// Positions of the identifiers that name columns: not keywords used as syntax, not
    /// functions (`lower(`), qualifiers (`t.`), type names (after `::` or `AS`, all their
    /// words, or before a string as in `date '2020-01-01'`) or collations (after `COLLATE`).
    static func columnReferences(_ toks: [(token: Token, range: Range<String.Index>)]) -> [Int] {
        var result: [Int] = []
        var inTypeName = false
        for (n, entry) in toks.enumerated() {
            guard case .identifier(let name, let quoted) = entry.token else {
                inTypeName = inTypeName && entry.token == .other(".")
                if entry.token == .other("::") { inTypeName = true }
                continue
            }
            let startsTypeName = !quoted && (name == "as" || name == "collate")
            defer { inTypeName = inTypeName || startsTypeName }
            if inTypeName || (!quoted && isAlwaysSyntax(name)) { continue }
            if n + 1 < toks.count {
                switch toks[n + 1].token {
                case .other("("), .other("."), .constant: continue
                default: break
                }
            }
            if n > 0 && endsOperand(toks[n - 1].token) { continue }
            result.append(n)
        }
        return result
    }

    /// Names of the columns `text` refers to, with repetitions, in order.
    static func referencedNames(_ text: String) -> [String] {
        let toks = tokens(text)
        return columnReferences(toks).map { n in
            if case .identifier(let name, _) = toks[n].token { name } else { "" }
        }
    }

    /// The columns of `columns` that `text` refers to, in order of first appearance.
    static func columnsReferenced(in text: String, among columns: [String]) -> [String] {
        var seen: [String] = []
        for name in referencedNames(text) where columns.contains(name) && !seen.contains(name) {
            seen.append(name)
        }
        return seen
    }

    /// `text` with its references to `columns` spelled as `quote_ident` spells them (`"c"`
    /// and `C` become `c`), so that renaming a column and renaming it back gives the text back.
    static func canonicalizingReferences(in text: String, to columns: [String]) -> String {
        var result = ""
        var cursor = text.startIndex
        let toks = tokens(text)
        for n in columnReferences(toks) {
            guard case .identifier(let name, _) = toks[n].token, columns.contains(name) else { continue }
            let spelled = Quoting.identifier(name)
            guard text[toks[n].range] != spelled else { continue }
            result += text[cursor..<toks[n].range.lowerBound]
            result += spelled
            cursor = toks[n].range.upperBound
        }
        return result + text[cursor...]
    }

    /// `text` with every reference to column `from` renamed to `to` (already quoted).
    static func renamingColumn(in text: String, from: String, to quotedTo: String) -> String {
        var result = ""
        var cursor = text.startIndex
        let toks = tokens(text)
        for n in columnReferences(toks) {
            guard case .identifier(let name, _) = toks[n].token, name == from else { continue }
            result += text[cursor..<toks[n].range.lowerBound]
            result += quotedTo
            cursor = toks[n].range.upperBound
        }
        return result + text[cursor...]
    }

    // MARK: - String constants

    /// The value of a string constant as written (`'it''s'`, `E'it\\'s'`, `$$it's$$`), or nil
    /// for other tokens and for escapes this lexer does not decode (octal, hex, Unicode).
    static func stringValue(_ constant: Substring) -> String? {
        if constant.hasPrefix("$") {
            guard let tagEnd = constant.dropFirst().firstIndex(of: "$") else { return nil }
            let tag = constant[...tagEnd]
            guard constant.count >= 2 * tag.count, constant.hasSuffix(tag) else { return nil }
            return String(constant.dropFirst(tag.count).dropLast(tag.count))
        }
        let escapes = constant.first == "e" || constant.first == "E"
        let body = escapes ? constant.dropFirst() : constant
        guard body.count >= 2, body.first == "'", body.last == "'" else { return nil }
        var value = ""
        var i = body.index(after: body.startIndex)
        let end = body.index(before: body.endIndex)
        while i < end {
            let c = body[i]
            i = body.index(after: i)
            if c == "'" {
                guard i < end, body[i] == "'" else { return nil }
                i = body.index(after: i)
                value.append("'")
            } else if c == "\\" && escapes {
                guard i < end else { return nil }
                let escaped = body[i]
                i = body.index(after: i)
                switch escaped {
                case "n": value.append("\n")
                case "t": value.append("\t")
                case "r": value.append("\r")
                case "b": value.append("\u{8}")
                case "f": value.append("\u{C}")
                case "x", "u", "U", "0"..."7": return nil
                default: value.append(escaped)
                }
            } else {
                value.append(c)
            }
        }
        return value
    }

    /// `expression` with its string constant renamed from `from` to `to`, when the whole
    /// expression is that constant, optionally cast (`'active'`, `'active'::status`): the
    /// shape of an enum column's default. Nil when it is anything else.
    static func renamingLiteral(in expression: String, from: String, to: String) -> String? {
        let toks = tokens(expression)
        guard let first = toks.first, first.token == .constant, stringValue(expression[first.range]) == from,
              toks.count == 1 || toks[1].token == .other("::") else { return nil }
        return Quoting.literal(to) + expression[first.range.upperBound...]
    }

    /// Whether `expression` holds a string constant whose value is `value`.
    static func containsString(_ value: String, in expression: String) -> Bool {
        tokens(expression).contains { $0.token == .constant && stringValue(expression[$0.range]) == value }
    }

    // MARK: - Index column names

    /// The name PostgreSQL gives an index expression's column (`FigureIndexColname`): the
    /// column a bare or cast column reference names, the function's name, the cast's type,
    /// `case`, `coalesce` and the like, else `expr`.
    static func figureColumnName(_ text: String) -> String {
        figure(tokens(text).map(\.token)[...])?.name ?? "expr"
    }

    /// `FigureColnameInternal`: a name and its strength (2 for a column or function name,
    /// 1 for a fallback such as `case` or a cast's type), or nil.
    private static func figure(_ toks: ArraySlice<Token>) -> (name: String, strength: Int)? {
        var toks = toks
        while toks.first == .other("("), closing(toks, from: toks.startIndex) == toks.endIndex - 1 {
            toks = toks.dropFirst().dropLast()
        }
        guard let first = toks.first else { return nil }
        if let cast = lastTopLevel(toks, "::") {
            let inner = figure(toks[..<cast])
            if let inner, inner.strength > 1 { return inner }
            return typeName(toks[(cast + 1)...]).map { ($0, 1) } ?? inner
        }
        if let collate = lastTopLevel(toks, .identifier("collate", quoted: false)) {
            return figure(toks[..<collate])
        }
        // A column reference, possibly qualified (`t.a`): the last name.
        let isReference = toks.enumerated().allSatisfy { offset, token in
            if offset % 2 == 1 { return token == .other(".") }
            if case .identifier(let name, let quoted) = token { return quoted || !isAlwaysSyntax(name) }
            return false
        }
        if isReference && toks.count % 2 == 1, case .identifier(let name, _) = toks.last! {
            return (name, 2)
        }
        guard case .identifier(let word, let quoted) = first else { return nil }
        if !quoted && word == "case", toks.last == .identifier("end", quoted: false) {
            let branches = toks.dropFirst().dropLast()
            if let otherwise = lastTopLevel(branches, .identifier("else", quoted: false)),
               let result = figure(branches[(otherwise + 1)...]), result.strength > 1 {
                return result
            }
            return ("case", 1)
        }
        if !quoted && word == "array", toks.dropFirst().first == .other("[") { return ("array", 2) }
        // Subscripts (`tags[1]`) name what they subscript.
        if toks.last == .other("]"), let open = toks.indices.last(where: { toks[$0] == .other("[") && closing(toks, from: $0) == toks.endIndex - 1 }),
           open > toks.startIndex {
            return figure(toks[..<open])
        }
        // A function call, possibly qualified: `name(...)` spanning the whole expression.
        var at = toks.startIndex
        var name = word
        while at + 2 < toks.endIndex, toks[at + 1] == .other("."), case .identifier(let part, _) = toks[at + 2] {
            name = part
            at += 2
        }
        guard at + 1 < toks.endIndex, toks[at + 1] == .other("("), closing(toks, from: at + 1) == toks.endIndex - 1 else { return nil }
        if quoted || at > toks.startIndex { return (name, 2) }
        switch name {
        case "cast":
            let inside = toks[(at + 2)..<(toks.endIndex - 1)]
            guard let alias = lastTopLevel(inside, .identifier("as", quoted: false)) else { return nil }
            let inner = figure(inside[..<alias])
            if let inner, inner.strength > 1 { return inner }
            return typeName(inside[(alias + 1)...]).map { ($0, 1) } ?? inner
        case "trim":
            switch toks[at + 2] {
            case .identifier("leading", quoted: false): return ("ltrim", 2)
            case .identifier("trailing", quoted: false): return ("rtrim", 2)
            default: return ("btrim", 2)
            }
        default:
            return (name, 2)
        }
    }

    /// The position of the parenthesis or bracket that closes the one at `open`.
    private static func closing(_ toks: ArraySlice<Token>, from open: Int) -> Int? {
        var depth = 0
        for n in open..<toks.endIndex {
            switch toks[n] {
            case .other("("), .other("["): depth += 1
            case .other(")"), .other("]"):
                depth -= 1
                if depth == 0 { return n }
            default: break
            }
        }
        return nil
    }

    /// The last occurrence of `token` outside parentheses, brackets and nested CASE … END.
    private static func lastTopLevel(_ toks: ArraySlice<Token>, _ token: Token) -> Int? {
        var depth = 0, found: Int?
        for n in toks.indices {
            switch toks[n] {
            case .other("("), .other("["), .identifier("case", quoted: false): depth += 1
            case .other(")"), .other("]"), .identifier("end", quoted: false): depth -= 1
            case token where depth == 0: found = n
            default: break
            }
        }
        return found
    }

    private static func lastTopLevel(_ toks: ArraySlice<Token>, _ text: String) -> Int? {
        lastTopLevel(toks, .other(text))
    }

    /// The name PostgreSQL records for a type as written after `::` or `AS`: the last part of
    /// a qualified name, with the SQL-standard spellings mapped to their catalog names.
    private static func typeName(_ toks: ArraySlice<Token>) -> String? {
        var words: [String] = []
        var quotedName: String?
        for token in toks {
            guard case .identifier(let word, let quoted) = token else {
                if token == .other(".") { words = []; continue }
                break
            }
            if quoted { quotedName = word; words = [] } else { words.append(word) }
        }
        if words.isEmpty { return quotedName }
        let spelled = words.joined(separator: " ")
        let standard: [String: String] = [
            "int": "int4", "integer": "int4", "smallint": "int2", "bigint": "int8", "real": "float4",
            "float": "float8", "double precision": "float8", "decimal": "numeric", "dec": "numeric",
            "boolean": "bool", "char": "bpchar", "character": "bpchar", "character varying": "varchar",
            "char varying": "varchar", "time with time zone": "timetz", "time without time zone": "time",
            "timestamp with time zone": "timestamptz", "timestamp without time zone": "timestamp",
            "bit varying": "varbit", "national character": "bpchar", "nchar": "bpchar",
        ]
        return standard[spelled] ?? words.last
    }
}

extension String {
    func asciiLowercased() -> String {
        String(decoding: utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
    }
}
