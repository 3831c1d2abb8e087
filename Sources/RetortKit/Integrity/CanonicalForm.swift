import Crypto

/// The canonical text of a parsed XML element, which the manifest hashes so that a
/// revision's hash changes with what it does and not with how it is laid out.
///
/// What it keeps: element names, in document order; attributes sorted by name; text.
/// What it drops: XML comments (the reader never sees them), attribute order, quote
/// style, `<a></a>` versus `<a/>`, entity versus CDATA spelling, layout whitespace, and
/// `<lint-allow>` elements (a suppression changes no byte of any script, and adding one to
/// a shipped revision after a new lint rule is the normal way to accept it).
///
/// Whitespace is dropped only where the decoders and PostgreSQL ignore it:
/// - text of `sql`, `forward`, `reverse`, `create-view` and attributes holding SQL
///   (`default`, `expression`, `where`, `using`, `generated`, `type`, `check`
///   expressions): runs of whitespace outside quotes and comments become one space, none
///   next to `(`, `)` or `,`; string literals, quoted identifiers and comments are kept
///   byte for byte, dollar-quoted bodies line by line with their common indentation and
///   trailing blanks removed (so re-indenting a file keeps a function body's hash);
/// - list attributes (`columns`, `include`, `parent`, `depends-on`, `branch-labels`,
///   `references`) are split and trimmed as the decoder splits and trims them;
/// - other text (`comment`) is trimmed, as the decoder trims it; enum `<value>` text and
///   every other attribute (names, messages, comments) are kept exactly.
public enum CanonicalForm {
    /// The canonical text of `node` and everything below it.
    public static func text(of node: XMLNode) -> String {
        var out = ""
        append(node, to: &out)
        return out
    }

    /// SHA-256 (hex) of the canonical text of `node`.
    public static func hash(of node: XMLNode) -> String {
        SHA256.hash(data: Array(text(of: node).utf8)).hexString
    }

    static let sqlTextElements: Set<String> = ["sql", "forward", "reverse", "create-view", "view"]
    static let exactTextElements: Set<String> = ["value"]
    static let sqlAttributes: Set<String> = ["default", "expression", "where", "using", "generated", "type"]
    static let listAttributes: Set<String> = ["columns", "include", "parent", "depends-on", "branch-labels", "references"]

    private static func append(_ node: XMLNode, to out: inout String) {
        out += "<"
        out += node.name
        let attributes = node.attributes.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        for attribute in attributes {
            out += " "
            out += attribute.name
            out += "="
            out += quoted(attributeValue(attribute.name, attribute.value, element: node.name))
        }
        out += ">"
        let text = textContent(node)
        if !text.isEmpty { out += quoted(text) }
        for child in node.children where child.name != "lint-allow" {
            append(child, to: &out)
        }
        out += "</"
        out += node.name
        out += ">"
    }

    private static func attributeValue(_ name: String, _ value: String, element: String) -> String {
        if listAttributes.contains(name) { return normalizeList(value) }
        if sqlAttributes.contains(name) { return normalizeSQL(value) }
        return value
    }

    private static func textContent(_ node: XMLNode) -> String {
        if exactTextElements.contains(node.name) { return node.text }
        if sqlTextElements.contains(node.name) { return normalizeSQL(node.text) }
        return node.text.trimmingWhitespace()
    }

    /// `"` + the text with `\` and `"` escaped + `"`: unambiguous next to the markup.
    private static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Items separated by commas or whitespace, trimmed, joined with one comma: the
    /// decoders split `columns="a, b"` and `parent="x  y"` the same way.
    static func normalizeList(_ value: String) -> String {
        normalizeSQL(value)
    }

    /// SQL with layout whitespace removed (see the type's documentation).
    public static func normalizeSQL(_ text: String) -> String {
        let s = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        var i = 0

        func isSpace(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\t" || c == "\n" || c == "\r" }
        func tight(_ c: Unicode.Scalar) -> Bool { c == "(" || c == ")" || c == "," }
        func emit(_ c: Unicode.Scalar) {
            if pendingSpace, let last = out.last, last != "\n", !tight(last), !tight(c) { out.append(" ") }
            pendingSpace = false
            out.append(c)
        }
        func emitVerbatim(_ from: Int, _ to: Int) {
            guard from < to else { return }
            emit(s[from])
            for k in (from + 1)..<to { out.append(s[k]) }
        }

        while i < s.count {
            let c = s[i]
            if isSpace(c) {
                pendingSpace = true
                i += 1
                continue
            }
            // Line comment: kept to the end of its line, the newline kept too (it ends it).
            if c == "-", i + 1 < s.count, s[i + 1] == "-" {
                var j = i
                while j < s.count && s[j] != "\n" { j += 1 }
                var end = j
                while end > i && (s[end - 1] == " " || s[end - 1] == "\t" || s[end - 1] == "\r") { end -= 1 }
                emitVerbatim(i, end)
                if j < s.count { out.append("\n") }
                i = j + 1
                continue
            }
            // Block comment, nested as PostgreSQL nests them.
            if c == "/", i + 1 < s.count, s[i + 1] == "*" {
                var depth = 0, j = i
                repeat {
                    if j + 1 < s.count, s[j] == "/", s[j + 1] == "*" { depth += 1; j += 2 }
                    else if j + 1 < s.count, s[j] == "*", s[j + 1] == "/" { depth -= 1; j += 2 }
                    else { j += 1 }
                } while depth > 0 && j < s.count
                emitVerbatim(i, j)
                i = j
                continue
            }
            // 'literal' (with '' inside, and backslash escapes after E), "identifier".
            if c == "'" || c == "\"" {
                let escapes = c == "'" && i > 0 && (s[i - 1] == "E" || s[i - 1] == "e")
                var j = i + 1
                while j < s.count {
                    if escapes && s[j] == "\\" { j += 2; continue }
                    if s[j] == c {
                        if j + 1 < s.count && s[j + 1] == c { j += 2; continue }
                        j += 1
                        break
                    }
                    j += 1
                }
                emitVerbatim(i, min(j, s.count))
                i = min(j, s.count)
                continue
            }
            // $tag$ body $tag$.
            if c == "$", let tagEnd = dollarTagEnd(s, i) {
                let tag = Array(s[i...tagEnd])
                var j = tagEnd + 1
                var close: Int?
                while j + tag.count <= s.count {
                    if Array(s[j..<(j + tag.count)]) == tag { close = j; break }
                    j += 1
                }
                guard let close else {
                    emitVerbatim(i, s.count)
                    i = s.count
                    continue
                }
                emitVerbatim(i, tagEnd + 1)
                out.append(contentsOf: dedent(Array(s[(tagEnd + 1)..<close])).unicodeScalars)
                for k in close..<(close + tag.count) { out.append(s[k]) }
                i = close + tag.count
                continue
            }
            emit(c)
            i += 1
        }
        return String(out)
    }

    /// The end of a dollar-quote tag starting at `start` (`$$` or `$name$`), if it is one.
    private static func dollarTagEnd(_ s: [Unicode.Scalar], _ start: Int) -> Int? {
        // `$1` is a parameter, and a tag cannot follow an identifier character.
        if start > 0, s[start - 1].properties.isAlphabetic || s[start - 1] == "_" || ("0"..."9").contains(s[start - 1]) { return nil }
        var j = start + 1
        while j < s.count {
            let c = s[j]
            if c == "$" { return j }
            let letter = c.properties.isAlphabetic || c == "_"
            let digit = ("0"..."9").contains(c)
            if !(letter || (digit && j > start + 1)) { return nil }
            j += 1
        }
        return nil
    }

    /// A dollar-quoted body with trailing blanks, blank first and last lines and the
    /// common indentation of its lines removed.
    private static func dedent(_ body: [Unicode.Scalar]) -> String {
        var lines = String(String.UnicodeScalarView(body)).split(separator: "\n", omittingEmptySubsequences: false).map {
            var line = Substring($0)
            while let last = line.last, last == " " || last == "\t" || last == "\r" { line.removeLast() }
            return line
        }
        // Text on the opening line does not share the indentation of the lines below it.
        var opening: Substring?
        if let first = lines.first, !first.isEmpty {
            opening = first.drop { $0 == " " || $0 == "\t" }
            lines.removeFirst()
        }
        while let first = lines.first, first.isEmpty { lines.removeFirst() }
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        let indents = lines.filter { !$0.isEmpty }.map { $0.prefix { $0 == " " || $0 == "\t" }.count }
        let common = indents.min() ?? 0
        let body = lines.map { $0.isEmpty ? "" : String($0.dropFirst(common)) }
        return ((opening.map { [String($0)] } ?? []) + body).joined(separator: "\n")
    }
}

/// What the manifest records about one revision file's content, computed from its parsed
/// XML when the project is loaded.
public struct RevisionDigest: Hashable, Sendable {
    /// SHA-256 of the canonical text of the whole `<revision>` element.
    public var content: String
    /// SHA-256 of the canonical `<revision>` start tag alone (id, parents, message, ...).
    public var header: String
    /// One entry per operation element of `<upgrade>`, in order.
    public var upgrade: [OperationDigest]
    /// One entry per operation element of an explicit `<downgrade>`; nil when derived.
    public var downgrade: [OperationDigest]?

    public init(content: String = "", header: String = "", upgrade: [OperationDigest] = [], downgrade: [OperationDigest]? = nil) {
        self.content = content
        self.header = header
        self.upgrade = upgrade
        self.downgrade = downgrade
    }

    /// The digest of a `<revision>` element as the reader parsed it.
    public init(_ root: XMLNode) {
        var header = root
        header.children = []
        header.text = ""
        self.init(content: CanonicalForm.hash(of: root), header: CanonicalForm.hash(of: header))
        for child in root.children {
            let operations = child.children.filter { $0.name != "lint-allow" }.map {
                OperationDigest(element: $0.name, location: $0.location, sha256: CanonicalForm.hash(of: $0))
            }
            if child.name == "upgrade" { upgrade = operations }
            if child.name == "downgrade" { downgrade = operations }
        }
    }
}

/// One operation element: its name, where it is, and the SHA-256 of its canonical text.
public struct OperationDigest: Hashable, Sendable {
    public var element: String
    public var location: SourceLocation
    public var sha256: String
}
