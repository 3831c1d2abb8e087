import Foundation
import XCTest
import RetortModel
import RetortReading
import RetortCompiler
import RetortScripts
import RetortTestSupport

/// `manifest.json` is written by `JSONText`, not `JSONEncoder`; the bytes must not differ.
final class JSONTextTests: XCTestCase {
    private func encoded(_ manifest: Manifest) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return Array(try encoder.encode(manifest)) + [0x0A]
    }

    private func manifest(of directory: URL) throws -> Manifest {
        let bytes = try XCTUnwrap(try Artifacts.build(try Compiler.compile(try ProjectLoader.load(directory))).files["manifest.json"])
        return try JSONDecoder().decode(Manifest.self, from: Data(bytes))
    }

    func testManifestsAreWhatJSONEncoderWrites() throws {
        var manifests = [try manifest(of: exampleProject)]
        var files: [String: String] = [:]
        for revision in HistoryGenerator.history(seed: 11, count: 60).revisions { files["revisions/\(revision.stem).xml"] = revision.xml }
        let generated = try TemporaryProject(files)
        manifests.append(try manifest(of: generated.directory))
        // Text JSON must escape, keys that sort differently by number and by byte, nil fields, empty lists.
        var odd = manifests[0]
        odd.project = "quote \" backslash \\ slash / tab \t nl \n cr \r bs \u{8} ff \u{c} nul \u{0} us \u{1f} del \u{7f} é \u{2028} 🐘"
        odd.heads = []
        odd.historySha256 = nil
        odd.inputs = ["r10": "a", "r9": "b", "B": "c", "a/b": "d", "a.b": "e", "é": "f", "_": "g"]
        odd.revisions[0].downgradeOperations = []
        odd.revisions[1].contentSha256 = nil
        manifests.append(odd)
        for manifest in manifests {
            let expected = try encoded(manifest)
            XCTAssertEqual(manifest.json, expected, String(decoding: manifest.json, as: UTF8.self))
        }
        XCTAssertGreaterThan(manifests[1].revisions.count, 50)
    }
}
