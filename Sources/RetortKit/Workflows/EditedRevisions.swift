import Foundation
import RetortModel
import RetortReading
import RetortScripts

/// Which recorded revisions were edited, checked against a manifest: the one named by
/// `--manifest`, else the output folder's.
package enum EditedRevisions {
    package struct Found {
        package var edited: [EditedRevision]
        /// Set when the output folder's manifest cannot be read as one (a merge conflict in
        /// it, say): `retort sql` must still be able to rewrite it, so this is a warning.
        package var warning: String?
    }

    package enum Failure: Error { case unreadableManifest(String) }

    package static func find(_ project: Project, manifest path: String?) throws -> Found {
        let url = path.map { URL(fileURLWithPath: $0).standardizedFileURL } ?? ManifestCheck.committedManifest(of: project)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            if path != nil { throw Failure.unreadableManifest(url.path) }
            return Found(edited: [])
        }
        let shown = path ?? project.displayPath(url)
        do {
            return Found(edited: try ManifestCheck.editedRevisions(project, manifest: [UInt8](data), manifestPath: shown))
        } catch let diagnostic as Diagnostic where path == nil {
            return Found(edited: [], warning: "\(diagnostic.location.map { "\($0): " } ?? "")warning: \(diagnostic.message); revisions not checked for edits")
        }
    }
}
