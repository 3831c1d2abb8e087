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

/// `branch-conflict`: unmerged heads and merged branches that touch the same object, or
/// that give another schema (or fail) when replayed in the other order.
final class BranchConflictTests: XCTestCase {
    let base = """
            <create-enum name="status"><value>active</value></create-enum>
            <create-table name="t">
              <column name="id" type="bigint" primary-key="true"/>
              <column name="a" type="int"/>
              <column name="b" type="int"/>
            </create-table>
        """

    /// A base revision r0 and two branches off it, optionally merged by `m`.
    func project(right: String, left: String, merged: Bool = false) throws -> [BranchConflict] {
        try project(left: left, right: right, merged: merged)
    }

    func project(left: String, right: String, merged: Bool = false) throws -> [BranchConflict] {
        var files = [
            "revisions/0001_base.xml": revisionXML("r0", base),
            "revisions/0002_left.xml": revisionXML("left", parent: "r0", left),
            "revisions/0003_right.xml": revisionXML("right", parent: "r0", right),
        ]
        if merged { files["revisions/0004_merge.xml"] = revisionXML("m", parent: "left right", "") }
        return try compile(files).conflicts
    }

    /// Compiles `files` once, with the conflict analysis watching that one replay.
    func compile(_ files: [String: String]) throws -> (compilation: Compilation, conflicts: [BranchConflict]) {
        let folder = try TemporaryProject(files)
        let finder = BranchConflicts()
        let compilation = try Compiler.compile(try ProjectLoader.load(folder.directory), observer: finder)
        return (compilation, finder.conflicts)
    }

    func testTheExampleProjectsMergeIsClean() throws {
        XCTAssertEqual(try BranchConflicts.find(try ProjectLoader.load(exampleProject)), [])
    }

    func testUnmergedHeadsTouchingOneColumn() throws {
        let conflicts = try project(left: "    <alter-column table=\"t\" column=\"a\" type=\"bigint\"/>",
                            right: "    <sql>SELECT 1</sql>\n    <drop-column table=\"t\" column=\"a\"/>")
        XCTAssertEqual(conflicts.count, 1)
        let conflict = try XCTUnwrap(conflicts.first)
        XCTAssertEqual(conflict.rule, "branch-conflict")
        XCTAssertEqual(conflict.kind, .sameObject)
        XCTAssertEqual(conflict.object, "column t.a")
        XCTAssertEqual(conflict.first, SourceLocation(file: "proj/revisions/0002_left.xml", line: 4, column: 5))
        XCTAssertEqual(conflict.second, SourceLocation(file: "proj/revisions/0003_right.xml", line: 5, column: 5))
        XCTAssertEqual([conflict.firstRevision, conflict.secondRevision], ["left", "right"])
        XCTAssertNil(conflict.merge)
        XCTAssertEqual(conflict.message, "unmerged heads left and right both touch column t.a: <alter-column> at proj/revisions/0002_left.xml:4:5 (revision left) and <drop-column> at proj/revisions/0003_right.xml:5:5 (revision right)")
    }

    func testAMergeOfBranchesExtendingOneEnum() throws {
        let conflicts = try project(left: "    <add-enum-value enum=\"status\" value=\"paused\"/>",
                            right: "    <add-enum-value enum=\"status\" value=\"closed\"/>", merged: true)
        XCTAssertEqual(conflicts.map(\.object), ["enum status"])
        XCTAssertEqual(conflicts.first?.merge, "m")
        XCTAssertTrue(conflicts.first?.message.hasPrefix("the branches that revision m merges (left and right) both touch enum status") == true,
                      conflicts.first?.message ?? "")
    }

    func testATableChangedOnOneSideAndUsedOnTheOther() throws {
        let dropped = try project(left: "    <create-index table=\"t\" columns=\"b\"/>",
                                  right: "    <drop-table name=\"t\"/>")
        XCTAssertEqual(dropped.map(\.object), ["table t"])
        let conflicts = try project(right: "    <rename-column table=\"t\" from=\"b\" to=\"c\"/>",
                                  left: "    <create-table name=\"u\"><column name=\"b\" type=\"int\"/></create-table>\n    <add-foreign-key table=\"u\" columns=\"b\" references=\"t(id)\"/>\n    <comment table=\"t\" column=\"b\">used by u</comment>")
        XCTAssertEqual(conflicts.map(\.object), ["column t.b"])
        XCTAssertEqual(conflicts.first?.first.line, 6, "the comment on the renamed column")
    }

    func testIndependentChangesToOneTableAreNoConflict() throws {
        let conflicts = try project(left: "    <add-column table=\"t\"><column name=\"x\" type=\"int\"/></add-column>\n    <create-index table=\"t\" columns=\"a\"/>",
                            right: "    <add-column table=\"t\"><column name=\"y\" type=\"text\"/></add-column>\n    <create-index table=\"t\" columns=\"b\"/>\n    <add-foreign-key table=\"t\" columns=\"a\" references=\"t(id)\"/>",
                            merged: true)
        XCTAssertEqual(conflicts, [], "different columns, indexes and constraints; the shared column is only used")
    }

    func testBranchesThatCannotBeCombinedAreACompileError() throws {
        // The compiler replays the heads together (and every merge) in replay order, so
        // branches that cannot be combined stop the compile before any conflict is sought.
        XCTAssertThrowsError(try project(left: "    <create-table name=\"x\"><column name=\"id\" type=\"int\"/></create-table>",
                                         right: "    <create-view name=\"x\">SELECT 1 AS one</create-view>")) { error in
            XCTAssertEqual((error as? Diagnostic)?.id, "branch-replay")
            XCTAssertEqual((error as? Diagnostic)?.location?.file, "proj/revisions/0003_right.xml")
        }
    }

    func testGeneratedHistoriesOfIndependentBranchesHaveNoConflicts() throws {
        for seed in UInt64(41)...43 {
            let history = GeneratedHistory.branchy(count: 300, seed: seed, dependencies: true, maxHeads: 8)
            XCTAssertEqual(try compile(history.files()).conflicts, [], "seed \(seed)")
        }
    }

    func testALargeBranchyHistoryIsCheckedInOnePass() throws {
        let history = GeneratedHistory.branchy(count: 2000, seed: 77, dependencies: true, maxHeads: 10)
        let start = Date()
        let (compilation, conflicts) = try compile(history.files())
        XCTAssertEqual(conflicts, [])
        let seconds = Date().timeIntervalSince(start)
        XCTAssertGreaterThan(history.merges, 250)
        // A measurement, not a timed assertion: the machine is shared; make bench times it.
        print("compile with BranchConflicts: 2000 revisions, \(history.merges) merges, \(compilation.graph.heads.count) heads: \(String(format: "%.2f", seconds)) s")
    }

    func testBranchesOfAGeneratedHistoryThatShareATableConflict() throws {
        // Every revision of the generated history also comments on one shared table: every
        // merge and every pair of heads then conflicts on that comment, exactly once each.
        let history = GeneratedHistory.branchy(count: 120, seed: 5, maxHeads: 4)
        var files = history.files()
        files["revisions/00000_shared.xml"] = revisionXML("shared", "<create-table name=\"shared\"><column name=\"id\" type=\"int\"/></create-table>")
        for node in history.nodes where node.createsTable {
            let path = "revisions/\(node.stem).xml"
            files[path] = files[path]!.replacingOccurrences(of: "  </upgrade>", with: "    <comment table=\"shared\">by \(node.id)</comment>\n  </upgrade>")
            if node.parents.isEmpty {
                files[path] = files[path]!.replacingOccurrences(of: "<revision id=\"\(node.id)\"", with: "<revision id=\"\(node.id)\" parent=\"shared\"")
            }
        }
        let (compilation, conflicts) = try compile(files)
        let pairs = compilation.graph.order.map { compilation.graph.parents[$0].count + compilation.graph.dependencies[$0].count }
            .map { $0 * ($0 - 1) / 2 }.reduce(0, +)
        let heads = compilation.graph.heads.count
        XCTAssertEqual(conflicts.count, pairs + heads * (heads - 1) / 2)
        XCTAssertTrue(conflicts.allSatisfy { $0.object == "comment on table shared" && $0.kind == .sameObject })
    }
}
