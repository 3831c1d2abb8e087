/// What the manifest records about one revision file's content, computed from its parsed
/// XML when the project is loaded.
public struct RevisionDigest: Hashable, Sendable {
    /// SHA-256 of the canonical text of the whole `<revision>` element.
    public var content: String
    /// One entry per operation element of `<upgrade>`, in order.
    public var upgrade: [OperationDigest]
    /// One entry per operation element of an explicit `<downgrade>`; nil when derived.
    public var downgrade: [OperationDigest]?

    public init(content: String = "", upgrade: [OperationDigest] = [], downgrade: [OperationDigest]? = nil) {
        self.content = content
        self.upgrade = upgrade
        self.downgrade = downgrade
    }
}

/// One operation element: its name, where it is, and the SHA-256 of its canonical text.
public struct OperationDigest: Hashable, Sendable {
    public var element: String
    public var location: SourceLocation
    public var sha256: String

    package init(element: String, location: SourceLocation, sha256: String) {
        self.element = element
        self.location = location
        self.sha256 = sha256
    }

    /// `element sha256`, as the manifest lists it.
    public var entry: String { element + " " + sha256 }
}
