import RetortModel

/// A JSON value written the way `JSONEncoder` writes it with `.sortedKeys`, `.prettyPrinted`
/// and `.withoutEscapingSlashes` (two-space indents, `"key" : value`, empty containers on
/// two lines, control characters as `\uXXXX`), byte for byte, but in one pass into one
/// buffer: the manifest of a 10,000-revision history is written in a tenth of the time.
/// `JSONTextTests` keeps the two in agreement.
package indirect enum JSONText {
    case string(String)
    case int(Int)
    case bool(Bool)
    case array([JSONText])
    /// Members in any order; they are written sorted by key. A nil value is left out, as
    /// `encodeIfPresent` does.
    case object([(String, JSONText?)])

    package var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1 << 16)
        write(into: &out, depth: 0)
        return out
    }

    private func write(into out: inout [UInt8], depth: Int) {
        switch self {
        case .string(let text): Self.quote(text, into: &out)
        case .int(let n): out.append(contentsOf: String(n).utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            Self.members(items.count, into: &out, depth: depth) { i, out in items[i].write(into: &out, depth: depth + 1) }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            let present = members.compactMap { key, value in value.map { (key, $0) } }.sorted { $0.0 < $1.0 }
            out.append(UInt8(ascii: "{"))
            Self.members(present.count, into: &out, depth: depth) { i, out in
                Self.quote(present[i].0, into: &out)
                out.append(0x20); out.append(0x3A); out.append(0x20)
                present[i].1.write(into: &out, depth: depth + 1)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// `\n`, the members one per line indented a level deeper, comma-separated, then the
    /// closing bracket's indentation. An empty container still gets its blank line.
    /// A long container (a manifest's revisions, inputs and outputs) is written in chunks
    /// on every processor and the chunks joined in order: the same bytes, sooner.
    private static func members(_ count: Int, into out: inout [UInt8], depth: Int, _ member: (Int, inout [UInt8]) -> Void) {
        out.append(0x0A)
        if count == 0 { out.append(0x0A) }
        func line(_ i: Int, _ out: inout [UInt8]) {
            indent(2 * (depth + 1), into: &out)
            member(i, &out)
            if i < count - 1 { out.append(UInt8(ascii: ",")) }
            out.append(0x0A)
        }
        let chunk = 512
        if count >= 2 * chunk {
            let chunks = inParallel((count + chunk - 1) / chunk) { c -> [UInt8] in
                var part: [UInt8] = []
                for i in (c * chunk)..<min(count, (c + 1) * chunk) { line(i, &part) }
                return part
            }
            for part in chunks { out.append(contentsOf: part) }
        } else {
            for i in 0..<count { line(i, &out) }
        }
        indent(2 * depth, into: &out)
    }

    private static func indent(_ n: Int, into out: inout [UInt8]) {
        for _ in 0..<n { out.append(0x20) }
    }

    private static func quote(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most strings (ids, paths, hashes) need no escape: copy them whole.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            out.append(contentsOf: text.utf8)
            out.append(UInt8(ascii: "\""))
            return
        }
        let hex: StaticString = "0123456789abcdef"
        for byte in text.utf8 {
            switch byte {
            case 0x22, 0x5C: out.append(0x5C); out.append(byte)
            case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
            case 0x08: out.append(0x5C); out.append(UInt8(ascii: "b"))
            case 0x0C: out.append(0x5C); out.append(UInt8(ascii: "f"))
            case 0..<0x20:
                out.append(0x5C); out.append(UInt8(ascii: "u")); out.append(0x30); out.append(0x30)
                hex.withUTF8Buffer { digits in
                    out.append(digits[Int(byte >> 4)])
                    out.append(digits[Int(byte & 0xF)])
                }
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension Manifest {
    /// The manifest as `manifest.json` holds it (with its final newline).
    package var json: [UInt8] {
        func strings(_ values: [String]) -> JSONText { .array(values.map(JSONText.string)) }
        func map(_ values: [String: String]) -> JSONText { .object(values.map { ($0.key, .string($0.value)) }) }
        let document = JSONText.object([
            ("tool", .string(tool)), ("toolVersion", .string(toolVersion)), ("format", .int(format)), ("project", .string(project)),
            ("target", .object([("postgres", .int(target.postgres))])),
            ("versionTable", .string(versionTable)), ("transaction", .string(transaction)), ("heads", strings(heads)),
            ("historySha256", historySha256.map(JSONText.string)), ("headSchemaSha256", headSchemaSha256.map(JSONText.string)),
            ("revisions", .array(revisions.map { r in
                .object([
                    ("id", .string(r.id)), ("parents", strings(r.parents)), ("dependsOn", strings(r.dependsOn)),
                    ("branchLabels", strings(r.branchLabels)), ("message", .string(r.message)), ("source", .string(r.source)),
                    ("sourceSha256", .string(r.sourceSha256)), ("contentSha256", r.contentSha256.map(JSONText.string)),
                    ("chainSha256", r.chainSha256.map(JSONText.string)), ("upgradeOperations", r.upgradeOperations.map(strings)),
                    ("downgradeOperations", r.downgradeOperations.map(strings)), ("upgrade", .string(r.upgrade)),
                    ("downgrade", .string(r.downgrade)), ("irreversible", .bool(r.irreversible)),
                ])
            })),
            ("inputs", map(inputs)), ("outputs", map(outputs)),
        ])
        return document.bytes + [0x0A]
    }
}
