/// One element of an input file, as the reader hands it to the decoders: attributes in
/// document order, child elements, the concatenated text content, and the position of
/// the start tag's `<`.
public struct XMLNode: Sendable {
    public var name: String
    public var attributes: [(name: String, value: String)]
    public var children: [XMLNode]
    public var text: String
    public var location: SourceLocation

    public func attribute(_ name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }
}
