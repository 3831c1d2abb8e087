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

/// Same inputs, same bytes: whatever the file order, environment, time zone, locale or
/// working directory.
final class DeterminismTests: XCTestCase {
    func testShuffledFileOrderGivesIdenticalArtifacts() throws {
        let reference = try Artifacts.build(try Compiler.compile(try ProjectLoader.load(exampleProject)))
        var generator = SplitMix64(seed: 42)
        for _ in 0..<5 {
            let project = try ProjectLoader.load(exampleProject) { $0.shuffle(using: &generator) }
            let artifacts = try Artifacts.build(try Compiler.compile(project))
            XCTAssertEqual(artifacts.files, reference.files)
        }
    }

    func testDifferentEnvironmentAndDirectoryGiveIdenticalBytes() throws {
        let a = try TemporaryProject([:]), b = try TemporaryProject([:])
        for (project, env) in [(a, ["TZ": "UTC", "LANG": "C", "LC_ALL": "C"]), (b, ["TZ": "Pacific/Kiritimati", "LANG": "tr_TR.UTF-8", "LC_ALL": "tr_TR.UTF-8"])] {
            try FileManager.default.removeItem(at: project.directory)
            try FileManager.default.copyItem(at: exampleProject, to: project.directory)
            let run = try runRetort(["sql", "--project", "proj"], cwd: project.root, environment: env)
            XCTAssertEqual(run.status, 0, run.stderr)
        }
        let outA = a.root.appendingPathComponent("out"), outB = b.root.appendingPathComponent("out")
        let files = try FileManager.default.subpathsOfDirectory(atPath: outA.path).sorted()
        XCTAssertEqual(files, try FileManager.default.subpathsOfDirectory(atPath: outB.path).sorted())
        XCTAssertGreaterThan(files.count, 20)
        for file in files {
            XCTAssertEqual(FileManager.default.contents(atPath: outA.appendingPathComponent(file).path),
                           FileManager.default.contents(atPath: outB.appendingPathComponent(file).path), file)
        }
        let manifest = String(decoding: FileManager.default.contents(atPath: outA.appendingPathComponent("manifest.json").path)!, as: UTF8.self)
        XCTAssertFalse(manifest.contains(a.root.path), "no absolute paths in artifacts")
    }

    func testOutputIsLFWithAFinalNewline() throws {
        let artifacts = try Artifacts.build(try Compiler.compile(try ProjectLoader.load(exampleProject)))
        for (path, bytes) in artifacts.files {
            XCTAssertFalse(bytes.contains(UInt8(ascii: "\r")), path)
            XCTAssertEqual(bytes.last, UInt8(ascii: "\n"), path)
        }
    }
}
