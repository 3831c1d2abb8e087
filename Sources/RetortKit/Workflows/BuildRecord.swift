import Foundation
import Crypto
import RetortModel
import RetortScripts

/// What the last `retort sql` (or passing `sql --check`) of a project saw, so that a run
/// with nothing changed can say so without compiling: the executable, every input file and
/// every file of the output folder, each by its `stat` signature (size, modification time
/// in nanoseconds, inode, device), as git's index and make do. Output is a pure function of
/// the inputs and the executable, so when none of them moved, neither did `out/`.
///
/// The record lives outside the project, in `$XDG_CACHE_HOME/retort/` (else
/// `~/.cache/retort/`), one file per project folder, written atomically; `out/` itself
/// stays byte-deterministic. Input signatures are taken before the project is read, so a
/// file edited during a run makes the next run compile, and inputs modified in the second
/// before are not trusted (the clock is coarse). A record is only written after a run
/// without warnings. Any doubt (no record, another executable, a file added, removed,
/// touched or replaced) means the full run. `RETORT_NO_BUILD_RECORD=1` turns it off.
package struct BuildRecord: Equatable {
    package var tool: String
    package var project: String
    package var inputs: [String: String]
    package var output: String
    /// The output folder as messages show it.
    package var shown: String
    package var outputs: [String: String]
    package var files: Int
    package var revisions: Int

    // MARK: Where

    static var enabled: Bool { (ProcessInfo.processInfo.environment["RETORT_NO_BUILD_RECORD"] ?? "").isEmpty }

    static func location(for project: URL) -> URL? {
        let environment = ProcessInfo.processInfo.environment
        let base: URL
        if let cache = environment["XDG_CACHE_HOME"], cache.hasPrefix("/") {
            base = URL(fileURLWithPath: cache)
        } else if let home = environment["HOME"], home.hasPrefix("/") {
            base = URL(fileURLWithPath: home).appendingPathComponent(".cache")
        } else {
            return nil
        }
        let key = SHA256.hash(data: Array(project.standardizedFileURL.path.utf8)).map { String(format: "%02x", $0) }.joined().prefix(32)
        return base.appendingPathComponent("retort").appendingPathComponent("\(key).record")
    }

    // MARK: Signatures

    /// `size mtime-ns inode device` of a regular file, nil when it is not one.
    static func signature(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return "\(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec) \(info.st_ino) \(info.st_dev)"
    }

    /// The running executable.
    static var toolSignature: String? {
        let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return signature(path).map { "\(path) \($0)" }
    }

    /// Every file the project loader reads: `retort.xml`, the model files and the
    /// revisions (`*.xml`, not hidden), by path relative to the project folder.
    static func inputSignatures(_ project: URL) -> [String: String]? {
        var result: [String: String] = [:]
        let fm = FileManager.default
        for folder in ["", "revisions"] {
            let path = folder.isEmpty ? project.path : project.appendingPathComponent(folder).path
            guard let names = try? fm.contentsOfDirectory(atPath: path) else {
                if folder.isEmpty { return nil } else { continue }
            }
            for name in names where name.hasSuffix(".xml") && !name.hasPrefix(".") {
                let relative = folder.isEmpty ? name : folder + "/" + name
                guard let signature = signature(path + "/" + name) else { continue }
                result[relative] = signature
            }
        }
        return result
    }

    static func outputSignatures(_ output: String) -> [String: String]? {
        guard let tree = OutputWriter.listTree(output) else { return nil }
        let files = Array(tree.files)
        let signatures = inParallel(files.count) { signature(output + "/" + files[$0]) }
        var result: [String: String] = [:]
        result.reserveCapacity(files.count)
        for (file, signature) in zip(files, signatures) {
            guard let signature else { return nil }
            result[file] = signature
        }
        return result
    }

    // MARK: Reading and writing

    /// The record, if one exists and still describes the executable, the inputs and `out/`.
    static func current(for project: URL, inputs: [String: String]?) -> BuildRecord? {
        guard enabled, let inputs, let location = location(for: project), let data = FileManager.default.contents(atPath: location.path),
              let record = parse(Array(data)), record.project == project.standardizedFileURL.path,
              record.tool == toolSignature, record.inputs == inputs,
              record.outputs == outputSignatures(record.output) else { return nil }
        return record
    }

    /// Records a run whose inputs had `inputs` before it read them and which left `output` current.
    ///
    /// An input modified in the second before its signature was taken (`capturedAt`) is not
    /// trusted: the file system's clock is coarse, so an edit right after this run could
    /// keep the same modification time (git's "racily clean" entries). No record is written
    /// then, and the next run compiles and records.
    static func save(project: URL, inputs: [String: String]?, capturedAt: Int, output: URL, shown: String, files: Int, revisions: Int) {
        guard enabled, let location = location(for: project), let tool = toolSignature, let inputs,
              let outputs = outputSignatures(output.path) else { return }
        let settled = inputs.values.allSatisfy { signature in
            let seconds = signature.split(separator: " ").dropFirst().first?.split(separator: ".").first.flatMap { Int($0) }
            return (seconds ?? Int.max) < capturedAt - 1
        }
        guard settled else { forget(project: project); return }
        let record = BuildRecord(tool: tool, project: project.standardizedFileURL.path, inputs: inputs, output: output.path,
                                 shown: shown, outputs: outputs, files: files, revisions: revisions)
        let fm = FileManager.default
        try? fm.createDirectory(at: location.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = location.deletingLastPathComponent().appendingPathComponent(".\(location.lastPathComponent).\(getpid())")
        guard (try? Data(record.text.utf8).write(to: temporary)) != nil else { return }
        if rename(temporary.path, location.path) != 0 { try? fm.removeItem(at: temporary) }
    }

    /// Forgets the record (a run that failed or warned: the next one must look again).
    static func forget(project: URL) {
        guard let location = location(for: project) else { return }
        try? FileManager.default.removeItem(at: location)
    }

    /// Line-oriented: `key value`, then `input PATH\tSIGNATURE` and `output PATH\tSIGNATURE`,
    /// sorted. Paths are relative and cannot hold a tab or line break that matters: one that
    /// does makes the record unreadable, so the next run compiles.
    var text: String {
        var lines = ["retort-build-record 1", "tool \(tool)", "project \(project)", "output \(output)", "shown \(shown)",
                     "files \(files)", "revisions \(revisions)"]
        for (path, signature) in inputs.sorted(by: { $0.key < $1.key }) { lines.append("input \(path)\t\(signature)") }
        for (path, signature) in outputs.sorted(by: { $0.key < $1.key }) { lines.append("output-file \(path)\t\(signature)") }
        return lines.joined(separator: "\n") + "\n"
    }

    static func parse(_ bytes: [UInt8]) -> BuildRecord? {
        var record = BuildRecord(tool: "", project: "", inputs: [:], output: "", shown: "", outputs: [:], files: 0, revisions: 0)
        // Byte by byte: a 10,000-revision project's record has 30,000 lines.
        func text(_ slice: ArraySlice<UInt8>) -> String { String(decoding: slice, as: UTF8.self) }
        var start = 0, first = true
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            defer { start = end + 1 }
            let line = bytes[start..<end]
            if first {
                guard text(line) == "retort-build-record 1" else { return nil }
                first = false
                continue
            }
            if line.isEmpty { continue }
            guard let space = line.firstIndex(of: 0x20) else { return nil }
            let key = text(line[..<space]), value = line[(space + 1)...]
            switch key {
            case "tool": record.tool = text(value)
            case "project": record.project = text(value)
            case "output": record.output = text(value)
            case "shown": record.shown = text(value)
            case "files": record.files = Int(text(value)) ?? 0
            case "revisions": record.revisions = Int(text(value)) ?? 0
            case "input", "output-file":
                guard let tab = value.firstIndex(of: 0x09) else { return nil }
                let path = text(value[..<tab]), signature = text(value[(tab + 1)...])
                if key == "input" { record.inputs[path] = signature } else { record.outputs[path] = signature }
            default: return nil
            }
        }
        return first || record.tool.isEmpty || record.output.isEmpty ? nil : record
    }
}
