import RetortModel

/// One element of an input file, as the reader hands it to the decoders: attributes in
/// document order, child elements, the concatenated text content, and the position of
/// the start tag's `<`.
public struct XMLNode: Sendable {
    public var name: String
    public var attributes: [(name: String, value: String)]
    public var children: [XMLNode]
    public var text: String
    public var location: SourceLocation
    /// The file the element came from and the byte offset of its `<`, to locate positions
    /// inside its attribute values and text (nil for elements built in memory).
    package var source: XMLSource?
    package var offset: Int = 0

    public init(name: String, attributes: [(name: String, value: String)], children: [XMLNode], text: String, location: SourceLocation) {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.text = text
        self.location = location
    }

    public func attribute(_ name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }
}
