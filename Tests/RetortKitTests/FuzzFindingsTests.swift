import Foundation
import XCTest
@testable import RetortModel
@testable import RetortReading
import RetortTestSupport

/// What coverage-guided fuzzing (`make fuzz`) found, one regression test each.
final class FuzzFindingsTests: XCTestCase {
    /// inParallel copied its results out of the shared buffer and freed the buffer without
    /// releasing them: every result of every parallel load and render leaked.
    func testInParallelReleasesEveryResult() {
        final class Counted: @unchecked Sendable {
            static let lock = NSLock()
            nonisolated(unsafe) static var alive = 0
            init() { Self.lock.lock(); Self.alive += 1; Self.lock.unlock() }
            deinit { Self.lock.lock(); Self.alive -= 1; Self.lock.unlock() }
        }
        let before = Counted.alive
        do {
            let results: [Counted] = inParallel(64) { _ in Counted() }
            XCTAssertEqual(results.count, 64)
            XCTAssertEqual(Counted.alive - before, 64)
            let failing = inParallel(16) { i throws -> Counted in
                if i % 2 == 0 { throw Diagnostic("x", at: nil, "even") }
                return Counted()
            }
            XCTAssertEqual(failing.filter { (try? $0.get()) != nil }.count, 8)
        }
        XCTAssertEqual(Counted.alive, before, "every result is released once its array goes")
    }

    /// An `encoding` declaration other than UTF-8 on a file already proved UTF-8 is not
    /// obeyed: ISO-8859-1 misread `é`, UTF-32 failed with libxml2's own "encoding error"
    /// line printed on stderr outside any diagnostic.
    func testEncodingDeclarationsAreNotObeyed() throws {
        for label in ["ISO-8859-1", "UTF-32", "UCS-4", "SHIFT_JIS", "utf-8"] {
            let text = "<?xml version=\"1.0\" encoding=\"\(label)\"?>\n<revision id=\"a1\" message=\"élève\" format=\"1\"><upgrade/></revision>\n"
            let root = try XMLReader.parse(Array(text.utf8), displayPath: "r.xml")
            XCTAssertEqual(root.attributes.first { $0.name == "message" }?.value, "élève", label)
        }
    }

    /// A partial index whose predicate named a column the table lacks compiled (PostgreSQL
    /// refuses it). Autogenerate's revision for that history then added the model's column
    /// the predicate names and dropped the history's; its derived downgrade dropped that
    /// column again, and with it the index, so the revision failed its own self-check.
    /// The predicate's columns are now resolved when the index is created.
    func testAnIndexPredicateNamingAMissingColumnIsRefused() throws {
        let project = try TemporaryProject([
            "revisions/0001_a.xml": revisionXML("a1", """
                    <create-table name="enrollments">
                      <column name="id" type="bigint" primary-key="true"/>
                      <column name="spatus" type="text" nullable="false" default="'active'"/>
                      <index name="enrollments_active_idx" columns="id" where="status = 'active'"/>
                    </create-table>
                """),
        ])
        assertDiagnostic(try project.compile(), id: "column-missing", file: "proj/revisions/0001_a.xml", line: 4,
                         contains: "create-table: the where predicate names column \"status\", which table \"enrollments\" does not have")
    }

    /// An index named with a `.` compiled, though no drop-index or rename-index could ever
    /// name it (they read `schema.name`): autogenerate's rename of it did not compile.
    func testAnIndexNameWithADotIsRefused() throws {
        let project = try TemporaryProject([
            "revisions/0001_a.xml": revisionXML("a1", """
                    <create-table name="enrollments">
                      <column name="id" type="bigint" primary-key="true"/>
                      <index name="enrollme.ts_active_idx" columns="id"/>
                    </create-table>
                """),
        ])
        assertDiagnostic(try project.compile(), id: "identifier-dot", file: "proj/revisions/0001_a.xml", line: 4,
                         contains: "index name \"enrollme.ts_active_idx\" contains '.'")
    }

    func testEncodingDeclarationGivesOneCleanDiagnosticFromTheCommandLine() throws {
        let project = try TemporaryProject([
            "revisions/0001_a.xml": "<?xml version=\"1.0\" encoding=\"UTF-32\"?>\n<revision id=\"a1\" message=\"m\" format=\"1\"><upgrade><drop-table name=\"nope\"/></upgrade></revision>\n",
        ])
        let run = try runRetort(["--project", project.directory.path, "sql", "--check"])
        XCTAssertEqual(run.status, 2)
        let lines = run.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains("error[table-missing]"), run.stderr)
    }
}

/// The committed seed corpus goes through the fuzz target's pipeline as it is: the example
/// and the golden fixture compile, every bad-input seed ends in a located diagnostic.
final class FuzzCorpusTests: XCTestCase {
    func testEverySeedRunsThroughThePipeline() throws {
        let binary = packageRoot.appendingPathComponent(".build/debug/retort-fuzz")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            XCTFail("\(binary.path) is missing: run `swift build` first (make test does)")
            return
        }
        let corpus = packageRoot.appendingPathComponent("fuzz/corpus")
        let seeds = try FileManager.default.contentsOfDirectory(atPath: corpus.path).sorted()
        XCTAssertGreaterThan(seeds.count, 30)
        let process = Process()
        process.executableURL = binary
        process.arguments = ["run"] + seeds.map { corpus.appendingPathComponent($0).path }
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, text)
        let lines = text.split(separator: "\n")
        XCTAssertEqual(lines.count, seeds.count)
        for line in lines {
            XCTAssertTrue(line.contains(": compiled: ") || line.contains(": diagnosed: project/"), String(line))
        }
        XCTAssertTrue(lines.contains { $0.hasSuffix("/example: compiled: 13 revisions, 30 files, 11 findings") }, text)
        XCTAssertTrue(lines.contains { $0.contains("/all-operations: compiled: 7 revisions") }, text)
        // The example cut short: autogenerate's revision round-trips (see Pipeline.roundTrip).
        XCTAssertTrue(lines.contains { $0.contains("/example-9-of-13: compiled: 9 revisions") }, text)
        XCTAssertTrue(lines.contains { $0.contains("/example-3-of-13: compiled: 3 revisions") }, text)
        XCTAssertTrue(lines.contains { $0.hasSuffix("/finding-index-predicate: diagnosed: project/revisions/0003_revision.xml:9:5: error[column-missing]: create-table: the where predicate names column \"status\", which table \"enrollments\" does not have; did you mean 'spatus'?") }, text)
    }
}
