import Foundation
import RetortModel
import RetortReading

/// A revision whose content no longer matches the hash a committed manifest recorded for
/// it: a shipped migration was changed (or removed). Cosmetic edits (layout, comments,
/// attribute order, suppressions) keep the hash; see `CanonicalForm`.
public struct EditedRevision: Hashable, Sendable {
    public static let ruleID = "edited-revision"

    public var rule: String = EditedRevision.ruleID
    /// The revision's id.
    public var revision: String
    /// The first changed operation, else the `<revision>` element; for a removed revision,
    /// its entry in the manifest.
    public var location: SourceLocation
    /// What changed, one phrase each, e.g.
    /// `upgrade operation 2 (<add-column> at models/revisions/0012_x.xml:4:5) changed`.
    public var changes: [String]
    public var message: String
}

public enum ManifestCheck {
    /// Compares the project's revisions with a committed manifest's record of them.
    ///
    /// - Parameters:
    ///   - manifest: the bytes of a `manifest.json` (any format; format 1 records no
    ///     content hashes, so nothing is reported against it).
    ///   - manifestPath: how to show the manifest's path in findings.
    /// - Returns: one finding per edited or removed revision, in manifest order.
    /// - Throws: a `bad-manifest` diagnostic when the bytes are not a manifest.
    public static func editedRevisions(_ project: Project, manifest: [UInt8], manifestPath: String) throws -> [EditedRevision] {
        // The common case, nothing edited, without decoding the manifest: every content
        // hash it records is the hash of a current revision (a hash covers the id, so a
        // removed or edited revision's recorded hash matches no current one).
        let current = Set(project.revisions.map(\.digest.content))
        if let recorded = recordedContentHashes(manifest), recorded.allSatisfy(current.contains) { return [] }

        let decoded: Manifest
        do {
            decoded = try JSONDecoder().decode(Manifest.self, from: Data(manifest))
        } catch {
            throw Diagnostic(.badManifest, at: SourceLocation(file: manifestPath, line: 1, column: 1), "cannot read the manifest: \(error)")
        }
        let byID = Dictionary(project.revisions.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let lines = ManifestLines(manifest)
        var findings: [EditedRevision] = []
        for entry in decoded.revisions {
            guard let recorded = entry.contentSha256 else { continue }
            guard let revision = byID[entry.id] else {
                let at = SourceLocation(file: manifestPath, line: lines.line(ofID: entry.id), column: 1)
                findings.append(EditedRevision(revision: entry.id, location: at, changes: ["removed"],
                                               message: "revision \(entry.id) (\(entry.source)) is recorded in \(manifestPath) but no longer exists; a shipped revision must stay"))
                continue
            }
            guard revision.digest.content != recorded else { continue }
            let (changes, first) = describe(entry, revision)
            findings.append(EditedRevision(revision: entry.id, location: first ?? revision.location, changes: changes,
                                           message: "revision \(entry.id) changed after it was recorded in \(manifestPath): \(changes.joined(separator: "; "))"))
        }
        return findings
    }

    /// Every `"contentSha256" : "<hex>"` value in a manifest's bytes; nil when the bytes
    /// are not UTF-8 JSON as Retort writes it (then the full decoder decides).
    package static func recordedContentHashes(_ bytes: [UInt8]) -> [String]? {
        let key = Array("\"contentSha256\" : \"".utf8)
        var result: [String] = []
        var i = 0
        guard bytes.first == UInt8(ascii: "{") else { return nil }
        while i + key.count + 64 < bytes.count {
            if bytes[i] == key[0], bytes[i..<(i + key.count)].elementsEqual(key) {
                let start = i + key.count
                guard bytes[start + 64] == UInt8(ascii: "\"") else { return nil }
                result.append(String(decoding: bytes[start..<(start + 64)], as: UTF8.self))
                i = start + 65
            } else {
                i += 1
            }
        }
        return result
    }

    /// The manifest's default place for `project`: `manifest.json` in its output folder.
    public static func committedManifest(of project: Project) -> URL {
        project.outputDirectory.appendingPathComponent("manifest.json")
    }

    // MARK: - What changed

    private static func describe(_ entry: Manifest.RevisionEntry, _ revision: Revision) -> ([String], SourceLocation?) {
        var changes: [String] = []
        var first: SourceLocation?
        func list(_ items: [String]) -> String { items.isEmpty ? "(none)" : items.joined(separator: " ") }
        if entry.parents != revision.parents { changes.append("parents changed from \(list(entry.parents)) to \(list(revision.parents))") }
        if entry.dependsOn != revision.dependsOn { changes.append("depends-on changed from \(list(entry.dependsOn)) to \(list(revision.dependsOn))") }
        if entry.branchLabels != revision.branchLabels { changes.append("branch-labels changed from \(list(entry.branchLabels)) to \(list(revision.branchLabels))") }
        if entry.message != revision.message { changes.append("message changed") }
        if !changes.isEmpty { first = revision.location }

        func operations(_ section: String, _ entries: [String], _ new: [OperationDigest]) {
            let old = entries.map { entry in
                let parts = entry.split(separator: " ", maxSplits: 1).map(String.init)
                return (element: parts.first ?? "", sha256: parts.count > 1 ? parts[1] : "")
            }
            for change in diff(old, new) {
                switch change {
                case .changed(let at):
                    changes.append("\(section) operation \(at + 1) (<\(new[at].element)> at \(new[at].location)) changed")
                    first = first ?? new[at].location
                case .added(let at):
                    changes.append("\(section) operation \(at + 1) (<\(new[at].element)> at \(new[at].location)) added")
                    first = first ?? new[at].location
                case .removed(let at):
                    changes.append("\(section) operation \(at + 1) (<\(old[at].element)>) removed")
                }
            }
        }
        if let recorded = entry.upgradeOperations { operations("upgrade", recorded, revision.digest.upgrade) }
        switch (entry.downgradeOperations, revision.digest.downgrade) {
        case (nil, nil): break
        case (nil, .some): changes.append("explicit <downgrade> added")
        case (.some, nil): changes.append("explicit <downgrade> removed")
        case (let old?, let new?): operations("downgrade", old, new)
        }
        // Same operations and known attributes: another attribute of <revision> changed.
        if changes.isEmpty {
            changes.append("attributes of <revision> changed")
            first = revision.location
        }
        return (changes, first)
    }

    package enum OperationChange: Equatable {
        case changed(Int)   // index in the new list
        case added(Int)     // index in the new list
        case removed(Int)   // index in the old list
    }

    /// Aligns the recorded and current operations on their hashes (longest common
    /// subsequence); between two matches, removed and added operations pair up as changed.
    package static func diff(_ old: [(element: String, sha256: String)], _ new: [OperationDigest]) -> [OperationChange] {
        let a = old.map(\.sha256), b = new.map(\.sha256)
        if a == b { return [] }
        var lcs = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var result: [OperationChange] = []
        var removed: [Int] = [], added: [Int] = []
        func flush() {
            let paired = min(removed.count, added.count)
            for k in 0..<paired { result.append(.changed(added[k])) }
            for k in removed.dropFirst(paired) { result.append(.removed(k)) }
            for k in added.dropFirst(paired) { result.append(.added(k)) }
            removed = []
            added = []
        }
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                flush()
                i += 1
                j += 1
            } else if j < b.count, i == a.count || lcs[i][j + 1] >= lcs[i + 1][j] {
                added.append(j)
                j += 1
            } else {
                removed.append(i)
                i += 1
            }
        }
        flush()
        return result
    }
}

/// Line numbers of revision entries in a pretty-printed manifest, for findings about
/// revisions that exist only there.
private struct ManifestLines {
    let text: [Substring]

    init(_ bytes: [UInt8]) {
        text = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
    }

    func line(ofID id: String) -> Int {
        let needle = "\"id\" : \"\(id)\""
        return (text.firstIndex { $0.contains(needle) } ?? 0) + 1
    }
}
