import Crypto
import Foundation
import RetortModel

/// Everything a project's files declare, read and decoded.
public struct Project: Sendable {
    /// The project folder.
    public var directory: URL
    /// The folder display paths are relative to (the project's parent).
    public var displayBase: URL
    public var settings: ProjectSettings
    public var models: ModelDeclarations
    public var revisions: [Revision]
    /// Every input file: display path and SHA-256 (hex), sorted by path.
    public var inputs: [(path: String, sha256: String)]

    /// Where `retort sql` writes, resolved against the project folder.
    public var outputDirectory: URL {
        directory.appendingPathComponent(settings.outputDirectory).standardizedFileURL
    }

    public func displayPath(_ url: URL) -> String {
        relativePath(of: url.standardizedFileURL.path, to: displayBase.standardizedFileURL.path)
    }
}

public enum ProjectLoader {
    /// Reads `retort.xml`, the model files and `revisions/*.xml` of the project at
    /// `directory`. Files are read in name order, so the result does not depend on the
    /// order the file system lists them in; `shuffle` exists to let tests prove that.
    public static func load(_ directory: URL, shuffle: ((inout [String]) -> Void)? = nil) throws -> Project {
        let directory = directory.standardizedFileURL
        let base = directory.deletingLastPathComponent()
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw Diagnostic(.noProject, at: nil, "project folder '\(relativePath(of: directory.path, to: fm.currentDirectoryPath))' does not exist (use --project DIR or RETORT_PROJECT)")
        }
        func xmlFiles(in folder: URL) throws -> [(url: URL, name: String)] {
            guard fm.fileExists(atPath: folder.path) else { return [] }
            var names = try fm.contentsOfDirectory(atPath: folder.path)
                .filter { $0.hasSuffix(".xml") && !$0.hasPrefix(".") }
            shuffle?(&names)
            names.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            return names.map { (folder.appendingPathComponent($0), $0) }
        }
        let projectDisplay = relativePath(of: directory.path, to: base.path)
        var inputs: [(String, String)] = []
        func read(_ url: URL, display: String) throws -> (XMLNode, String) {
            let start = SourceLocation(file: display, line: 1, column: 1)
            guard let handle = FileHandle(forReadingAtPath: url.path) else {
                throw Diagnostic(.unreadable, at: start, "cannot read file")
            }
            defer { try? handle.close() }
            let data = (try? handle.read(upToCount: XMLReader.maximumFileSize + 1)) ?? Data()
            if data.count > XMLReader.maximumFileSize {
                throw Diagnostic(.xmlTooLarge, at: start, "file is larger than \(XMLReader.maximumFileSize) bytes")
            }
            let bytes = [UInt8](data)
            let hash = SHA256.hash(data: bytes).hexString
            inputs.append((display, hash))
            return (try XMLReader.parse(bytes, displayPath: display), hash)
        }

        var settings = ProjectSettings()
        let settingsURL = directory.appendingPathComponent("retort.xml")
        if fm.fileExists(atPath: settingsURL.path) {
            settings = try DeclarationDecoder().settings(try read(settingsURL, display: projectDisplay + "/retort.xml").0)
        }
        var models = ModelDeclarations()
        for (url, name) in try xmlFiles(in: directory) where name != "retort.xml" {
            models.merge(try DeclarationDecoder().model(try read(url, display: projectDisplay + "/" + name).0))
        }
        var revisions: [Revision] = []
        var seen: [String: SourceLocation] = [:]
        for (url, name) in try xmlFiles(in: directory.appendingPathComponent("revisions")) {
            let (root, hash) = try read(url, display: projectDisplay + "/revisions/" + name)
            let revision = try DeclarationDecoder().revision(root, stem: String(name.dropLast(4)), hash: hash)
            if let first = seen[revision.id] {
                throw Diagnostic(.duplicateRevision, at: revision.location, "revision id \(revision.id) is already used at \(first)")
            }
            seen[revision.id] = revision.location
            revisions.append(revision)
        }
        inputs.sort { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
        return Project(directory: directory, displayBase: base, settings: settings, models: models, revisions: revisions, inputs: inputs)
    }
}

/// `path` relative to `base` when it lies below it, with `..` steps otherwise.
package func relativePath(of path: String, to base: String) -> String {
    let target = URL(fileURLWithPath: path).standardizedFileURL.pathComponents
    let from = URL(fileURLWithPath: base).standardizedFileURL.pathComponents
    var common = 0
    while common < min(target.count, from.count), target[common] == from[common] { common += 1 }
    let parts = Array(repeating: "..", count: from.count - common) + target[common...]
    return parts.isEmpty ? "." : parts.joined(separator: "/")
}

extension Sequence where Element == UInt8 {
    package var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        for byte in self {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension SHA256.Digest {
    package var hexString: String { Array(self).hexString }
}
