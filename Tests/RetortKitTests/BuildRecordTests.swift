import XCTest
import Foundation
import RetortTestSupport

/// The build record that lets `retort sql` answer "up to date" without compiling: it must
/// be used when nothing moved, and never hide a change to the executable, an input or `out/`.
final class BuildRecordTests: XCTestCase {
    private var cache: URL!
    private var folder: TemporaryProject!

    override func setUpWithError() throws {
        folder = try TemporaryProject([
            "retort.xml": #"<project name="p" format="1"><output dir="../out"/></project>"#,
            "revisions/0001_t.xml": revisionXML("aaaa1111", #"<create-table name="t"><column name="id" type="bigint"/></create-table>"#),
        ])
        cache = folder.root.appendingPathComponent("cache")
        try settle()
    }

    /// Input files as a person leaves them: edited a while ago.
    private func settle() throws {
        let old = Date(timeIntervalSinceNow: -60)
        for path in ["retort.xml", "revisions"] + (try FileManager.default.contentsOfDirectory(atPath: folder.directory.appendingPathComponent("revisions").path)).map({ "revisions/" + $0 }) {
            try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: folder.directory.appendingPathComponent(path).path)
        }
    }

    private func sql(_ extra: [String] = [], environment: [String: String] = [:]) throws -> RetortRun {
        try runRetort(["--project", folder.directory.path, "sql"] + extra, environment: ["XDG_CACHE_HOME": cache.path].merging(environment) { $1 })
    }

    private var record: String? {
        let folder = cache.appendingPathComponent("retort")
        guard let name = try? FileManager.default.contentsOfDirectory(atPath: folder.path).first(where: { $0.hasSuffix(".record") }) else { return nil }
        return try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
    }

    private var out: URL { folder.root.appendingPathComponent("out") }

    func testANoOpRunIsAnsweredFromTheRecord() throws {
        XCTAssertEqual(try sql().status, 0)
        let recorded = try XCTUnwrap(record, "a clean run leaves a record")
        XCTAssertTrue(recorded.contains("input revisions/0001_t.xml\t"), recorded)
        XCTAssertTrue(recorded.contains("output-file upgrade.sql\t"), recorded)
        let again = try sql()
        XCTAssertEqual(again.stdout, "out is up to date (6 files, 1 revisions); nothing written\n")

        // The record is trusted as git trusts its index: an edit that keeps a file's size,
        // modification time and inode is not seen. That shows the answer came from the
        // record; without it, the edit is found.
        let file = folder.directory.appendingPathComponent("revisions/0001_t.xml")
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        let text = try String(contentsOf: file, encoding: .utf8)
        let handle = try FileHandle(forWritingTo: file)
        try handle.write(contentsOf: Data(text.replacingOccurrences(of: "\"id\"", with: "\"ix\"").utf8))
        try handle.close()
        try FileManager.default.setAttributes([.modificationDate: attributes[.modificationDate]!], ofItemAtPath: file.path)
        XCTAssertEqual(try sql().stdout, "out is up to date (6 files, 1 revisions); nothing written\n")
        let full = try sql(environment: ["RETORT_NO_BUILD_RECORD": "1"])
        XCTAssertTrue(full.stdout.hasPrefix("wrote 6 files"), full.stdout)
    }

    func testEveryChangeIsSeen() throws {
        XCTAssertEqual(try sql().status, 0)
        XCTAssertNotNil(record)

        // An output file edited, removed, or added: the next run rewrites the folder.
        try Data("-- edited\n".utf8).write(to: out.appendingPathComponent("upgrade.sql"))
        XCTAssertEqual(try sql(["--check"]).status, 1)
        XCTAssertTrue(try sql().stdout.hasPrefix("wrote 6 files"))
        XCTAssertEqual(try sql(["--check"]).status, 0)
        try FileManager.default.removeItem(at: out.appendingPathComponent("schema.sql"))
        XCTAssertTrue(try sql().stdout.hasPrefix("wrote 6 files"))
        try Data("stray".utf8).write(to: out.appendingPathComponent("stray.txt"))
        XCTAssertTrue(try sql().stdout.contains("1 removed"))

        // An input added: compiled, and its scripts are written.
        try folder.write("revisions/0002_u.xml", revisionXML("bbbb2222", parent: "aaaa1111", #"<create-table name="u"><column name="id" type="bigint"/></create-table>"#))
        try settle()
        XCTAssertTrue(try sql().stdout.hasPrefix("wrote 8 files"))

        // An input touched: compiled again (the record is written anew, with the new time).
        let before = try XCTUnwrap(record)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -30)],
                                              ofItemAtPath: folder.directory.appendingPathComponent("retort.xml").path)
        XCTAssertEqual(try sql().status, 0)
        XCTAssertNotEqual(record, before)

        // Another executable: the record names the one that wrote it.
        let recorded = try XCTUnwrap(record)
        let location = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: cache.appendingPathComponent("retort").path).first)
        let forged = recorded.replacingOccurrences(of: "\ntool ", with: "\ntool /elsewhere/retort ")
        try Data(forged.utf8).write(to: cache.appendingPathComponent("retort").appendingPathComponent(location))
        XCTAssertEqual(try sql().status, 0)
        XCTAssertEqual(record, recorded, "a full run records the real executable again")
    }

    func testAnInputEditedJustNowIsNotRecorded() throws {
        try folder.write("revisions/0001_t.xml", revisionXML("aaaa1111", #"<create-table name="t"><column name="id" type="integer"/></create-table>"#))
        XCTAssertEqual(try sql().status, 0)
        XCTAssertNil(record, "an input modified within the last second could change again unseen")
    }

    func testAFailedOrWarnedRunLeavesNoRecord() throws {
        XCTAssertEqual(try sql().status, 0)
        XCTAssertNotNil(record)
        try folder.write("revisions/0002_bad.xml", revisionXML("bbbb2222", parent: "aaaa1111", #"<drop-table name="missing"/>"#))
        try settle()
        XCTAssertEqual(try sql().status, 2)
        XCTAssertNil(record)
    }
}
