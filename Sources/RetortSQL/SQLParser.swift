import CPgQuery
import Foundation

/// PostgreSQL refused the text: its message and the byte offset (0-based, into the text
/// given) where the parser stopped.
public struct SQLSyntaxError: Error, Hashable, Sendable {
    public var message: String
    public var offset: Int

    public init(message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }
}

/// One statement of a parsed text: its tree and where its text lies (byte offsets into
/// the text given; the range starts at the statement's first token, comments before it
/// excluded, and ends before its `;`).
public struct ParsedStatement: Hashable, Sendable {
    /// The tagged statement node (`{"CreateStmt": {...}}`).
    public var node: SQLNode
    public var range: Range<Int>

    public var tag: String { node.tagged?.tag ?? "" }
    public var body: SQLNode { node.tagged?.body ?? .null }
}

/// The token kinds Retort looks at (`pg_query.proto`, enum Token).
public enum SQLTokenKind: Int32, Sendable {
    case identifier = 258, unicodeIdentifier = 259, floatConstant = 260, stringConstant = 261
    case unicodeString = 262, bitString = 263, hexString = 264, integerConstant = 266
    case lineComment = 275, blockComment = 276
    case semicolon = 59
    case other = -1
}

/// One token of `SQLParser.scan`, with its keyword category.
public struct SQLToken: Hashable, Sendable {
    public enum Keyword: Int32, Sendable { case none = 0, unreserved, columnName, typeFunctionName, reserved }
    public var kind: SQLTokenKind
    /// The raw token number from `pg_query.proto`.
    public var rawKind: Int32
    public var keyword: Keyword
    public var range: Range<Int>

    public var isComment: Bool { kind == .lineComment || kind == .blockComment }
}

/// PostgreSQL 15's own grammar (libpg_query), the one place Retort reads SQL text.
public enum SQLParser {
    /// Every statement of `sql`, or where PostgreSQL's parser stopped.
    public static func parse(_ sql: String) throws(SQLSyntaxError) -> [ParsedStatement] {
        let bytes = Array(sql.utf8)
        if bytes.contains(0) { throw SQLSyntaxError(message: "SQL text contains U+0000", offset: bytes.firstIndex(of: 0)!) }
        let result = sql.withCString { pg_query_parse($0) }
        defer { pg_query_free_parse_result(result) }
        if let error = result.error {
            let message = error.pointee.message.map { String(cString: $0) } ?? "syntax error"
            throw SQLSyntaxError(message: message, offset: byteOffset(cursor: error.pointee.cursorpos, in: sql))
        }
        guard let tree = result.parse_tree else { return [] }
        let length = strlen(tree)
        var zeroConstant = false
        let parsed = tree.withMemoryRebound(to: UInt8.self, capacity: length) { start in
            let json = UnsafeBufferPointer(start: start, count: length)
            zeroConstant = contains(json, Self.emptyIval)
            return SQLNode.read(json: json)
        }
        guard let parsedRoot = parsed else { throw SQLSyntaxError(message: "cannot read the parser's output", offset: 0) }
        // Only a tree with an empty `ival` can hold a negative constant to restore.
        let root = zeroConstant ? restoringNegativeIntegers(parsedRoot, bytes) : parsedRoot
        // One scan of the whole text gives every statement's first and last token.
        let tokens = ((try? scan(sql)) ?? []).filter { !$0.isComment && $0.kind != .semicolon }
        var next = 0
        return root["stmts"]?.array.map { raw in
            let start = raw["stmt_location"]?.int ?? 0
            let length = raw["stmt_len"]?.int ?? (bytes.count - start)
            let end = min(bytes.count, start + length)
            while next < tokens.count, tokens[next].range.lowerBound < start { next += 1 }
            var range = start..<start
            if next < tokens.count, tokens[next].range.upperBound <= end {
                let first = tokens[next].range.lowerBound
                while next + 1 < tokens.count, tokens[next + 1].range.upperBound <= end { next += 1 }
                range = first..<tokens[next].range.upperBound
                next += 1
            }
            return ParsedStatement(node: raw["stmt"] ?? .null, range: range)
        } ?? []
    }

    /// The tokens of `sql`, comments included, as PostgreSQL's scanner sees them.
    public static func scan(_ sql: String) throws(SQLSyntaxError) -> [SQLToken] {
        let result = sql.withCString { pg_query_scan($0) }
        defer { pg_query_free_scan_result(result) }
        if let error = result.error {
            let message = error.pointee.message.map { String(cString: $0) } ?? "syntax error"
            throw SQLSyntaxError(message: message, offset: byteOffset(cursor: error.pointee.cursorpos, in: sql))
        }
        guard let data = result.pbuf.data else { return [] }
        let buffer = UnsafeRawBufferPointer(start: data, count: Int(result.pbuf.len))
        return ProtobufReader.scanTokens(buffer)
    }

    private static let emptyIval = Array(#""ival":{}"#.utf8)

    private static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == needle[0] {
                var j = 1
                while j < needle.count && haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return true }
            }
            i += 1
        }
        return false
    }

    /// libpg_query 15-4.0.0 writes a negative integer constant to JSON as `"ival": {}`, the
    /// same as 0 (its protobuf output keeps the value). The constant's text is at its
    /// location, so the value is read back from there.
    static func restoringNegativeIntegers(_ node: SQLNode, _ bytes: [UInt8]) -> SQLNode {
        switch node {
        case .object(var fields):
            if case .object(var body)? = fields["A_Const"], let ival = body["ival"], ival["ival"] == nil,
               let at = body["location"]?.int, at >= 0, at < bytes.count, bytes[at] == UInt8(ascii: "-") {
                var i = at + 1
                while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
                let digits = bytes[i...].prefix { $0 >= 0x30 && $0 <= 0x39 }
                if let value = Int(String(decoding: digits, as: UTF8.self)), value != 0 {
                    body["ival"] = .object(["ival": .int(-value)])
                    fields["A_Const"] = .object(body)
                }
                return .object(fields)
            }
            for (key, value) in fields { fields[key] = restoringNegativeIntegers(value, bytes) }
            return .object(fields)
        case .array(let items):
            return .array(items.map { restoringNegativeIntegers($0, bytes) })
        default:
            return node
        }
    }

    /// `cursorpos` counts characters from 1 (PostgreSQL's errposition), not bytes.
    private static func byteOffset(cursor: Int32, in sql: String) -> Int {
        let scalars = sql.unicodeScalars
        let index = scalars.index(scalars.startIndex, offsetBy: max(0, Int(cursor) - 1), limitedBy: scalars.endIndex) ?? scalars.endIndex
        return sql.utf8.distance(from: sql.utf8.startIndex, to: index)
    }
}

/// Reads the one protobuf message Retort needs from libpg_query (`ScanResult`), field by
/// field: varints and length-delimited fields only.
enum ProtobufReader {
    static func scanTokens(_ buffer: UnsafeRawBufferPointer) -> [SQLToken] {
        var tokens: [SQLToken] = []
        var reader = Cursor(buffer: buffer, at: 0, end: buffer.count)
        while let (field, wire) = reader.key() {
            if field == 2 && wire == 2, let length = reader.varint() {
                var inner = Cursor(buffer: buffer, at: reader.at, end: reader.at + Int(length))
                reader.at += Int(length)
                var start = 0, end = 0, kind: Int32 = 0, keyword: Int32 = 0
                while let (f, w) = inner.key() {
                    guard w == 0, let value = inner.varint() else { inner.skip(wire: w); continue }
                    switch f {
                    case 1: start = Int(value)
                    case 2: end = Int(value)
                    case 4: kind = Int32(truncatingIfNeeded: value)
                    case 5: keyword = Int32(truncatingIfNeeded: value)
                    default: break
                    }
                }
                tokens.append(SQLToken(kind: SQLTokenKind(rawValue: kind) ?? .other, rawKind: kind,
                                       keyword: SQLToken.Keyword(rawValue: keyword) ?? .none, range: start..<max(start, end)))
            } else {
                reader.skip(wire: wire)
            }
        }
        return tokens
    }

    struct Cursor {
        let buffer: UnsafeRawBufferPointer
        var at: Int
        let end: Int

        mutating func varint() -> UInt64? {
            var value: UInt64 = 0, shift: UInt64 = 0
            while at < end {
                let byte = buffer[at]
                at += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
                if shift > 63 { return nil }
            }
            return nil
        }

        mutating func key() -> (Int, Int)? {
            guard at < end, let key = varint() else { return nil }
            return (Int(key >> 3), Int(key & 7))
        }

        mutating func skip(wire: Int) {
            switch wire {
            case 0: _ = varint()
            case 1: at += 8
            case 2: at += Int(varint() ?? 0)
            case 5: at += 4
            default: at = end
            }
        }
    }
}
