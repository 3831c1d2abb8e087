import Foundation
import XCTest
import RetortModel
import RetortReading
import RetortTestSupport

/// Revision files are read and decoded on several threads; what comes out must be what
/// one thread in name order gives: the revisions in order, and of several bad files the
/// first one's error.
final class ParallelLoadTests: XCTestCase {
    private func files(_ count: Int, broken: Set<Int>) -> [String: String] {
        var files: [String: String] = [:]
        for i in 0..<count {
            let body = broken.contains(i) ? "<nonsense-\(i)/>" : "<create-table name=\"t\(i)\"><column name=\"id\" type=\"bigint\"/></create-table>"
            files["revisions/\(String(format: "%04d", i))_r.xml"] = revisionXML("r\(i)", parent: i == 0 ? nil : "r\(i - 1)", body)
        }
        return files
    }

    func testRevisionsComeInNameOrder() throws {
        let project = try TemporaryProject(files(64, broken: []))
        for _ in 0..<5 {
            XCTAssertEqual(try ProjectLoader.load(project.directory).revisions.map(\.id), (0..<64).map { "r\($0)" })
        }
    }

    func testOfSeveralBadFilesTheFirstInNameOrderIsReported() throws {
        let project = try TemporaryProject(files(64, broken: [9, 40, 63]))
        for _ in 0..<5 {
            XCTAssertThrowsError(try ProjectLoader.load(project.directory)) { error in
                let diagnostic = error as? Diagnostic
                XCTAssertEqual(diagnostic?.id, "unknown-element", "\(error)")
                XCTAssertEqual(diagnostic?.location?.file, "proj/revisions/0009_r.xml")
            }
        }
    }
}
