import Foundation
import RetortModel
import RetortReading

/// One fuzz input: a whole project in one byte string. The parts are separated by NUL
/// bytes (which no XML document may contain, so a separator is never part of a file):
/// the first part is `retort.xml` (empty: the default settings), then the model files up to
/// the first empty part, then the revision files, named in order:
/// `settings NUL model NUL model NUL NUL revision NUL revision`. Packing a project folder
/// gives the seed corpus its inputs.
enum FuzzInput {
    static let separator: UInt8 = 0
    /// Larger inputs are cut: cost per input stays bounded, so a slow input is a real hang.
    static let maximumSize = 1 << 20

    struct Parts {
        var settings: [UInt8]?
        var models: [(name: String, bytes: [UInt8])]
        var revisions: [(name: String, bytes: [UInt8])]
    }

    static func split(_ bytes: UnsafeBufferPointer<UInt8>) -> Parts {
        var parts: [[UInt8]] = []
        var current: [UInt8] = []
        for byte in bytes.prefix(maximumSize) {
            if byte == separator { parts.append(current); current = [] } else { current.append(byte) }
        }
        parts.append(current)
        let settings = parts[0].isEmpty ? nil : parts[0]
        let rest = parts.dropFirst()
        let divider = rest.firstIndex { $0.isEmpty } ?? rest.endIndex
        let models = rest[..<divider].enumerated().map { index, bytes in
            (name: "model\(index + 1).xml", bytes: bytes)
        }
        let revisions = rest[divider...].dropFirst().enumerated().map { index, bytes in
            (name: String(format: "%04d_revision.xml", index + 1), bytes: bytes)
        }
        return Parts(settings: settings, models: models, revisions: revisions)
    }

    /// The input for the project at `folder`: its `retort.xml`, its model files and its
    /// revisions, each in name order.
    static func pack(_ folder: URL) throws -> [UInt8] {
        let fm = FileManager.default
        func read(_ url: URL) throws -> [UInt8] { [UInt8](try Data(contentsOf: url)) }
        func xmlFiles(_ url: URL) -> [URL] {
            ((try? fm.contentsOfDirectory(atPath: url.path)) ?? []).filter { $0.hasSuffix(".xml") && !$0.hasPrefix(".") }
                .sorted().map { url.appendingPathComponent($0) }
        }
        let settingsURL = folder.appendingPathComponent("retort.xml")
        var out = fm.fileExists(atPath: settingsURL.path) ? try read(settingsURL) : []
        out.append(separator)
        for model in xmlFiles(folder) where model.lastPathComponent != "retort.xml" {
            out += try read(model)
            out.append(separator)
        }
        out.append(separator)
        for (index, revision) in xmlFiles(folder.appendingPathComponent("revisions")).enumerated() {
            if index > 0 { out.append(separator) }
            out += try read(revision)
        }
        return out
    }
}
