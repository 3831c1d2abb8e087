import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif
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
        func xmlFiles(in folder: URL) throws -> [(path: String, name: String)] {
            guard fm.fileExists(atPath: folder.path) else { return [] }
            var names = try fm.contentsOfDirectory(atPath: folder.path)
                .filter { $0.hasSuffix(".xml") && !$0.hasPrefix(".") }
            shuffle?(&names)
            names.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            let prefix = folder.path + "/"
            return names.map { (prefix + $0, $0) }
        }
        let projectDisplay = relativePath(of: directory.path, to: base.path)
        var inputs: [(String, String)] = []
        func read(_ path: String, display: String) throws -> (XMLNode, String) {
            let (root, hash) = try parse(path, display: display)
            inputs.append((display, hash))
            return (root, hash)
        }

        var settings = ProjectSettings()
        let settingsURL = directory.appendingPathComponent("retort.xml")
        if fm.fileExists(atPath: settingsURL.path) {
            settings = try DeclarationDecoder().settings(try read(settingsURL.path, display: projectDisplay + "/retort.xml").0)
        }
        var models = ModelDeclarations()
        for (path, name) in try xmlFiles(in: directory) where name != "retort.xml" {
            models.merge(try DeclarationDecoder().model(try read(path, display: projectDisplay + "/" + name).0))
        }
        var revisions: [Revision] = []
        var seen: [String: SourceLocation] = [:]
        let revisionsDisplay = projectDisplay + "/revisions/"
        let files = try xmlFiles(in: directory.appendingPathComponent("revisions"))
        // Each file is read, parsed and decoded on its own, so the files are shared among
        // the processors; the results are then taken in name order, the first error first,
        // exactly as one thread would have met them.
        XMLReader.prepareForThreads()
        let decoded = inParallel(files.count) { i -> (Revision, String) in
            let (path, name) = files[i]
            let display = revisionsDisplay + name
            let (root, hash) = try parse(path, display: display)
            return (try DeclarationDecoder().revision(root, stem: String(name.dropLast(4)), hash: hash), display)
        }
        for result in decoded {
            let (revision, display) = try result.get()
            inputs.append((display, revision.sourceHash))
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

extension ProjectLoader {
    /// A project from bytes already in memory, decoded exactly as `load` decodes files:
    /// `settings` is `retort.xml` (nil: the defaults), `models` and `revisions` are
    /// (file name, bytes) in the order to read them. The fuzz target uses it so that no
    /// file system call sits between the input and the pipeline.
    package static func load(directory: URL, settings: [UInt8]?, models: [(name: String, bytes: [UInt8])],
                             revisions: [(name: String, bytes: [UInt8])]) throws -> Project {
        let directory = directory.standardizedFileURL
        let display = directory.lastPathComponent
        var inputs: [(String, String)] = []
        func parse(_ bytes: [UInt8], _ path: String) throws -> (XMLNode, String) {
            let hash = SHA256.hash(data: bytes).hexString
            inputs.append((path, hash))
            return (try XMLReader.parse(bytes, displayPath: path), hash)
        }
        var decodedSettings = ProjectSettings()
        if let settings {
            decodedSettings = try DeclarationDecoder().settings(try parse(settings, display + "/retort.xml").0)
        }
        var declarations = ModelDeclarations()
        for (name, bytes) in models {
            declarations.merge(try DeclarationDecoder().model(try parse(bytes, display + "/" + name).0))
        }
        var decoded: [Revision] = []
        var seen: [String: SourceLocation] = [:]
        for (name, bytes) in revisions {
            let (root, hash) = try parse(bytes, display + "/revisions/" + name)
            let revision = try DeclarationDecoder().revision(root, stem: String(name.dropLast(4)), hash: hash)
            if let first = seen[revision.id] {
                throw Diagnostic(.duplicateRevision, at: revision.location, "revision id \(revision.id) is already used at \(first)")
            }
            seen[revision.id] = revision.location
            decoded.append(revision)
        }
        inputs.sort { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
        return Project(directory: directory, displayBase: directory.deletingLastPathComponent(), settings: decodedSettings,
                       models: declarations, revisions: decoded, inputs: inputs)
    }
}

/// Reads and parses one XML file; its tree and the SHA-256 of its bytes.
private func parse(_ path: String, display: String) throws -> (XMLNode, String) {
    let start = SourceLocation(file: display, line: 1, column: 1)
    let bytes: [UInt8]
    switch readFile(path, limit: XMLReader.maximumFileSize) {
    case .unreadable: throw Diagnostic(.unreadable, at: start, "cannot read file")
    case .tooLarge: throw Diagnostic(.xmlTooLarge, at: start, "file is larger than \(XMLReader.maximumFileSize) bytes")
    case .bytes(let read): bytes = read
    }
    return (try XMLReader.parse(bytes, displayPath: display), SHA256.hash(data: bytes).hexString)
}

package enum FileRead {
    case bytes([UInt8])
    case unreadable
    case tooLarge
}

/// A whole file with plain POSIX calls (no Foundation `Data` in between), refusing one
/// larger than `limit` bytes.
package func readFile(_ path: String, limit: Int) -> FileRead {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return .unreadable }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return .unreadable }
    if Int(info.st_size) > limit { return .tooLarge }
    // The size can change under us: read until end of file, never past the limit.
    var bytes = [UInt8](repeating: 0, count: min(limit + 1, Int(info.st_size) + 1))
    var total = 0
    while true {
        if total == bytes.count {
            if bytes.count > limit { return .tooLarge }
            bytes += [UInt8](repeating: 0, count: min(limit + 1, bytes.count * 2) - bytes.count)
        }
        let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + total, $0.count - total) }
        if n < 0 { if errno == EINTR { continue }; return .unreadable }
        if n == 0 { break }
        total += n
    }
    if total > limit { return .tooLarge }
    bytes.removeLast(bytes.count - total)
    return .bytes(bytes)
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
