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

/// The version table's rows follow Alembic's rules across branch points, merges and
/// `depends-on`: checked on small graphs with the exact statements, on generated graphs
/// against an independent oracle, and against Alembic itself (from PyPI).
final class VersionPlannerTests: XCTestCase {
    func graph(_ spec: [(String, [String], [String])]) throws -> RevisionGraph {
        try RevisionGraph(spec.enumerated().map { at, node in
            Revision(id: node.0, parents: node.1, message: "", branchLabels: [], dependsOn: node.2,
                     stem: String(format: "%04d", at + 1), location: SourceLocation(file: "r/\(node.0).xml", line: 1, column: 1),
                     upgrade: [], downgrade: nil, allows: [], sourceHash: "")
        })
    }

    func ids(_ graph: RevisionGraph, _ names: [String]) -> [Int] { names.map { graph.indexByID[$0]! } }

    func testALineUpdatesOneRow() throws {
        let g = try graph([("a", [], []), ("b", ["a"], []), ("c", ["b"], [])])
        XCTAssertEqual(VersionPlanner.upgrade(g, g.order, from: []).map(\.changes),
                       [[.insert("a")], [.update(from: "a", to: "b")], [.update(from: "b", to: "c")]])
        XCTAssertEqual(VersionPlanner.downgrade(g, g.order.reversed(), from: g.heads).map(\.changes),
                       [[.update(from: "c", to: "b")], [.update(from: "b", to: "a")], [.delete("a")]])
    }

    func testABranchPointInsertsARowAndItsDowngradeDeletesIt() throws {
        let g = try graph([("a", [], []), ("b", ["a"], []), ("c", ["a"], [])])
        let up = VersionPlanner.upgrade(g, g.order, from: [])
        XCTAssertEqual(up.map(\.changes), [[.insert("a")], [.update(from: "a", to: "b")], [.insert("c")]])
        XCTAssertEqual(up[2].expected, ["b"])
        let down = VersionPlanner.downgrade(g, ids(g, ["c", "b", "a"]), from: ids(g, ["b", "c"]))
        XCTAssertEqual(down.map(\.changes), [[.delete("c")], [.update(from: "b", to: "a")], [.delete("a")]])
        XCTAssertEqual(down.map(\.expected), [["b", "c"], ["b"], ["a"]])
    }

    func testAMergeDeletesAndUpdatesAndItsDowngradeUpdatesAndInserts() throws {
        let g = try graph([("a", [], []), ("b", ["a"], []), ("c", ["a"], []), ("m", ["b", "c"], [])])
        let up = VersionPlanner.upgrade(g, g.order, from: [])
        XCTAssertEqual(up[3].expected, ["b", "c"])
        XCTAssertEqual(up[3].changes, [.delete("c"), .update(from: "b", to: "m")])
        let down = VersionPlanner.downgrade(g, ids(g, ["m"]), from: ids(g, ["m"]))
        XCTAssertEqual(down[0].changes, [.update(from: "m", to: "b"), .insert("c")])
    }

    func testAMergeBesideAnotherBranchOnlyConsumesItsOwnParents() throws {
        // a -> b, a -> c, a -> d; m merges b and c while d stays a head.
        let g = try graph([("a", [], []), ("b", ["a"], []), ("c", ["a"], []), ("d", ["a"], []), ("m", ["b", "c"], [])])
        let up = VersionPlanner.upgrade(g, g.order, from: [])
        XCTAssertEqual(up[4].expected, ["b", "c", "d"])
        XCTAssertEqual(up[4].changes, [.delete("c"), .update(from: "b", to: "m")])
        let down = VersionPlanner.downgrade(g, ids(g, ["m", "d"]), from: ids(g, ["m", "d"]))
        XCTAssertEqual(down[0].changes, [.update(from: "m", to: "b"), .insert("c")])
        XCTAssertEqual(down[1].expected, ["b", "c", "d"])
        XCTAssertEqual(down[1].changes, [.delete("d")], "a is still below b and c")
    }

    func testADependencyIsConsumedLikeAParentAndRestoredOnTheWayDown() throws {
        // Alembic: depends_on makes x a down revision of b for the version table.
        let g = try graph([("a", [], []), ("b", ["a"], ["x"]), ("x", [], [])])
        XCTAssertEqual(g.downRevisions[g.indexByID["b"]!], ids(g, ["a", "x"]))
        let order = ids(g, ["a", "x", "b"])
        let up = VersionPlanner.upgrade(g, order, from: [])
        XCTAssertEqual(up.map(\.changes), [[.insert("a")], [.insert("x")], [.delete("x"), .update(from: "a", to: "b")]])
        XCTAssertEqual(g.heads, ids(g, ["b"]), "x is not a head once b depends on it")
        let down = VersionPlanner.downgrade(g, ids(g, ["b"]), from: ids(g, ["b"]))
        XCTAssertEqual(down[0].changes, [.update(from: "b", to: "a"), .insert("x")])
    }

    func testARootWithADependencyUpdatesTheDependencysRow() throws {
        // Alembic's should_create_branch looks at normalised down revisions, dependencies included.
        let g = try graph([("x", [], []), ("y", [], ["x"]), ("z", ["y"], ["x"])])
        XCTAssertEqual(g.downRevisions[g.indexByID["z"]!], ids(g, ["y"]), "x is already a dependency of z's ancestor y")
        let up = VersionPlanner.upgrade(g, g.order, from: [])
        XCTAssertEqual(up.map(\.changes), [[.insert("x")], [.update(from: "x", to: "y")], [.update(from: "y", to: "z")]])
        let down = VersionPlanner.downgrade(g, g.order.reversed(), from: g.heads)
        XCTAssertEqual(down.map(\.changes), [[.update(from: "z", to: "y")], [.update(from: "y", to: "x")], [.delete("x")]])
    }

    /// Applies statements to a set of rows the way PostgreSQL would, failing on a statement
    /// that would not touch exactly one row.
    func apply(_ changes: [VersionChange], to rows: inout Set<String>, file: StaticString = #filePath, line: UInt = #line) {
        for change in changes {
            switch change {
            case .insert(let id): XCTAssertTrue(rows.insert(id).inserted, "insert \(id): already there", file: file, line: line)
            case .delete(let id): XCTAssertNotNil(rows.remove(id), "delete \(id): no such row", file: file, line: line)
            case .update(let from, let to):
                XCTAssertNotNil(rows.remove(from), "update \(from): no such row", file: file, line: line)
                XCTAssertTrue(rows.insert(to).inserted, "update to \(to): already there", file: file, line: line)
            }
        }
    }

    /// Rows after each step of a whole-history upgrade then downgrade.
    func plannedRows(_ g: RevisionGraph) -> (up: [[String]], down: [[String]]) {
        var rows = Set<String>()
        var up: [[String]] = [], down: [[String]] = []
        for step in VersionPlanner.upgrade(g, g.order, from: []) {
            XCTAssertEqual(step.expected, rows.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
            apply(step.changes, to: &rows)
            up.append(rows.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        }
        for step in VersionPlanner.downgrade(g, g.order.reversed(), from: g.heads) {
            XCTAssertEqual(step.expected, rows.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
            apply(step.changes, to: &rows)
            down.append(rows.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        }
        return (up, down)
    }

    func testGeneratedHistoriesKeepOneRowPerAppliedHead() throws {
        var checked = 0
        for seed in UInt64(1)...6 {
            let history = GeneratedHistory.branchy(count: 400, seed: seed, dependencies: seed.isMultiple(of: 2))
            let g = try RevisionGraph(history.revisions())
            XCTAssertGreaterThan(history.merges, 20)
            XCTAssertGreaterThan(history.branchPoints, 20)
            let (up, down) = plannedRows(g)
            var applied = Set<Int>()
            for (at, index) in g.order.enumerated() {
                applied.insert(index)
                XCTAssertEqual(up[at], expectedRows(g, applied: applied), "seed \(seed), upgrade step \(at)")
            }
            XCTAssertEqual(up.last, VersionPlanner.ids(g, g.heads))
            for (at, index) in g.order.reversed().enumerated() {
                applied.remove(index)
                XCTAssertEqual(down[at], expectedRows(g, applied: applied), "seed \(seed), downgrade step \(at)")
                checked += 2
            }
            XCTAssertEqual(down.last, [])
        }
        XCTAssertEqual(checked, 4800)
    }

    /// The same generated graphs through Alembic's own HeadMaintainer: Alembic from PyPI
    /// (RETORT_ALEMBIC_PYTHON names another Python with Alembic installed).
    func testGeneratedHistoriesMatchAlembicItself() throws {
        let given = ProcessInfo.processInfo.environment["RETORT_ALEMBIC_PYTHON"] ?? ""
        let python = given.isEmpty ? try AlembicTool.shared().python.path : given
        let script = packageRoot.appendingPathComponent("Tests/alembic/version_rows.py")
        for seed in UInt64(1)...6 {
            let history = GeneratedHistory.branchy(count: 300, seed: seed, dependencies: true)
            let g = try RevisionGraph(history.revisions())
            let input: [String: Any] = [
                "revisions": history.nodes.map { ["id": $0.id, "parents": $0.parents, "dependsOn": $0.dependsOn] },
                "upgrade": g.order.map { g.revisions[$0].id },
                "downgrade": g.order.reversed().map { g.revisions[$0].id },
            ]
            let process = Process()
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = [script.path]
            let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
            process.standardInput = stdin
            process.standardOutput = stdout
            process.standardError = stderr
            try process.run()
            stdin.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: input))
            try stdin.fileHandleForWriting.close()
            let output = stdout.fileHandleForReading.readDataToEndOfFile()
            let errors = stderr.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0, String(decoding: errors, as: UTF8.self))
            let alembic = try JSONDecoder().decode([String: [[String]]].self, from: output)
            let (up, down) = plannedRows(g)
            let sort = { (rows: [[String]]) in rows.map { $0.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } } }
            XCTAssertEqual(up, sort(alembic["upgrade"]!), "seed \(seed): upgrade rows differ from Alembic's")
            XCTAssertEqual(down, sort(alembic["downgrade"]!), "seed \(seed): downgrade rows differ from Alembic's")
        }
    }
}
