import Crypto
import RetortGraph
import RetortState
import RetortRendering

/// `manifest.json`: what was compiled from what — the SHA-256 of every input and output,
/// and, per revision, the hash of its canonical content chained over the graph, so that a
/// shipped revision edited later is found (`ManifestCheck`).
///
/// Format 2 added `contentSha256`, `chainSha256`, the per-operation hashes,
/// `historySha256` and `headSchemaSha256`; a format-1 manifest still decodes (its
/// revisions are simply not checked for edits).
public struct Manifest: Codable, Sendable {
    public static let currentFormat = 2

    public struct Target: Codable, Sendable { public var postgres: Int }

    public struct RevisionEntry: Codable, Sendable {
        public var id: String
        public var parents: [String]
        public var dependsOn: [String]
        public var branchLabels: [String]
        public var message: String
        public var source: String
        /// SHA-256 of the file's bytes: changes with any edit, cosmetic or not.
        public var sourceSha256: String
        /// SHA-256 of the canonical `<revision>` element: changes only with what it does.
        public var contentSha256: String?
        /// SHA-256 over `contentSha256` and the chain hashes of the parents, then of the
        /// `depends-on` revisions: a revision's chain hash changes when anything below it does.
        public var chainSha256: String?
        /// One `element sha256` per operation of `<upgrade>`, e.g. `add-column 3f2a...`: the
        /// SHA-256 of the operation's canonical text, to say which one changed.
        public var upgradeOperations: [String]?
        /// The same for an explicit `<downgrade>`; absent when the downgrade is derived.
        public var downgradeOperations: [String]?
        public var upgrade: String
        public var downgrade: String
        public var irreversible: Bool
    }

    public var tool: String
    public var toolVersion: String
    public var format: Int
    public var project: String
    public var target: Target
    public var versionTable: String
    public var transaction: String
    public var heads: [String]
    /// SHA-256 over the chain hashes of the heads: one value for the whole history.
    public var historySha256: String?
    /// SHA-256 of the head schema's CREATE statements (what `schema.sql` creates).
    public var headSchemaSha256: String?
    public var revisions: [RevisionEntry]
    public var inputs: [String: String]
    public var outputs: [String: String]
}

/// The hash chain the manifest records.
public enum ManifestChain {
    /// Chain hash per graph index: SHA-256 of `retort-chain-1`, the revision's content
    /// hash, then the chain hashes of its parents and of its `depends-on` revisions, in
    /// the order the file names them, one per line.
    public static func hashes(_ graph: RevisionGraph) -> [String] {
        var chains = Array(repeating: "", count: graph.revisions.count)
        for index in graph.order {
            var text = "retort-chain-1\n" + graph.revisions[index].digest.content + "\n"
            for parent in graph.parents[index] { text += "parent " + chains[parent] + "\n" }
            for dependency in graph.dependencies[index] { text += "depends-on " + chains[dependency] + "\n" }
            chains[index] = SHA256.hash(data: Array(text.utf8)).hexString
        }
        return chains
    }

    /// SHA-256 over the chain hashes of the heads, in replay order.
    public static func historyHash(_ graph: RevisionGraph, _ chains: [String]) -> String {
        let text = graph.heads.map { "head " + chains[$0] + "\n" }.joined()
        return SHA256.hash(data: Array(("retort-history-1\n" + text).utf8)).hexString
    }

    /// SHA-256 of the statements that create `state`, one per line.
    public static func schemaFingerprint(_ state: SchemaState) -> String {
        let text = StateRenderer.statements(for: state).map { $0.sql + "\n" }.joined()
        return SHA256.hash(data: Array(text.utf8)).hexString
    }
}
