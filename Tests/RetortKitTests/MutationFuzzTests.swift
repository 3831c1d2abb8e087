import Foundation
import XCTest
@testable import RetortSQL
@testable import RetortModel
@testable import RetortReading
@testable import RetortGraph
@testable import RetortState
@testable import RetortCompiler
@testable import RetortRendering
@testable import RetortDiff
@testable import RetortScripts
@testable import RetortLint
@testable import RetortKit
import RetortTestSupport

/// Bad input never crashes or hangs: thousands of seeded mutations of the example's files
/// either compile or fail with a located diagnostic.
final class MutationFuzzTests: XCTestCase {
    func testMutatedRevisionsFailCleanly() throws {
        let iterations = Int(ProcessInfo.processInfo.environment["RETORT_FUZZ_ITERATIONS"] ?? "") ?? 1500
        let folder = exampleProject.appendingPathComponent("revisions")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".xml") }.sorted()
        let originals = try names.map { [UInt8](try Data(contentsOf: folder.appendingPathComponent($0))) }
        let fragments: [[UInt8]] = ["<", ">", "\"", "&", "&amp;", "<!DOCTYPE x>", "<![CDATA[", "]]>", "</upgrade>", "<drop-table name=\"students\"/>",
                                    "parent=\"", "\u{0}", "é", "\u{FFFF}", "<!--", "-->", "'", "table=\"", " ", "\n"].map { Array($0.utf8) }
        var rng = SplitMix64(seed: 7)
        var compiled = 0, diagnosed = 0
        for _ in 0..<iterations {
            var files = originals
            let target = Int.random(in: 0..<files.count, using: &rng)
            var bytes = files[target]
            for _ in 0..<Int.random(in: 1...3, using: &rng) where !bytes.isEmpty {
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0...3, using: &rng) {
                case 0: bytes.remove(at: at)
                case 1: bytes[at] = UInt8.random(in: 0...255, using: &rng)
                case 2: bytes.insert(contentsOf: fragments.randomElement(using: &rng)!, at: at)
                default: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...40, using: &rng)))
                }
            }
            files[target] = bytes
            var revisions: [Revision] = []
            do {
                for (name, content) in zip(names, files) {
                    let root = try XMLReader.parse(content, displayPath: "models/revisions/\(name)")
                    revisions.append(try DeclarationDecoder().revision(root, stem: String(name.dropLast(4)), hash: ""))
                }
                var project = try ProjectLoader.load(exampleProject)
                project.revisions = revisions
                _ = try Artifacts.build(try Compiler.compile(project))
                compiled += 1
            } catch let diagnostic as Diagnostic {
                XCTAssertFalse(diagnostic.message.isEmpty)
                if let location = diagnostic.location {
                    XCTAssertGreaterThanOrEqual(location.line, 1)
                    XCTAssertGreaterThanOrEqual(location.column, 1)
                }
                diagnosed += 1
            }
        }
        XCTAssertEqual(compiled + diagnosed, iterations)
        XCTAssertGreaterThan(diagnosed, iterations / 4, "the mutations exercise the error paths")
    }
}
