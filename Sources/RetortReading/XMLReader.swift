import CLibXML2
import RetortModel

/// Parses XML input with libxml2's SAX2 interface, safely: DOCTYPE declarations are
/// refused, no external entity, DTD or network resource is ever loaded (a deny-all
/// loader is installed and no option that enables them is passed), input size is capped,
/// and every element keeps the exact line and column of its start tag.
public enum XMLReader {
    /// Input files larger than this are refused before parsing.
    public static let maximumFileSize = 8 << 20
    /// Deeper nesting is refused; Retort's formats need fewer than ten levels.
    public static let maximumDepth = 256

    /// Parses `bytes` read from the file shown as `displayPath` in diagnostics.
    public static func parse(_ bytes: [UInt8], displayPath: String) throws -> XMLNode {
        _ = installDenyLoader
        let start = SourceLocation(file: displayPath, line: 1, column: 1)
        guard !bytes.isEmpty else { throw Diagnostic(.xmlEmpty, at: start, "file is empty") }
        guard bytes.count <= maximumFileSize else {
            throw Diagnostic(.xmlTooLarge, at: start, "file is larger than \(maximumFileSize) bytes")
        }
        let lines = LineTable(bytes)
        if let bad = firstInvalidUTF8(bytes) {
            throw Diagnostic(.xmlEncoding, at: lines.location(of: bad, file: displayPath), "file is not valid UTF-8")
        }
        if let nul = bytes.firstIndex(of: 0) {
            throw Diagnostic(.xmlNul, at: lines.location(of: nul, file: displayPath), "file contains a NUL byte")
        }

        let builder = TreeBuilder(bytes: bytes, lines: lines, file: displayPath)
        var sax = xmlSAXHandler()
        sax.initialized = XML_SAX2_MAGIC
        sax.startElementNs = { ctx, localname, _, uri, _, _, count, _, attributes in
            TreeBuilder.from(ctx).start(localname, uri, count, attributes)
        }
        sax.endElementNs = { ctx, _, _, _ in TreeBuilder.from(ctx).end() }
        sax.characters = { ctx, chars, length in TreeBuilder.from(ctx).text(chars, length) }
        sax.cdataBlock = { ctx, chars, length in TreeBuilder.from(ctx).text(chars, length) }
        sax.internalSubset = { ctx, _, _, _ in TreeBuilder.from(ctx).refuse("DOCTYPE declarations are not allowed") }
        sax.entityDecl = { ctx, _, _, _, _, _ in TreeBuilder.from(ctx).refuse("entity declarations are not allowed") }
        sax.getEntity = { ctx, _ in
            TreeBuilder.from(ctx).refuse("entity references other than the predefined ones are not allowed")
            return nil
        }
        sax.serror = { ctx, error in
            guard let ctx, let error else { return }
            TreeBuilder.from(ctx).libxmlError(error.pointee)
        }

        let unmanaged = Unmanaged.passRetained(builder)
        defer { unmanaged.release() }
        guard let ctxt = xmlCreatePushParserCtxt(&sax, unmanaged.toOpaque(), nil, 0, nil) else {
            throw Diagnostic(.xmlInternal, at: start, "cannot create an XML parser")
        }
        defer { xmlFreeParserCtxt(ctxt) }
        // Deliberately absent: NOENT, DTDLOAD, DTDATTR, DTDVALID, XINCLUDE, HUGE, RECOVER.
        // IGNORE_ENC: the bytes were proved UTF-8 above, so an `encoding="…"` declaration
        // is not obeyed (obeying it misread `é` under ISO-8859-1, and a UTF-32 label made
        // libxml2 print its own "encoding error" line past every handler; the fuzzer found it).
        xmlCtxtUseOptions(ctxt, Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_IGNORE_ENC.rawValue))
        builder.context = ctxt
        bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { pointer in
                _ = xmlParseChunk(ctxt, pointer, Int32(buffer.count), 1)
            }
        }
        if let failure = builder.failure { throw failure }
        guard ctxt.pointee.wellFormed != 0, let root = builder.root else {
            throw Diagnostic(.xmlMalformed, at: start, "malformed XML")
        }
        return root
    }

    private static let installDenyLoader: Void = retort_install_deny_loader()

    /// libxml2 must initialise its globals on one thread before several threads parse.
    private static let initialized: Void = { xmlInitParser(); _ = installDenyLoader }()

    package static func prepareForThreads() { _ = initialized }

    private static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            let length: Int
            if b & 0xE0 == 0xC0, b >= 0xC2 { length = 2 }
            else if b & 0xF0 == 0xE0 { length = 3 }
            else if b & 0xF8 == 0xF0, b <= 0xF4 { length = 4 }
            else { return i }
            guard i + length <= n else { return i }
            for k in 1..<length where bytes[i + k] & 0xC0 != 0x80 { return i }
            if length == 3 {
                let cp = (Int(b & 0x0F) << 12) | (Int(bytes[i + 1] & 0x3F) << 6)
                if cp < 0x800 || (0xD800...0xDFFF).contains(cp) { return i }
            }
            if length == 4 {
                let cp = (Int(b & 0x07) << 18) | (Int(bytes[i + 1] & 0x3F) << 12)
                if cp < 0x10000 || cp > 0x10FFFF { return i }
            }
            i += length
        }
        return nil
    }
}

/// Byte offset to line:column, by binary search over the line starts.
package struct LineTable {
    private var starts: [Int] = [0]

    package init(_ bytes: [UInt8]) {
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") { starts.append(i + 1) }
    }

    package func location(of offset: Int, file: String) -> SourceLocation {
        var low = 0, high = starts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if starts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return SourceLocation(file: file, line: low + 1, column: offset - starts[low] + 1)
    }
}

/// Receives SAX events and builds the `XMLNode` tree; owned by one parse.
private final class TreeBuilder {
    let bytes: [UInt8]
    let lines: LineTable
    let file: String
    var context: xmlParserCtxtPtr?
    var stack: [XMLNode] = []
    var root: XMLNode?
    var failure: Diagnostic?

    init(bytes: [UInt8], lines: LineTable, file: String) {
        self.bytes = bytes
        self.lines = lines
        self.file = file
    }

    static func from(_ ctx: UnsafeMutableRawPointer?) -> TreeBuilder {
        Unmanaged<TreeBuilder>.fromOpaque(ctx!).takeUnretainedValue()
    }

    /// The start tag's `<`: libxml2 has consumed the tag, so scan back from there
    /// (attribute values cannot contain `<`).
    private func startTagOffset() -> Int {
        var offset = context.map { Int(xmlByteConsumed($0)) } ?? 0
        offset = min(max(offset - 1, 0), bytes.count - 1)
        while offset > 0 && bytes[offset] != UInt8(ascii: "<") { offset -= 1 }
        return offset
    }

    private lazy var source = XMLSource(bytes: bytes, lines: lines, file: file)

    private func currentLocation() -> SourceLocation {
        guard let context, let input = context.pointee.input else {
            return SourceLocation(file: file, line: 1, column: 1)
        }
        return SourceLocation(file: file, line: Int(input.pointee.line), column: max(1, Int(input.pointee.col)))
    }

    func refuse(_ message: String) {
        if failure == nil { failure = Diagnostic(.xmlForbidden, at: currentLocation(), message) }
        if let context { xmlStopParser(context) }
    }

    func libxmlError(_ error: xmlError) {
        guard failure == nil else { return }
        var message = error.message.map { String(cString: $0) } ?? "malformed XML"
        while let last = message.last, last.isWhitespace { message.removeLast() }
        let location = SourceLocation(file: file, line: max(1, Int(error.line)), column: max(1, Int(error.int2)))
        failure = Diagnostic(.xmlMalformed, at: location, "malformed XML: \(message)")
        if let context { xmlStopParser(context) }
    }

    func start(_ localname: UnsafePointer<xmlChar>?, _ uri: UnsafePointer<xmlChar>?, _ count: Int32,
               _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
        guard failure == nil, let localname else { return }
        let offset = startTagOffset()
        let location = lines.location(of: offset, file: file)
        if stack.count >= XMLReader.maximumDepth {
            failure = Diagnostic(.xmlTooDeep, at: location, "elements are nested more than \(XMLReader.maximumDepth) deep")
            if let context { xmlStopParser(context) }
            return
        }
        if uri != nil {
            failure = Diagnostic(.xmlNamespace, at: location, "XML namespaces are not supported")
            if let context { xmlStopParser(context) }
            return
        }
        var attrs: [(name: String, value: String)] = []
        if let attributes, count > 0 {
            attrs.reserveCapacity(Int(count))
            for i in 0..<Int(count) {
                guard let name = attributes[i * 5], let begin = attributes[i * 5 + 3], let end = attributes[i * 5 + 4] else { continue }
                var value = String(decoding: UnsafeBufferPointer(start: begin, count: end - begin), as: UTF8.self)
                // Without entity substitution libxml2 hands `&` in an attribute value back
                // as `&#38;` (every `&`, so the decoding is unambiguous).
                if value.utf8.contains(UInt8(ascii: "&")) { value = value.replacingOccurrences(of: "&#38;", with: "&") }
                attrs.append((String(cString: name), value))
            }
        }
        var node = XMLNode(name: String(cString: localname), attributes: attrs, children: [], text: "", location: location)
        node.source = source
        node.offset = offset
        stack.append(node)
    }

    func end() {
        guard failure == nil, let node = stack.popLast() else { return }
        if stack.isEmpty { root = node } else { stack[stack.count - 1].children.append(node) }
    }

    func text(_ chars: UnsafePointer<xmlChar>?, _ length: Int32) {
        guard failure == nil, let chars, !stack.isEmpty else { return }
        stack[stack.count - 1].text += String(decoding: UnsafeBufferPointer(start: chars, count: Int(length)), as: UTF8.self)
    }
}
