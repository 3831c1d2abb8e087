import Foundation

/// A minimal lexer for the SQL expressions Retort stores as text (checks, defaults,
/// index expressions and predicates): enough to find the columns an expression refers to
/// and to follow a column rename, never to interpret the SQL.
enum ExpressionLexer {
    enum Token: Equatable {
        /// An identifier, case-folded when unquoted; `quoted` keeps the exact spelling.
        case identifier(String, quoted: Bool)
        case other(String)
    }

    static func tokens(_ text: String) -> [(token: Token, range: Range<String.Index>)] {
        var result: [(Token, Range<String.Index>)] = []
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            let start = i
            if c.isWhitespace {
                i = text.index(after: i)
                continue
            }
            let next = text.index(after: i) < text.endIndex ? text[text.index(after: i)] : nil
            if c == "-", next == "-" {
                i = text[i...].firstIndex(of: "\n") ?? text.endIndex
                continue
            }
            if c == "/", next == "*" {
                i = text[text.index(i, offsetBy: 2)...].range(of: "*/")?.upperBound ?? text.endIndex
                continue
            }
            if c == "$", let end = dollarQuoteEnd(text, from: i) {
                result.append((.other(String(text[i..<end])), i..<end))
                i = end
                continue
            }
            if c == "'" {
                i = skipQuoted(text, from: i, quote: "'")
                result.append((.other(String(text[start..<i])), start..<i))
            } else if c == "\"" {
                i = skipQuoted(text, from: i, quote: "\"")
                let inner = text[text.index(after: start)..<max(text.index(after: start), text.index(before: i))]
                result.append((.identifier(inner.replacingOccurrences(of: "\"\"", with: "\""), quoted: true), start..<i))
            } else if c.isLetter || c == "_" {
                while i < text.endIndex, text[i].isLetter || text[i].isNumber || text[i] == "_" || text[i] == "$" {
                    i = text.index(after: i)
                }
                // E'...' and similar prefixed literals.
                if i < text.endIndex, text[i] == "'", text[start..<i].count == 1 {
                    i = skipQuoted(text, from: i, quote: "'")
                    result.append((.other(String(text[start..<i])), start..<i))
                } else {
                    result.append((.identifier(String(text[start..<i]).asciiLowercased(), quoted: false), start..<i))
                }
            } else if c.isNumber {
                while i < text.endIndex, text[i].isNumber || text[i] == "." { i = text.index(after: i) }
                result.append((.other(String(text[start..<i])), start..<i))
            } else {
                i = text.index(after: i)
                result.append((.other(String(c)), start..<i))
            }
        }
        return result
    }

    /// The end of a `$tag$ ... $tag$` string starting at `start`, or nil when `$` does not
    /// open one (a positional parameter such as `$1`).
    private static func dollarQuoteEnd(_ text: String, from start: String.Index) -> String.Index? {
        var i = text.index(after: start)
        while i < text.endIndex, text[i].isLetter || text[i] == "_" || (text[i].isNumber && i > text.index(after: start)) {
            i = text.index(after: i)
        }
        guard i < text.endIndex, text[i] == "$" else { return nil }
        let tag = text[start...i]
        let bodyStart = text.index(after: i)
        return text[bodyStart...].range(of: tag)?.upperBound ?? text.endIndex
    }

    private static func skipQuoted(_ text: String, from start: String.Index, quote: Character) -> String.Index {
        var i = text.index(after: start)
        while i < text.endIndex {
            if text[i] == quote {
                let next = text.index(after: i)
                if next < text.endIndex, text[next] == quote { i = text.index(after: next); continue }
                return next
            }
            i = text.index(after: i)
        }
        return i
    }

    /// Identifiers that name columns: not followed by `(` (a function) and not after `::`.
    static func referencedNames(_ text: String) -> [String] {
        let toks = tokens(text)
        var names: [String] = []
        for (n, entry) in toks.enumerated() {
            guard case .identifier(let name, _) = entry.token else { continue }
            if n + 1 < toks.count, toks[n + 1].token == .other("(") { continue }
            if n >= 2, toks[n - 1].token == .other(":"), toks[n - 2].token == .other(":") { continue }
            names.append(name)
        }
        return names
    }

    /// The columns of `columns` that `text` refers to, in order of first appearance.
    static func columnsReferenced(in text: String, among columns: [String]) -> [String] {
        var seen: [String] = []
        for name in referencedNames(text) where columns.contains(name) && !seen.contains(name) {
            seen.append(name)
        }
        return seen
    }

    /// `text` with every reference to column `from` renamed to `to` (already quoted).
    static func renamingColumn(in text: String, from: String, to quotedTo: String) -> String {
        var result = ""
        var cursor = text.startIndex
        let toks = tokens(text)
        for (n, entry) in toks.enumerated() {
            guard case .identifier(let name, _) = entry.token, name == from else { continue }
            if n + 1 < toks.count, toks[n + 1].token == .other("(") { continue }
            result += text[cursor..<entry.range.lowerBound]
            result += quotedTo
            cursor = entry.range.upperBound
        }
        return result + text[cursor...]
    }

    /// PostgreSQL's `FigureColname` for an index expression: the function name, else `expr`.
    static func figureColumnName(_ text: String) -> String {
        let toks = tokens(text)
        if toks.count >= 2, case .identifier(let name, _) = toks[0].token, toks[1].token == .other("(") {
            return name
        }
        if toks.count == 1, case .identifier(let name, _) = toks[0].token { return name }
        return "expr"
    }
}

extension String {
    func asciiLowercased() -> String {
        String(decoding: utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
    }
}
