import RetortModel

/// One input file's bytes, kept so that a position inside an attribute value or an
/// element's text (a byte offset into the decoded string) can be traced back to the file,
/// through entity references, character references and CDATA sections.
package final class XMLSource: Sendable {
    package let bytes: [UInt8]
    package let lines: LineTable
    package let file: String

    package init(bytes: [UInt8], lines: LineTable, file: String) {
        self.bytes = bytes
        self.lines = lines
        self.file = file
    }

    private func byte(_ i: Int) -> UInt8 { i < bytes.count ? bytes[i] : 0 }
    private func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
    private func starts(_ text: String, at i: Int) -> Bool {
        let pattern = Array(text.utf8)
        return i + pattern.count <= bytes.count && Array(bytes[i..<(i + pattern.count)]) == pattern
    }

    /// The raw offset of the value of attribute `name` in the start tag at `tag`, and its quote.
    package func attributeValue(_ name: String, inTagAt tag: Int) -> (start: Int, quote: UInt8)? {
        var i = tag + 1
        while i < bytes.count, !isSpace(bytes[i]), bytes[i] != UInt8(ascii: ">"), bytes[i] != UInt8(ascii: "/") { i += 1 }
        while i < bytes.count {
            while isSpace(byte(i)) { i += 1 }
            guard i < bytes.count, bytes[i] != UInt8(ascii: ">"), bytes[i] != UInt8(ascii: "/") else { return nil }
            let nameStart = i
            while i < bytes.count, !isSpace(bytes[i]), bytes[i] != UInt8(ascii: "=") { i += 1 }
            let attribute = String(decoding: bytes[nameStart..<i], as: UTF8.self)
            while isSpace(byte(i)) { i += 1 }
            guard byte(i) == UInt8(ascii: "=") else { return nil }
            i += 1
            while isSpace(byte(i)) { i += 1 }
            let quote = byte(i)
            guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { return nil }
            if attribute == name { return (i + 1, quote) }
            i += 1
            while i < bytes.count, bytes[i] != quote { i += 1 }
            i += 1
        }
        return nil
    }

    /// The decoded length of the reference starting at `i` (`&lt;`, `&#233;`) and its raw length.
    private func reference(at i: Int) -> (decoded: Int, raw: Int) {
        var j = i + 1
        while j < bytes.count, bytes[j] != UInt8(ascii: ";"), j - i < 16 { j += 1 }
        let body = String(decoding: bytes[(i + 1)..<min(j, bytes.count)], as: UTF8.self)
        var decoded = 1
        if body.hasPrefix("#x") || body.hasPrefix("#X"), let code = UInt32(body.dropFirst(2), radix: 16), let scalar = Unicode.Scalar(code) {
            decoded = String(Character(scalar)).utf8.count
        } else if body.hasPrefix("#"), let code = UInt32(body.dropFirst()), let scalar = Unicode.Scalar(code) {
            decoded = String(Character(scalar)).utf8.count
        }
        return (decoded, j + 1 - i)
    }

    /// Where decoded byte `target` of the value starting at raw `start` lies in the file.
    package func locate(attributeValueAt start: Int, quote: UInt8, decodedOffset target: Int) -> SourceLocation {
        var i = start, decoded = 0
        while i < bytes.count, bytes[i] != quote, decoded < target {
            if bytes[i] == UInt8(ascii: "&") {
                let (d, raw) = reference(at: i)
                decoded += d
                i += raw
            } else if bytes[i] == 0x0D && byte(i + 1) == 0x0A {
                decoded += 1
                i += 2
            } else {
                decoded += 1
                i += 1
            }
        }
        return lines.location(of: min(i, bytes.count - 1), file: file)
    }

    /// Where decoded byte `target` of the direct text of the element at `tag` lies: text is
    /// walked past comments, processing instructions and child elements, CDATA read as is.
    package func locate(textOfElementAt tag: Int, decodedOffset target: Int) -> SourceLocation {
        var i = tag
        var quote: UInt8 = 0
        while i < bytes.count {
            let b = bytes[i]
            if quote != 0 { if b == quote { quote = 0 } } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") { quote = b } else if b == UInt8(ascii: ">") { break }
            i += 1
        }
        i += 1
        var decoded = 0, depth = 0
        while i < bytes.count {
            if starts("<!--", at: i) {
                while i < bytes.count, !starts("-->", at: i) { i += 1 }
                i += 3
            } else if starts("<![CDATA[", at: i) {
                i += 9
                while i < bytes.count, !starts("]]>", at: i) {
                    // CDATA reaches the reader byte for byte, CR LF included (libxml2 keeps it).
                    if depth == 0 { if decoded >= target { break }; decoded += 1 }
                    i += 1
                }
                if decoded >= target && depth == 0 && !starts("]]>", at: i) { break }
                i += 3
            } else if starts("<?", at: i) {
                while i < bytes.count, !starts("?>", at: i) { i += 1 }
                i += 2
            } else if starts("</", at: i) {
                if depth == 0 { break }
                depth -= 1
                while i < bytes.count, bytes[i] != UInt8(ascii: ">") { i += 1 }
                i += 1
            } else if bytes[i] == UInt8(ascii: "<") {
                var j = i, q: UInt8 = 0
                while j < bytes.count {
                    let b = bytes[j]
                    if q != 0 { if b == q { q = 0 } } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") { q = b } else if b == UInt8(ascii: ">") { break }
                    j += 1
                }
                if bytes[j - 1] != UInt8(ascii: "/") { depth += 1 }
                i = j + 1
            } else {
                if depth == 0 && decoded >= target { break }
                if bytes[i] == UInt8(ascii: "&") {
                    let (d, raw) = reference(at: i)
                    if depth == 0 { decoded += d }
                    i += raw
                } else {
                    if depth == 0 { decoded += (bytes[i] == 0x0D && byte(i + 1) == 0x0A) ? 0 : 1 }
                    i += 1
                }
            }
        }
        return lines.location(of: min(i, bytes.count - 1), file: file)
    }
}

extension XMLNode {
    /// The position of decoded byte `offset` of attribute `name`'s value; the start tag when unknown.
    package func location(ofAttribute name: String, offset: Int) -> SourceLocation {
        guard let source, let value = source.attributeValue(name, inTagAt: self.offset) else { return location }
        return source.locate(attributeValueAt: value.start, quote: value.quote, decodedOffset: offset)
    }

    /// The position of decoded byte `offset` of the element's direct text.
    package func location(ofText offset: Int) -> SourceLocation {
        guard let source else { return location }
        return source.locate(textOfElementAt: self.offset, decodedOffset: offset)
    }
}
