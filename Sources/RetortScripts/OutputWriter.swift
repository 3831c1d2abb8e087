import Foundation
#if canImport(Glibc)
import Glibc
#endif
import CRetortSystem
import RetortModel

/// Writes artifacts into the output folder and compares them with it.
///
/// The folder is replaced as a whole or not at all. The new tree is built beside it
/// (`.out.retort-new`): files whose bytes did not change are hard links to the ones in
/// place, the others are written. One `renameat2(RENAME_EXCHANGE)` then swaps the two
/// trees, and the old one is deleted. A process killed at any moment leaves `out/` as the
/// complete old tree or the complete new one; leftovers are removed by the next run. When
/// nothing changed, nothing is written at all.
public enum OutputWriter {
    /// What a write did.
    public struct Outcome: Hashable, Sendable {
        /// Files written because they are new or their bytes changed.
        public var written = 0
        /// Files kept as they were (hard-linked into the new tree, or left alone).
        public var kept = 0
        /// Files and folders in the old tree that the new one does not have.
        public var removed = 0
        public var changed: Bool { written + removed > 0 }

        public init(written: Int = 0, kept: Int = 0, removed: Int = 0) {
            self.written = written
            self.kept = kept
            self.removed = removed
        }
    }

    /// Makes `directory` hold exactly `artifacts`.
    @discardableResult
    public static func write(_ artifacts: Artifacts, to directory: URL) throws -> Outcome {
        let out = directory.standardizedFileURL.path
        let parent = directory.standardizedFileURL.deletingLastPathComponent().path
        let name = directory.standardizedFileURL.lastPathComponent
        let staging = parent + "/." + name + ".retort-new"
        let retired = parent + "/." + name + ".retort-old"
        do {
            try makeDirectories(parent)
            try recoverOrClean(out: out, staging: staging, retired: retired)
            let comparison = compare(artifacts, in: out)
            var outcome = Outcome(written: comparison.differing.count, kept: comparison.same.count, removed: comparison.extra.count)
            if comparison.exists && !outcome.changed { return outcome }

            try makeDirectories(staging)
            var folders = Set<String>()
            for path in artifacts.sortedPaths {
                if let slash = path.lastIndex(of: "/"), folders.insert(String(path[..<slash])).inserted {
                    try makeDirectories(staging + "/" + path[..<slash])
                }
                if comparison.same.contains(path), link(out + "/" + path, staging + "/" + path) == 0 { continue }
                try writeFile(staging + "/" + path, artifacts.files[path]!)
                if comparison.same.contains(path) { outcome.kept -= 1; outcome.written += 1 }
            }
            if !comparison.exists {
                try check(rename(staging, out), "cannot move \(staging) to \(out)")
                return outcome
            }
            if retort_exchange_paths(staging, out) == 0 {
                try removeTree(staging)
            } else if errno == EINVAL || errno == ENOSYS || errno == EXDEV {
                // No exchange on this file system: two renames. A kill between them leaves
                // the old tree at `retired`, which the next run moves back first.
                try check(rename(out, retired), "cannot move \(out) aside")
                try check(rename(staging, out), "cannot move \(staging) to \(out)")
                try removeTree(retired)
            } else {
                throw failure("cannot swap \(staging) and \(out)")
            }
            return outcome
        } catch let diagnostic as Diagnostic {
            try? removeTree(staging)
            throw diagnostic
        }
    }

    /// Differences between `artifacts` and what `directory` holds: missing, changed and
    /// extra files, by relative path.
    public static func differences(_ artifacts: Artifacts, in directory: URL) -> [String] {
        let comparison = compare(artifacts, in: directory.standardizedFileURL.path)
        return artifacts.sortedPaths.compactMap { path in
            if comparison.missing.contains(path) { return "missing: \(path)" }
            if comparison.differing.contains(path) { return "changed: \(path)" }
            return nil
        } + comparison.extra.map { "extra: \($0)" }
    }

    // MARK: - Comparing

    package struct Comparison {
        package var exists = false
        package var same = Set<String>()
        /// Missing or changed.
        package var differing = Set<String>()
        package var missing = Set<String>()
        /// Files and folders present but not artifacts, sorted.
        package var extra: [String] = []
    }

    /// Which artifacts `directory` already holds byte for byte.
    package static func compare(_ artifacts: Artifacts, in directory: String) -> Comparison {
        var result = Comparison()
        guard let present = listTree(directory) else {
            result.differing = Set(artifacts.files.keys)
            result.missing = result.differing
            return result
        }
        result.exists = true
        // Reading the files back is most of the cost when nothing changed: shared among the processors.
        let paths = Array(artifacts.files.keys)
        let held = inParallel(paths.count) { i -> Bool in
            present.files.contains(paths[i]) && fileHolds(directory + "/" + paths[i], artifacts.files[paths[i]]!)
        }
        for (path, same) in zip(paths, held) {
            if same {
                result.same.insert(path)
            } else {
                result.differing.insert(path)
                if !present.files.contains(path) { result.missing.insert(path) }
            }
        }
        let folders = Set(artifacts.files.keys.compactMap { path in path.lastIndex(of: "/").map { String(path[..<$0]) } })
        result.extra = (present.files.subtracting(artifacts.files.keys).union(present.folders.subtracting(folders)))
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return result
    }

    /// Whether the file at `path` holds exactly `bytes`.
    private static func fileHolds(_ path: String, _ bytes: [UInt8]) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) == bytes.count else { return false }
        // One byte more than expected, to see a file that grew.
        var buffer = [UInt8](repeating: 0, count: bytes.count + 1)
        var total = 0
        while total <= bytes.count {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + total, bytes.count + 1 - total) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            total += n
        }
        guard total == bytes.count else { return false }
        if bytes.isEmpty { return true }
        return bytes.withUnsafeBytes { a in buffer.withUnsafeBytes { b in memcmp(a.baseAddress!, b.baseAddress!, bytes.count) == 0 } }
    }

    /// Every regular file and folder under `root`, relative to it; nil when `root` is not a folder.
    package static func listTree(_ root: String) -> (files: Set<String>, folders: Set<String>)? {
        guard let top = opendir(root) else { return nil }
        closedir(top)
        var files = Set<String>(), folders = Set<String>()
        var pending = [""]
        while let relative = pending.popLast() {
            guard let dir = opendir(relative.isEmpty ? root : root + "/" + relative) else { continue }
            defer { closedir(dir) }
            while let entry = readdir(dir) {
                let name = entryName(entry)
                if name == "." || name == ".." { continue }
                let path = relative.isEmpty ? name : relative + "/" + name
                var type = Int32(entry.pointee.d_type)
                if type == Int32(DT_UNKNOWN) {
                    var info = stat()
                    if lstat(root + "/" + path, &info) == 0 { type = (info.st_mode & S_IFMT) == S_IFDIR ? Int32(DT_DIR) : Int32(DT_REG) }
                }
                if type == Int32(DT_DIR) {
                    folders.insert(path)
                    pending.append(path)
                } else {
                    files.insert(path)
                }
            }
        }
        return (files, folders)
    }

    // MARK: - File system

    /// Leftovers of a run that was killed: a staging tree (incomplete or, after the swap,
    /// the old one) is deleted; an old tree moved aside while `out` is missing is moved back.
    private static func recoverOrClean(out: String, staging: String, retired: String) throws {
        var info = stat()
        if lstat(out, &info) != 0, lstat(retired, &info) == 0 {
            try check(rename(retired, out), "cannot move \(retired) back to \(out)")
        }
        try removeTree(staging)
        try removeTree(retired)
    }

    package static func makeDirectories(_ path: some StringProtocol) throws {
        let path = String(path)
        if mkdir(path, 0o755) == 0 || errno == EEXIST { return }
        guard errno == ENOENT, let slash = path.lastIndex(of: "/"), slash > path.startIndex else {
            throw failure("cannot create \(path)")
        }
        try makeDirectories(path[..<slash])
        if mkdir(path, 0o755) != 0 && errno != EEXIST { throw failure("cannot create \(path)") }
    }

    /// Deletes `path` and everything under it; nothing when it does not exist.
    package static func removeTree(_ path: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            if let dir = opendir(path) {
                var names: [String] = []
                while let entry = readdir(dir) {
                    let name = entryName(entry)
                    if name != "." && name != ".." { names.append(name) }
                }
                closedir(dir)
                for name in names { try removeTree(path + "/" + name) }
            }
            try check(rmdir(path), "cannot remove \(path)")
        } else {
            try check(unlink(path), "cannot remove \(path)")
        }
    }

    /// Writes one file with plain POSIX calls: no temporary copy and no fsync per file
    /// (atomicity comes from the folder swap), which matters at tens of thousands of files.
    package static func writeFile(_ path: String, _ bytes: [UInt8]) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("cannot create \(path)") }
        defer { close(fd) }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("cannot write \(path)")
            }
            written += n
        }
    }

    private static func entryName(_ entry: UnsafeMutablePointer<dirent>) -> String {
        withUnsafePointer(to: entry.pointee.d_name) { $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) } }
    }

    private static func check(_ status: Int32, _ what: String) throws {
        if status != 0 { throw failure(what) }
    }

    private static func failure(_ what: String) -> Diagnostic {
        Diagnostic(.writeFailed, at: nil, "\(what): \(String(cString: strerror(errno)))")
    }
}
