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

/// `branches`, `history --graph`, `revision` and `merge` as users run them.
final class GraphCommandLineTests: XCTestCase {
    func testNewCommandsHaveHelpAndProject() throws {
        for command in ["branches", "history", "revision", "merge"] {
            let run = try runRetort([command, "--help"])
            XCTAssertEqual(run.status, 0, command)
            XCTAssertTrue(run.stdout.contains("USAGE"), "\(command): \(run.stdout)")
            XCTAssertTrue(run.stdout.contains("--project"), command)
        }
    }

    func testHistoryGraphOfTheExample() throws {
        let run = try runRetort(["--project", exampleProject.path, "history", "--graph"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout, """
            *   6a9d2e5c0b48 (head) (mergepoint), merge catalog and contact branches; backfill letter grades
            |\\
            * | 4e7b0c3a8f26, courses get a description (catalog branch)
            | * 5f8c1d4b9a37, students get a phone number (contact branch)
            |/
            * 3d6a9b2f7e15 (branchpoint), validate the advisor foreign key
            * 2c5f8a1e6d90, students get an advisor (foreign key added NOT VALID)
            * 1b7e4d9a2c68, index attendance by section and date
            * 0a9c3e5f7b21, enrollments can be waitlisted
            * f80d6e2c1a34, attendance per class session
            * e5b1a8c3d749, grades per enrollment
            * d2c94b7e0a55, students.name becomes full_name
            * c7a05f3e9b12, enrollments with a status
            * b4e8d2a61c93, courses and course sections
            * a1f3c9e2b7d0, departments, teachers and students

            """)
        let plain = try runRetort(["--project", exampleProject.path, "history"])
        XCTAssertTrue(plain.stdout.hasPrefix("4e7b0c3a8f26, 5f8c1d4b9a37 -> 6a9d2e5c0b48 (head, merge), merge catalog"), plain.stdout)
    }

    func testBranchesOfTheExample() throws {
        let run = try runRetort(["--project", exampleProject.path, "branches"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout, """
            3d6a9b2f7e15 (branchpoint), validate the advisor foreign key
              -> 4e7b0c3a8f26, courses get a description (catalog branch)
              -> 5f8c1d4b9a37, students get a phone number (contact branch)

            """)
    }

    func testRevisionBranchAndMergeRoundTrip() throws {
        let project = try TemporaryProject([
            "revisions/0001_init.xml": revisionXML("r1", "<create-table name=\"t\"><column name=\"id\" type=\"int\"/></create-table>"),
        ])
        func retort(_ arguments: [String]) throws -> RetortRun { try runRetort(arguments + ["--project", "proj"], cwd: project.root) }

        let first = try retort(["revision", "-m", "Add the phone number!"])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(first.stdout, "proj/revisions/0002_add_the_phone_number.xml\n")
        let text = try String(contentsOf: project.directory.appendingPathComponent("revisions/0002_add_the_phone_number.xml"), encoding: .utf8)
        let id = try XCTUnwrap(text.firstMatch(of: /id="([0-9a-f]{12})"/)?.1)
        XCTAssertEqual(text, """
            <?xml version="1.0" encoding="UTF-8"?>
            <revision id="\(id)" parent="r1" message="Add the phone number!" format="1">
              <upgrade>
              </upgrade>
            </revision>

            """)

        let side = try retort(["revision", "-m", "billing & <invoices>", "--head", "base", "--branch-label", "billing", "--rev-id", "bill01"])
        XCTAssertEqual(side.status, 0, side.stderr)
        XCTAssertEqual(side.stdout, "proj/revisions/0003_billing_invoices.xml\n")
        XCTAssertTrue(try String(contentsOf: project.directory.appendingPathComponent("revisions/0003_billing_invoices.xml"), encoding: .utf8)
            .contains("<revision id=\"bill01\" branch-labels=\"billing\" message=\"billing &amp; &lt;invoices&gt;\" format=\"1\">"))

        let ambiguous = try retort(["revision", "-m", "next"])
        XCTAssertEqual(ambiguous.status, 2)
        XCTAssertTrue(ambiguous.stderr.contains("there are 2 heads (\(id), bill01); choose the parent with --head"), ambiguous.stderr)
        let onLabel = try retort(["revision", "-m", "more billing", "--head", "billing@head", "--rev-id", "bill02"])
        XCTAssertEqual(onLabel.status, 0, onLabel.stderr)
        XCTAssertEqual(onLabel.stdout, "proj/revisions/0004_more_billing.xml\n")

        let notHead = try retort(["revision", "-m", "x", "--head", "r1"])
        XCTAssertEqual(notHead.status, 2)
        XCTAssertTrue(notHead.stderr.contains("revision r1 is not a head; add --splice"), notHead.stderr)
        XCTAssertEqual(try retort(["revision", "-m", "x", "--rev-id", "bill01", "--head", "bill02"]).status, 2, "ids are unique")
        XCTAssertEqual(try retort(["revision", "-m", "x", "--rev-id", "no-dashes", "--head", "bill02"]).status, 2)
        XCTAssertEqual(try retort(["revision", "-m", "x", "--branch-label", "billing", "--head", "bill02"]).status, 2, "labels are unique")

        let lonely = try retort(["merge", "-m", "one", "r1"])
        XCTAssertEqual(lonely.status, 2)
        let related = try retort(["merge", "-m", "x", "r1", String(id)])
        XCTAssertEqual(related.status, 2)
        XCTAssertTrue(related.stderr.contains("revision r1 is an ancestor of \(id)"), related.stderr)

        let merge = try retort(["merge", "-m", "join billing", "heads", "--rev-id", "m1"])
        XCTAssertEqual(merge.status, 0, merge.stderr)
        XCTAssertEqual(merge.stdout, "proj/revisions/0005_join_billing.xml\n")
        XCTAssertEqual(try String(contentsOf: project.directory.appendingPathComponent("revisions/0005_join_billing.xml"), encoding: .utf8), """
            <?xml version="1.0" encoding="UTF-8"?>
            <revision id="m1" parent="\(id) bill02" message="join billing" format="1">
              <upgrade/>
            </revision>

            """)
        let heads = try retort(["heads"])
        XCTAssertEqual(heads.stdout, "m1 (head), join billing\n")
        XCTAssertEqual(try retort(["sql"]).status, 0, "the written files compile")
        let graph = try retort(["history", "--graph"])
        XCTAssertEqual(graph.stdout, """
            *   m1 (head) (mergepoint), join billing
            |\\
            * | \(id), Add the phone number!
            * | r1, m
             /
            * bill02, more billing
            * bill01 (billing), billing & <invoices>

            """)
    }

    func testFreshIdsAreTwelveHexDigitsAndAvoidUsedPrefixes() {
        var generator = SplitMix64(seed: 9)
        var ids: [String] = []
        for _ in 0..<2000 {
            let id = NewRevision.freshID(avoiding: ids, using: &generator)
            XCTAssertNotNil(id.wholeMatch(of: /[0-9a-f]{12}/))
            XCTAssertFalse(ids.contains(id))
            ids.append(id)
        }
        XCTAssertEqual(Set(ids.map { $0.prefix(4) }).count, ids.count, "no two share a 4-character prefix while the space allows")
        XCTAssertEqual(NewRevision.nextFileName(stems: ["0009_a", "0010_b", "notes"], message: "Hello, World"), "0011_hello_world.xml")
        XCTAssertEqual(NewRevision.nextFileName(stems: ["00042_a"], message: "!!!"), "00043_revision.xml")
        XCTAssertEqual(NewRevision.nextFileName(stems: [], message: "é first"), "0001_first.xml")
        XCTAssertEqual(NewRevision.slug(String(repeating: "word ", count: 20)).count, 44)
    }
}
