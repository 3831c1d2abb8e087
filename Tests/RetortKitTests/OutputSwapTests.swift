import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif
import RetortTestSupport

/// `retort sql` killed with SIGKILL at many moments: `out/` is always the complete old tree
/// or the complete new one, and the next run finishes the job and removes the leftovers.
final class OutputSwapTests: XCTestCase {
    /// A linear history of `count` revisions, one table each.
    private func history(_ count: Int, name: String) -> [String: String] {
        var files = ["retort.xml": "<project name=\"\(name)\" format=\"1\"><output dir=\"out\"/></project>\n"]
        for i in 0..<count {
            files["revisions/\(String(format: "%04d", i))_t\(i).xml"] = revisionXML(
                "r\(i)", parent: i == 0 ? nil : "r\(i - 1)",
                "<create-table name=\"t\(i)\"><column name=\"id\" type=\"bigint\" primary-key=\"true\"/><column name=\"v\" type=\"text\"/></create-table>")
        }
        return files
    }

    /// Every file under `folder` with its bytes; folders as entries without bytes.
    private func tree(_ folder: URL) -> [String: Data] {
        var result: [String: Data] = [:]
        guard let walk = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { return result }
        for case let url as URL in walk {
            let relative = String(url.standardizedFileURL.path.dropFirst(folder.standardizedFileURL.path.count + 1))
            result[relative] = FileManager.default.contents(atPath: url.path) ?? Data()
        }
        return result
    }

    private func launch(_ project: URL) throws -> Process {
        let process = Process()
        process.executableURL = packageRoot.appendingPathComponent(".build/debug/retort")
        process.arguments = ["--project", project.path, "sql"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    func testKilledAtAnyMomentOutIsTheOldTreeOrTheNewOne() throws {
        let count = 150
        // The new tree: another project name (every file's title changes) and one more revision.
        var newFiles = history(count + 1, name: "renamed")
        let project = try TemporaryProject(history(count, name: "original"))
        let out = project.directory.appendingPathComponent("out")
        let first = try runRetort(["--project", project.directory.path, "sql"])
        XCTAssertEqual(first.status, 0, first.stderr)
        let old = tree(out)

        let expected = try TemporaryProject(newFiles)
        XCTAssertEqual(try runRetort(["--project", expected.directory.path, "sql"]).status, 0)
        let new = tree(expected.directory.appendingPathComponent("out"))
        XCTAssertNotEqual(old, new)
        XCTAssertGreaterThan(new.count, 2 * count)

        for (path, text) in newFiles where path.hasPrefix("retort.xml") || path.hasPrefix("revisions/\(String(format: "%04d", count))") {
            try project.write(path, text)
        }
        newFiles = [:]
        let started = Date()
        XCTAssertEqual(try runRetort(["--project", project.directory.path, "sql"]).status, 0)
        let duration = Date().timeIntervalSince(started)
        XCTAssertEqual(tree(out), new)

        var sawOld = 0, sawNew = 0
        let kills = 30
        for k in 0..<kills {
            // Back to the old tree, then a run killed at k/kills of 2 full runs (a loaded
            // machine runs slower than the timed run: the late kills must land after the swap).
            try FileManager.default.removeItem(at: out)
            for (path, bytes) in old.sorted(by: { $0.key < $1.key }) {
                let url = out.appendingPathComponent(path)
                if path == "upgrade" || path == "downgrade" { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true); continue }
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try bytes.write(to: url)
            }
            XCTAssertEqual(tree(out), old)
            let process = try launch(project.directory)
            usleep(useconds_t(duration * 2 * Double(k) / Double(kills) * 1_000_000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let now = tree(out)
            if now == old { sawOld += 1 } else if now == new { sawNew += 1 } else {
                XCTFail("killed after \(k)/\(kills) of 2 runs, out/ is neither tree: \(Set(now.keys).symmetricDifference(old.keys).sorted().prefix(5)) …")
            }
        }
        XCTAssertGreaterThan(sawOld, 0, "some kills land before the swap")
        XCTAssertGreaterThan(sawNew, 0, "some land after it")

        // The next run completes it and leaves nothing beside out/.
        XCTAssertEqual(try runRetort(["--project", project.directory.path, "sql"]).status, 0)
        XCTAssertEqual(tree(out), new)
        let siblings = try FileManager.default.contentsOfDirectory(atPath: project.directory.path).sorted()
        XCTAssertEqual(siblings, ["out", "retort.xml", "revisions"])
    }
}
