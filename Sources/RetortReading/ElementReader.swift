import RetortSQL
import RetortModel
/// Reads one element's attributes with checks: unknown attributes are refused with a
/// did-you-mean, required ones must be present, booleans and enumerations are validated.
package struct ElementReader {
    package let node: XMLNode

    package init(_ node: XMLNode, allowed: [String]) throws {
        self.node = node
        for attribute in node.attributes where !allowed.contains(attribute.name) {
            throw Diagnostic(.unknownAttribute, at: node.location,
                             "unknown attribute '\(attribute.name)' on <\(node.name)>\(didYouMean(attribute.name, among: allowed))")
        }
    }

    package var location: SourceLocation { node.location }

    package func fail(_ message: String, id: String = "bad-value") -> Diagnostic {
        Diagnostic(id, at: node.location, message)
    }

    package func optional(_ name: String) throws -> String? {
        guard let value = node.attribute(name) else { return nil }
        if value.unicodeScalars.contains("\u{0}") { throw fail("attribute '\(name)' contains U+0000") }
        return value
    }

    package func required(_ name: String) throws -> String {
        guard let value = try optional(name) else {
            throw fail("<\(node.name)> needs attribute '\(name)'", id: "missing-attribute")
        }
        if value.trimmingWhitespace().isEmpty { throw fail("attribute '\(name)' of <\(node.name)> is empty") }
        return value
    }

    package func bool(_ name: String) throws -> Bool? {
        guard let value = try optional(name) else { return nil }
        switch value {
        case "true": return true
        case "false": return false
        default: throw fail("attribute '\(name)' must be true or false, not '\(value)'")
        }
    }

    package func choice<T>(_ name: String, _ options: [(String, T)]) throws -> T? {
        guard let value = try optional(name) else { return nil }
        let normalized = value.split(whereSeparator: \.isWhitespace).joined(separator: " ").asciiLowercased()
        if let match = options.first(where: { $0.0 == normalized }) { return match.1 }
        let names = options.map(\.0)
        throw fail("attribute '\(name)' must be one of \(names.map { "'\($0)'" }.joined(separator: ", ")), not '\(value)'\(didYouMean(normalized, among: names))")
    }

    package func integer(_ name: String) throws -> Int64? {
        guard let value = try optional(name) else { return nil }
        guard let number = Int64(value.trimmingWhitespace()) else { throw fail("attribute '\(name)' must be an integer, not '\(value)'") }
        return number
    }

    /// `a, b` → `["a", "b"]`.
    package func list(_ name: String) throws -> [String]? {
        guard let value = try optional(name) else { return nil }
        let items = value.split(separator: ",").map { $0.trimmingWhitespace() }
        if items.isEmpty || items.contains(where: \.isEmpty) { throw fail("attribute '\(name)' must be a comma-separated list of names, not '\(value)'") }
        return items
    }

    /// A possibly schema-qualified name: `billing.invoices` or `students`.
    package func qualified(_ name: String, defaultSchema schema: String) throws -> QualifiedName {
        try parseQualified(try required(name), attribute: name, defaultSchema: schema)
    }

    package func parseQualified(_ value: String, attribute: String, defaultSchema schema: String) throws -> QualifiedName {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false).map { $0.trimmingWhitespace() }
        guard parts.count <= 2, !parts.contains(where: \.isEmpty) else {
            throw fail("attribute '\(attribute)' must be a name or schema.name, not '\(value)'")
        }
        return parts.count == 2 ? QualifiedName(schema: parts[0], name: parts[1]) : QualifiedName(schema: schema, name: parts[0])
    }

    /// Children, each checked against the element names allowed here.
    package func children(allowed: [String]) throws -> [XMLNode] {
        for child in node.children where !allowed.contains(child.name) {
            throw Diagnostic(.unknownElement, at: child.location,
                             "unknown element <\(child.name)> in <\(node.name)>\(didYouMean(child.name, among: allowed))")
        }
        return node.children
    }

    /// An attribute holding SQL, checked by PostgreSQL's parser against what its slot
    /// holds; a refusal points at the byte in the attribute where the parser stopped.
    package func sql(_ name: String, as slot: SQLSlot) throws -> String? {
        guard let value = try optional(name) else { return nil }
        try Self.checkSQL(value, as: slot) { node.location(ofAttribute: name, offset: $0) }
        return value
    }

    /// The element's text as SQL for `slot`, whitespace around it removed (and for a view
    /// body a final `;`), checked like `sql(_:as:)`.
    package static func sqlText(_ text: String, of element: XMLNode, as slot: SQLSlot) throws -> String {
        let lead = text.utf8.count - String(text.drop(while: \.isWhitespace)).utf8.count
        var body = text.trimmingWhitespace()
        if slot == .viewBody, body.hasSuffix(";") {
            body.removeLast()
            body = String(body.reversed().drop(while: \.isWhitespace).reversed())
        }
        try Self.checkSQL(body, as: slot) { element.location(ofText: lead + $0) }
        return body
    }

    package static func checkSQL(_ text: String, as slot: SQLSlot, locate: (Int) -> SourceLocation) throws {
        do { try SQLFragment.check(text, as: slot) } catch {
            throw Diagnostic(error.id, at: locate(error.offset), error.message)
        }
    }

    /// Text content when the element may hold only text.
    package func text() throws -> String {
        if let child = node.children.first {
            throw Diagnostic(.unknownElement, at: child.location, "<\(node.name)> holds text only, not <\(child.name)>")
        }
        if node.text.unicodeScalars.contains("\u{0}") { throw fail("text contains U+0000") }
        return node.text
    }
}
