import RetortSQL
import Crypto
import RetortModel

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
        var out: [UInt8] = []
        append(node, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// SHA-256 (hex) of the canonical text of `node`.
    public static func hash(of node: XMLNode) -> String {
        var out: [UInt8] = []
        append(node, to: &out)
        return SHA256.hash(data: out).hexString
    }

    package static let sqlTextElements: Set<String> = ["sql", "forward", "reverse", "create-view", "view"]
    package static let exactTextElements: Set<String> = ["value"]
    package static let sqlAttributes: Set<String> = ["default", "expression", "where", "using", "generated", "type",
                                             "columns", "include", "parent", "depends-on", "branch-labels", "references"]

    package static func append(_ node: XMLNode, to out: inout [UInt8]) {
        appendStart(node, to: &out)
        for child in node.children where child.name != "lint-allow" {
            append(child, to: &out)
        }
        appendEnd(node, to: &out)
    }

    /// `<name a="v" ...>` with attributes sorted by name, then the text if any.
    package static func appendStart(_ node: XMLNode, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "<"))
        out += node.name.utf8
        let attributes = node.attributes.count < 2 ? node.attributes
            : node.attributes.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        for attribute in attributes {
            out.append(UInt8(ascii: " "))
            out += attribute.name.utf8
            out.append(UInt8(ascii: "="))
            if sqlAttributes.contains(attribute.name) {
                appendQuoted(normalizeSQL(Array(attribute.value.utf8)), to: &out)
            } else {
                appendQuoted(Array(attribute.value.utf8), to: &out)
            }
        }
        out.append(UInt8(ascii: ">"))
        let text: [UInt8]
        if exactTextElements.contains(node.name) {
            text = Array(node.text.utf8)
        } else if sqlTextElements.contains(node.name) {
            text = normalizeSQL(Array(node.text.utf8))
        } else {
            text = trimmed(Array(node.text.utf8))
        }
        if !text.isEmpty { appendQuoted(text, to: &out) }
    }

    package static func appendEnd(_ node: XMLNode, to out: inout [UInt8]) {
        out += "</".utf8
        out += node.name.utf8
        out.append(UInt8(ascii: ">"))
    }

    /// `"` + the text with `\` and `"` escaped + `"`: unambiguous next to the markup.
    private static func appendQuoted(_ text: [UInt8], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text {
            if byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\"") { out.append(UInt8(ascii: "\\")) }
            out.append(byte)
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }

    private static func trimmed(_ bytes: [UInt8]) -> [UInt8] {
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else { return [] }
        return Array(bytes[first...last])
    }

    /// SQL with layout whitespace removed (see the type's documentation).
    public static func normalizeSQL(_ text: String) -> String {
        String(decoding: normalizeSQL(Array(text.utf8)), as: UTF8.self)
    }

    /// The tokens come from PostgreSQL's scanner (comments included), so quotes, dollar
    /// quotes, `E''` strings and nested comments are found as PostgreSQL finds them. Text
    /// the scanner refuses (never SQL the reader admitted) is only trimmed.
    package static func normalizeSQL(_ s: [UInt8]) -> [UInt8] {
        // Without whitespace (PostgreSQL's: space, tab, newline, return, form feed, vertical
        // tab) there is no layout to remove: the tokens touch and every rule keeps them as
        // they are. Most attributes (`c17`, `varchar(50)`) are like that; no scan needed.
        if !s.contains(where: { $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) }) { return s }
        guard let tokens = try? SQLParser.scan(String(decoding: s, as: UTF8.self)) else { return trimmed(s) }
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        let newline = UInt8(ascii: "\n")
        var previousEnd = 0

        func tight(_ c: UInt8) -> Bool { c == UInt8(ascii: "(") || c == UInt8(ascii: ")") || c == UInt8(ascii: ",") }
        func emitVerbatim(_ from: Int, _ to: Int, spaced: Bool) {
            guard from < to else { return }
            if spaced, let last = out.last, last != newline, !tight(last), !tight(s[from]) { out.append(0x20) }
            out += s[from..<to]
        }

        for token in tokens {
            let start = token.range.lowerBound, end = min(token.range.upperBound, s.count)
            let spaced = start > previousEnd
            previousEnd = end
            switch token.kind {
            case .lineComment:
                // Kept to the end of its line, the newline kept too (it ends it).
                var trimmedEnd = end
                while trimmedEnd > start && (s[trimmedEnd - 1] == 0x20 || s[trimmedEnd - 1] == 0x09 || s[trimmedEnd - 1] == 0x0D) { trimmedEnd -= 1 }
                emitVerbatim(start, trimmedEnd, spaced: spaced)
                if let newlineAt = s[end...].firstIndex(of: newline) {
                    out.append(newline)
                    previousEnd = newlineAt + 1
                    // What follows the newline starts a line: no space before it.
                    if let next = s[(newlineAt + 1)...].firstIndex(where: { !isSpace($0) }) { previousEnd = next }
                }
            case .stringConstant where s[start] == UInt8(ascii: "$"):
                guard let tagEnd = s[(start + 1)..<end].firstIndex(of: UInt8(ascii: "$")), end - start >= 2 * (tagEnd - start + 1) else {
                    emitVerbatim(start, end, spaced: spaced)
                    continue
                }
                let tagLength = tagEnd - start + 1
                emitVerbatim(start, tagEnd + 1, spaced: spaced)
                out += dedent(Array(s[(tagEnd + 1)..<(end - tagLength)]))
                out += s[(end - tagLength)..<end]
            default:
                emitVerbatim(start, end, spaced: spaced)
            }
        }
        return out
    }

    /// A dollar-quoted body with trailing blanks, blank first and last lines and the
    /// common indentation of its lines removed.
    private static func dedent(_ body: [UInt8]) -> [UInt8] {
        func blank(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 }
        var lines = body.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line -> ArraySlice<UInt8> in
            var line = line
            while let last = line.last, blank(last) || last == 0x0D { line.removeLast() }
            return line
        }
        // Text on the opening line does not share the indentation of the lines below it.
        var opening: ArraySlice<UInt8>?
        if let first = lines.first, !first.isEmpty {
            opening = first.drop { blank($0) }
            lines.removeFirst()
        }
        while let first = lines.first, first.isEmpty { lines.removeFirst() }
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        let common = lines.filter { !$0.isEmpty }.map { $0.prefix { blank($0) }.count }.min() ?? 0
        var out: [UInt8] = []
        var parts = lines.map { $0.isEmpty ? $0 : $0.dropFirst(common) }
        if let opening { parts.insert(opening, at: 0) }
        for (k, part) in parts.enumerated() {
            if k > 0 { out.append(UInt8(ascii: "\n")) }
            out += part
        }
        return out
    }
}

extension RevisionDigest {
    /// The digest of a `<revision>` element as the reader parsed it: one pass over its
    /// canonical text, hashing each operation's part of it on the way.
    public init(_ root: XMLNode) {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        CanonicalForm.appendStart(root, to: &out)
        var upgrade: [OperationDigest] = [], downgrade: [OperationDigest]?
        for section in root.children where section.name != "lint-allow" {
            CanonicalForm.appendStart(section, to: &out)
            var operations: [OperationDigest] = []
            for operation in section.children where operation.name != "lint-allow" {
                let start = out.count
                CanonicalForm.append(operation, to: &out)
                operations.append(OperationDigest(element: operation.name, location: operation.location,
                                                  sha256: SHA256.hash(data: out[start...]).hexString))
            }
            CanonicalForm.appendEnd(section, to: &out)
            if section.name == "upgrade" { upgrade = operations }
            if section.name == "downgrade" { downgrade = operations }
        }
        CanonicalForm.appendEnd(root, to: &out)
        self.init(content: SHA256.hash(data: out).hexString, upgrade: upgrade, downgrade: downgrade)
    }
}

