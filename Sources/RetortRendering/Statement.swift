import RetortSQL
import RetortModel

/// One SQL statement as a value: what it does (`kind`), its parts (`body`), and whether
/// PostgreSQL refuses to run it inside a transaction block (the script assembler then
/// places it outside one). Its text exists only when `SQLSerializer` writes it, which is
/// the one place that quotes, spaces and ends statements.
public struct Statement: Hashable, Sendable {
    public var kind: Kind
    public var body: [SQLPiece]
    public var transactional: Bool

    public init(_ kind: Kind, _ body: [SQLPiece], transactional: Bool = true) {
        self.kind = kind
        self.body = body
        self.transactional = transactional
    }

    /// The statement as it is printed, `;` included.
    public var sql: String {
        var text = ""
        SQLSerializer.write(self, into: &text)
        return text
    }

    /// What a statement does and to what, so that later stages (the linter, the report)
    /// can tell statements apart without reading their text.
    public enum Kind: Hashable, Sendable {
        case createSchema(String), dropSchema(String)
        case createExtension(String), dropExtension(String)
        case createType(QualifiedName), alterType(QualifiedName), dropType(QualifiedName)
        case createSequence(QualifiedName), alterSequence(QualifiedName), dropSequence(QualifiedName)
        case createTable(QualifiedName), alterTable(QualifiedName), dropTable(QualifiedName)
        case createIndex(table: QualifiedName, index: String), alterIndex(QualifiedName), dropIndex(QualifiedName)
        case createView(QualifiedName), dropView(QualifiedName)
        case comment(CommentTarget)
        /// A `DO` block that checks something and raises (a guard, an impossible downgrade).
        case check
        /// Rows of the version table or of the progress table beside it: `INSERT`,
        /// `UPDATE`, `DELETE`, or a `DO` block of them.
        case versionRows(QualifiedName)
        /// Raw SQL from a revision, kept as written; `tag` is the parse tree's statement
        /// node (`UpdateStmt`), empty when the text did not parse.
        case raw(tag: String)
    }
}

/// A part of a statement. Pieces are printed one space apart, except around `glue`, and a
/// `query` starts a new line.
public indirect enum SQLPiece: Hashable, Sendable {
    /// Words of the statement (`ALTER TABLE`, `NOT NULL`), printed in the serializer's
    /// keyword case.
    case keyword(String)
    /// A name, double-quoted when PostgreSQL needs it.
    case identifier(String)
    /// `schema.name`, the schema left out when it is `public`.
    case name(QualifiedName)
    /// `schema.table.column`.
    case column(QualifiedName, String)
    /// A string literal.
    case literal(String)
    /// An integer.
    case integer(Int64)
    case type(SQLType)
    /// An expression from a model or revision, checked by PostgreSQL's parser when it was
    /// read, printed as written.
    case expression(String)
    /// `(pieces)`.
    case group([SQLPiece])
    /// `a, b, c`, each item its own pieces.
    case list([[SQLPiece]])
    /// `(` then one item per line, indented, comma-separated, then `)`.
    case lines([[SQLPiece]])
    /// A query (a view body), on a line of its own, as written.
    case query(String)
    /// A PL/pgSQL body between dollar quotes whose tag does not occur in it: lines of
    /// pieces with an indentation depth.
    case block([BlockLine])
    /// An operator between two operands (`=`, `<>`).
    case op(String)
    /// Punctuation printed without spaces around it (`::`, `[]`, `;`).
    case glue(String)
    /// A raw statement's text, kept as written.
    case verbatim(String)
}

extension SQLPiece: ExpressibleByStringLiteral {
    /// A string literal in Swift is a keyword: `["DROP TABLE", .name(table)]`.
    public init(stringLiteral words: String) { self = .keyword(words) }
}

/// One line of a PL/pgSQL body: its indentation depth and its pieces.
public struct BlockLine: Hashable, Sendable {
    public var depth: Int
    public var pieces: [SQLPiece]

    public init(_ depth: Int, _ pieces: [SQLPiece]) {
        self.depth = depth
        self.pieces = pieces
    }
}

/// Writes statements as text. Quoting, spacing, keyword case, dollar-quote tags and the
/// closing `;` are decided here and nowhere else.
public enum SQLSerializer {
    public static func write(_ statement: Statement, into out: inout String) {
        write(statement.body, into: &out)
        out += ";"
    }

    static func write(_ pieces: [SQLPiece], into out: inout String) {
        var previous: SQLPiece?
        for piece in pieces {
            if let previous, !glued(previous, piece) { out += " " }
            write(piece, into: &out)
            previous = piece
        }
    }

    private static func glued(_ a: SQLPiece, _ b: SQLPiece) -> Bool {
        if case .glue = a { return true }
        if case .glue = b { return true }
        if case .query = b { return true }
        return false
    }

    private static func write(_ piece: SQLPiece, into out: inout String) {
        switch piece {
        case .keyword(let words): out += words
        case .identifier(let name): out += Quoting.identifier(name)
        case .name(let name): out += Quoting.qualified(name)
        case .column(let table, let column): out += Quoting.qualified(table) + "." + Quoting.identifier(column)
        case .literal(let text): out += Quoting.literal(text)
        case .integer(let n): out += String(n)
        case .type(let type): out += type.render { Quoting.qualified($0) }
        case .expression(let text), .op(let text), .glue(let text), .verbatim(let text): out += text
        case .group(let pieces):
            out += "("
            write(pieces, into: &out)
            out += ")"
        case .list(let items):
            for (i, item) in items.enumerated() {
                if i > 0 { out += ", " }
                write(item, into: &out)
            }
        case .lines(let items):
            out += "(\n"
            for (i, item) in items.enumerated() {
                out += "    "
                write(item, into: &out)
                out += i == items.count - 1 ? "\n" : ",\n"
            }
            out += ")"
        case .query(let text):
            out += "\n" + text
        case .block(let lines):
            var body = "\n"
            for line in lines {
                body += String(repeating: "    ", count: line.depth)
                write(line.pieces, into: &body)
                body += "\n"
            }
            let tag = dollarTag(for: body)
            out += tag + body + tag
        }
    }
}

/// A dollar-quote tag that does not occur in `body`.
package func dollarTag(for body: String) -> String {
    var tag = "$retort$"
    var n = 0
    while contains(Array(body.utf8), Array(tag.utf8)) {
        n += 1
        tag = "$retort\(n)$"
    }
    return tag
}

/// Whether `needle` occurs in `haystack`, byte for byte (no Foundation, no locale).
private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard let first = needle.first, haystack.count >= needle.count else { return false }
    var i = 0
    let last = haystack.count - needle.count
    while i <= last {
        if haystack[i] == first {
            var j = 1
            while j < needle.count && haystack[i + j] == needle[j] { j += 1 }
            if j == needle.count { return true }
        }
        i += 1
    }
    return false
}

/// Text safe inside a `--` comment: no line breaks can end it early.
package func commentSafe(_ text: String) -> String {
    // Line breaks other than these are not ASCII; an ASCII text without them is kept.
    if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x80 }) { return text }
    return String(text.map { $0.isNewline ? " " : $0 })
}
