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

/// Each fixture's project compiles to exactly its committed `out/`. Set RETORT_RECORD=1
/// to rewrite the expected files; the test then fails on purpose so recording never passes.
final class GoldenTests: XCTestCase {
    func testFixturesCompileToTheirCommittedOutput() throws {
        XCTAssertFalse(goldenFixtures.isEmpty)
        let record = ProcessInfo.processInfo.environment["RETORT_RECORD"] == "1"
        for fixture in goldenFixtures + [exampleProject.deletingLastPathComponent()] {
            let projectFolder = fixture == exampleProject.deletingLastPathComponent() ? exampleProject : fixture.appendingPathComponent("project")
            let project = try ProjectLoader.load(projectFolder)
            let artifacts = try Artifacts.build(try Compiler.compile(project))
            if record {
                try OutputWriter.write(artifacts, to: project.outputDirectory)
                XCTFail("recorded \(project.outputDirectory.path); rerun without RETORT_RECORD")
                continue
            }
            let differences = OutputWriter.differences(artifacts, in: project.outputDirectory)
            XCTAssertEqual(differences, [], "\(projectFolder.path) differs from its committed output; inspect with: git diff --no-index")
        }
    }
}
