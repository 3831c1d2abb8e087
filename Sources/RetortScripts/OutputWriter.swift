import Foundation
#if canImport(Glibc)
import Glibc
import RetortModel
import RetortReading
#endif

/// Writes artifacts into the output folder atomically, and compares them with it.
public enum OutputWriter {
    /// Replaces `directory` with exactly `artifacts`: everything is written to a sibling
    /// folder first, then swapped in with renames, so an error leaves `directory` as it was.
    public static func write(_ artifacts: Artifacts, to directory: URL) throws {
        let fm = FileManager.default
        let parent = directory.deletingLastPathComponent()
        try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        let staging = parent.appendingPathComponent(".\(directory.lastPathComponent).retort-new")
        let retired = parent.appendingPathComponent(".\(directory.lastPathComponent).retort-old")
        for leftover in [staging, retired] where fm.fileExists(atPath: leftover.path) { try fm.removeItem(at: leftover) }
        do {
            try fm.createDirectory(at: staging, withIntermediateDirectories: true)
            var folders = Set<String>()
            for path in artifacts.sortedPaths {
                if let slash = path.lastIndex(of: "/"), folders.insert(String(path[..<slash])).inserted {
                    try fm.createDirectory(at: staging.appendingPathComponent(String(path[..<slash])), withIntermediateDirectories: true)
                }
                try writeFile(staging.appendingPathComponent(path).path, artifacts.files[path]!)
            }
            if fm.fileExists(atPath: directory.path) { try fm.moveItem(at: directory, to: retired) }
            try fm.moveItem(at: staging, to: directory)
            if fm.fileExists(atPath: retired.path) { try fm.removeItem(at: retired) }
        } catch {
            if !fm.fileExists(atPath: directory.path), fm.fileExists(atPath: retired.path) { try? fm.moveItem(at: retired, to: directory) }
            try? fm.removeItem(at: staging)
            throw Diagnostic(.writeFailed, at: nil, "cannot write \(directory.path): \(error.localizedDescription)")
        }
    }

    /// Writes one file with plain POSIX calls: no temporary copy and no fsync per file
    /// (atomicity comes from the folder swap), which matters at tens of thousands of files.
    package static func writeFile(_ path: String, _ bytes: [UInt8]) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Diagnostic(.writeFailed, at: nil, "cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Diagnostic(.writeFailed, at: nil, "cannot write \(path): \(String(cString: strerror(errno)))")
            }
            written += n
        }
    }

    /// Differences between `artifacts` and what `directory` holds: missing, changed and
    /// extra files, by relative path.
    public static func differences(_ artifacts: Artifacts, in directory: URL) -> [String] {
        let fm = FileManager.default
        var present = Set<String>()
        if let enumerator = fm.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey]) {
            for case let url as URL in enumerator where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                present.insert(relativePath(of: url.path, to: directory.path))
            }
        }
        var result: [String] = []
        for path in artifacts.sortedPaths {
            guard present.contains(path) else { result.append("missing: \(path)"); continue }
            let bytes = fm.contents(atPath: directory.appendingPathComponent(path).path).map { [UInt8]($0) }
            if bytes != artifacts.files[path] { result.append("changed: \(path)") }
        }
        for path in present.subtracting(artifacts.files.keys).sorted() { result.append("extra: \(path)") }
        return result
    }
}
