import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif
import RetortScripts

/// The output folder is replaced whole, writing only what changed.
final class OutputWriterTests: XCTestCase {
    private var root: URL!
    private var out: URL { root.appendingPathComponent("out") }

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("retort-writer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    private func artifacts(_ files: [String: String]) -> Artifacts { Artifacts(files: files.mapValues { Array($0.utf8) }) }

    private func inode(_ path: String) -> UInt64 {
        var info = stat()
        return stat(out.appendingPathComponent(path).path, &info) == 0 ? UInt64(info.st_ino) : 0
    }

    private func text(_ path: String) -> String? {
        FileManager.default.contents(atPath: out.appendingPathComponent(path).path).map { String(decoding: $0, as: UTF8.self) }
    }

    func testWritesOnlyWhatChangedAndNothingWhenNothingDid() throws {
        let first = artifacts(["a.sql": "A", "up/1.sql": "one", "up/2.sql": "two", "empty.sql": ""])
        let created = try OutputWriter.write(first, to: out)
        XCTAssertEqual(created, OutputWriter.Outcome(written: 4, kept: 0, removed: 0))
        let inodes = ["a.sql", "up/1.sql", "up/2.sql", "empty.sql"].map(inode)
        let folder = inode("")

        let again = try OutputWriter.write(first, to: out)
        XCTAssertEqual(again, OutputWriter.Outcome(written: 0, kept: 4, removed: 0))
        XCTAssertFalse(again.changed)
        XCTAssertEqual(["a.sql", "up/1.sql", "up/2.sql", "empty.sql"].map(inode), inodes, "nothing rewritten")
        XCTAssertEqual(inode(""), folder, "the folder itself was not swapped")

        try "stray".write(to: out.appendingPathComponent("up/stray.sql"), atomically: false, encoding: .utf8)
        try FileManager.default.createDirectory(at: out.appendingPathComponent("junk"), withIntermediateDirectories: true)
        XCTAssertEqual(OutputWriter.differences(first, in: out), ["extra: junk", "extra: up/stray.sql"])
        let second = artifacts(["a.sql": "A", "up/1.sql": "one", "up/2.sql": "TWO", "up/3.sql": "three", "empty.sql": ""])
        XCTAssertEqual(OutputWriter.differences(second, in: out), ["changed: up/2.sql", "missing: up/3.sql", "extra: junk", "extra: up/stray.sql"])
        let changed = try OutputWriter.write(second, to: out)
        XCTAssertEqual(changed, OutputWriter.Outcome(written: 2, kept: 3, removed: 2))
        XCTAssertEqual(inode("a.sql"), inodes[0], "unchanged files are the same files, linked into the new tree")
        XCTAssertEqual(inode("up/1.sql"), inodes[1])
        XCTAssertEqual(text("up/2.sql"), "TWO")
        XCTAssertEqual(text("up/3.sql"), "three")
        XCTAssertNil(text("up/stray.sql"))
        XCTAssertEqual(OutputWriter.differences(second, in: out), [])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.path), ["out"], "no staging tree left")
    }

    /// What a killed run leaves: a staging tree, or (without RENAME_EXCHANGE) the old tree
    /// moved aside with `out` missing. The next write recovers and cleans up.
    func testLeftoversOfAKilledRunAreRecoveredAndRemoved() throws {
        let files = artifacts(["a.sql": "A"])
        try FileManager.default.createDirectory(at: root.appendingPathComponent(".out.retort-new/up"), withIntermediateDirectories: true)
        try "half".write(to: root.appendingPathComponent(".out.retort-new/up/x.sql"), atomically: false, encoding: .utf8)
        try OutputWriter.write(files, to: out)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.path), ["out"])

        try FileManager.default.moveItem(at: out, to: root.appendingPathComponent(".out.retort-old"))
        XCTAssertEqual(OutputWriter.differences(files, in: out), ["missing: a.sql"])
        let outcome = try OutputWriter.write(files, to: out)
        XCTAssertFalse(outcome.changed, "the old tree was moved back, and it was current")
        XCTAssertEqual(text("a.sql"), "A")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.path), ["out"])
    }
}
