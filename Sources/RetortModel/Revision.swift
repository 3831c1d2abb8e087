/// One revision file: a node of the history graph and the operations it applies.
public struct Revision: Sendable {
    public var id: String
    public var parents: [String]
    public var message: String
    public var branchLabels: [String]
    public var dependsOn: [String]
    /// The file name without `.xml`; names the revision's output scripts.
    public var stem: String
    /// The position of the `<revision>` element (its `file` is the display path).
    public var location: SourceLocation
    public var upgrade: [Step]
    /// An explicit `<downgrade>`, which overrides the derived one.
    public var downgrade: [Step]?
    /// `<lint-allow>` on the whole revision.
    public var allows: [LintAllow]
    /// SHA-256 of the file's bytes, hex.
    public var sourceHash: String
    /// Hashes of the file's canonical content, which the manifest chains over the graph.
    public var digest = RevisionDigest()

    package init(id: String, parents: [String], message: String, branchLabels: [String], dependsOn: [String], stem: String, location: SourceLocation, upgrade: [Step], downgrade: [Step]? = nil, allows: [LintAllow], sourceHash: String, digest: RevisionDigest = RevisionDigest()) {
        self.id = id
        self.parents = parents
        self.message = message
        self.branchLabels = branchLabels
        self.dependsOn = dependsOn
        self.stem = stem
        self.location = location
        self.upgrade = upgrade
        self.downgrade = downgrade
        self.allows = allows
        self.sourceHash = sourceHash
        self.digest = digest
    }
}

public enum TransactionMode: String, Sendable, CaseIterable {
    case perRevision = "per-revision", single, none
}

/// `retort.xml`, with the defaults of SPEC §2.1.
public struct ProjectSettings: Sendable {
    public var name = "retort-project"
    public var targetPostgres = 15
    public var versionTable = QualifiedName(schema: defaultSchema, name: "retort_version")
    public var outputDirectory = "../out"
    public var transaction = TransactionMode.perRevision
    public var guardEnabled = true
    public var lockTimeout: String?
    public var lintSeverities: [String: String] = [:]
    public var location: SourceLocation?

    public init() {}
}
