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

/// The revision graph: its algorithms on generated graphs, its drawing, its findings and
/// every graph error with its position.
final class RevisionGraphTests: XCTestCase {
    func revision(_ id: String, _ parents: [String] = [], dependsOn: [String] = [], labels: [String] = [], stem: String? = nil, line: Int = 1) -> Revision {
        let stem = stem ?? id
        return Revision(id: id, parents: parents, message: "rev \(id)", branchLabels: labels, dependsOn: dependsOn, stem: stem,
                        location: SourceLocation(file: "p/revisions/\(stem).xml", line: line, column: 1),
                        upgrade: [], downgrade: nil, allows: [], sourceHash: "")
    }

    // MARK: - Generated graphs

    func testOrderAncestryAndHeadsOnGeneratedGraphs() throws {
        for seed in UInt64(11)...16 {
            let history = GeneratedHistory.branchy(count: 500, seed: seed, dependencies: true)
            var shuffled = history.revisions()
            var random = SplitMix64(seed: seed)
            shuffled.shuffle(using: &random)
            let graph = try RevisionGraph(shuffled)
            XCTAssertEqual(graph.order, try RevisionGraph(history.revisions()).order, "the order does not depend on the input order")
            XCTAssertEqual(Set(graph.order), Set(graph.revisions.indices))
            for index in graph.order {
                for predecessor in graph.parents[index] + graph.dependencies[index] {
                    XCTAssertLessThan(graph.position[predecessor], graph.position[index], "seed \(seed)")
                    XCTAssertTrue(graph.isAncestor(predecessor, of: index))
                    XCTAssertFalse(graph.isAncestor(index, of: predecessor))
                }
                // Normalised down revisions: the parents, plus dependencies no ancestor declares.
                let down = graph.downRevisions[index]
                XCTAssertEqual(Array(down.prefix(graph.parents[index].count)), graph.parents[index])
                for dependency in down.dropFirst(graph.parents[index].count) {
                    XCTAssertTrue(graph.dependencies[index].contains(dependency))
                }
            }
            let heads = Set(graph.heads)
            for index in graph.revisions.indices {
                XCTAssertEqual(heads.contains(index), graph.children[index].isEmpty)
            }
            // Every revision is below some head.
            XCTAssertEqual(graph.ancestors(of: graph.heads).count, graph.revisions.count)
        }
    }

    func testExclusiveAncestorsMatchSetDifferences() throws {
        for seed in UInt64(51)...53 {
            let graph = try RevisionGraph(GeneratedHistory.branchy(count: 400, seed: seed, dependencies: true).revisions())
            var random = SplitMix64(seed: seed)
            for _ in 0..<200 {
                let a = Int.random(in: 0..<graph.revisions.count, using: &random)
                let b = Int.random(in: 0..<graph.revisions.count, using: &random)
                let (left, right) = graph.exclusiveAncestors([a], [b])
                let ancestorsA = graph.ancestors(of: [a]), ancestorsB = graph.ancestors(of: [b])
                let inOrder = { (set: Set<Int>) in set.sorted { graph.position[$0] < graph.position[$1] } }
                XCTAssertEqual(left, inOrder(ancestorsA.subtracting(ancestorsB)), "seed \(seed): \(a) vs \(b)")
                XCTAssertEqual(right, inOrder(ancestorsB.subtracting(ancestorsA)), "seed \(seed): \(b) vs \(a)")
            }
        }
    }

    func testDisplayOrderPutsChildrenFirstAndKeepsLinesTogether() throws {
        for seed in UInt64(21)...24 {
            let graph = try RevisionGraph(GeneratedHistory.branchy(count: 400, seed: seed).revisions())
            let order = HistoryGraph.displayOrder(graph)
            XCTAssertEqual(order.count, graph.revisions.count)
            XCTAssertEqual(Set(order).count, order.count)
            var shown = [Int: Int]()
            for (at, index) in order.enumerated() { shown[index] = at }
            var together = 0
            for (at, index) in order.enumerated() {
                for parent in graph.parents[index] { XCTAssertLessThan(at, shown[parent]!, "a child before its parent") }
                if let first = graph.parents[index].first, shown[first] == at + 1 { together += 1 }
            }
            XCTAssertGreaterThan(together, order.count / 2, "most revisions are followed by their first parent")
        }
    }

    func testDrawingLikeGitLogGraph() throws {
        let graph = try RevisionGraph([
            revision("a", stem: "0001"), revision("b", ["a"], stem: "0002"), revision("c", ["a"], stem: "0003"),
            revision("d", ["b"], stem: "0004"), revision("e", ["c"], stem: "0005"), revision("f", ["a"], stem: "0006"),
            revision("m", ["d", "e"], stem: "0007"), revision("g", stem: "0008"), revision("h", ["f"], stem: "0009"),
            revision("n", ["m", "h", "g"], stem: "0010"), revision("k", ["b"], stem: "0011"),
        ])
        let lines = HistoryGraph.lines(graph) { graph.revisions[$0].id }
        XCTAssertEqual(lines, [
            "* k",
            "| *     n",
            "| |\\",
            "| | |\\",
            "| * | |   m",
            "| |\\ \\ \\",
            "| * | | | d",
            "|/ / / /",
            "* | | | b",
            "| * | | e",
            "| * | | c",
            "| | * | h",
            "| | * | f",
            "|/ / /",
            "|/ /",
            "* | a",
            " /",
            "* g",
        ])
    }

    func testDrawingsOfGeneratedGraphsAreDeterministicAndComplete() throws {
        for seed in UInt64(31)...34 {
            let history = GeneratedHistory.branchy(count: 300, seed: seed, dependencies: true)
            let graph = try RevisionGraph(history.revisions())
            let lines = HistoryGraph.lines(graph) { graph.revisions[$0].id }
            var random = SplitMix64(seed: seed)
            let again = try RevisionGraph(history.revisions().shuffled(using: &random))
            XCTAssertEqual(HistoryGraph.lines(again) { again.revisions[$0].id }, lines)
            let nodes = lines.filter { $0.contains("*") }
            XCTAssertEqual(nodes.count, graph.revisions.count)
            XCTAssertEqual(Set(nodes.map { $0.split(separator: " ").last! }).count, graph.revisions.count, "each revision once")
            for line in lines {
                let graphPart = line.contains("*") ? String(line[..<line.lastIndex(of: " ")!]) : line
                XCTAssertTrue(graphPart.allSatisfy { "*|/\\ ".contains($0) }, line)
                XCTAssertLessThanOrEqual(graphPart.filter { $0 == "*" }.count, 1, line)
                XCTAssertFalse(line.hasSuffix(" "), "no trailing blanks: '\(line)'")
            }
        }
    }

    // MARK: - Findings

    func testMultipleHeadsOnOneLineAreFindings() throws {
        let graph = try RevisionGraph([revision("a", line: 2), revision("b", ["a"], line: 2), revision("c", ["a"], line: 2)])
        let findings = GraphCheck.multipleHeads(graph)
        XCTAssertEqual(findings.map(\.rule), ["multiple-heads", "multiple-heads"])
        XCTAssertEqual(findings.map(\.location), [SourceLocation(file: "p/revisions/b.xml", line: 2, column: 1),
                                                   SourceLocation(file: "p/revisions/c.xml", line: 2, column: 1)])
        XCTAssertEqual(findings[0].related, [SourceLocation(file: "p/revisions/c.xml", line: 2, column: 1)])
        XCTAssertTrue(findings[0].message.contains("retort merge -m MSG b c"), findings[0].message)
    }

    func testLabelledBranchesMayHaveTheirOwnHeads() throws {
        let separate = try RevisionGraph([revision("a"), revision("b", ["a"]), revision("n", labels: ["networking"]), revision("o", ["n"])])
        XCTAssertEqual(separate.heads.count, 2)
        XCTAssertEqual(GraphCheck.multipleHeads(separate), [], "a labelled second base is intended")
        let forkedLabel = try RevisionGraph([revision("a"), revision("n", ["a"], labels: ["billing"]), revision("o", ["n"]), revision("p", ["n"])])
        XCTAssertEqual(GraphCheck.multipleHeads(forkedLabel).map(\.revision), ["o", "p"], "both heads share the label: an unintended fork")
        let merged = try RevisionGraph([revision("a"), revision("b", ["a"]), revision("c", ["a"]), revision("m", ["b", "c"])])
        XCTAssertEqual(GraphCheck.multipleHeads(merged), [])
        let dependency = try RevisionGraph([revision("a"), revision("x"), revision("b", ["a"], dependsOn: ["x"])])
        XCTAssertEqual(GraphCheck.multipleHeads(dependency), [], "a revision another depends on is not a head")
    }

    // MARK: - Errors with positions

    func testDanglingDependencyIsLocated() throws {
        let project = try TemporaryProject([
            "revisions/0001_a.xml": revisionXML("r1", "<sql>SELECT 1</sql>"),
            "revisions/0002_b.xml": "<revision id=\"r2\" parent=\"r1\" depends-on=\"r9\" format=\"1\">\n  <upgrade/>\n</revision>\n",
        ])
        assertDiagnostic(try project.compile(), id: "dangling-dependency", file: "proj/revisions/0002_b.xml", line: 1, column: 1,
                         contains: "depends on r9, which does not exist; did you mean 'r1'?")
    }

    func testDependencyCycleIsLocatedAndNamed() throws {
        let project = try TemporaryProject([
            "revisions/0001_a.xml": revisionXML("r1", "<sql>SELECT 1</sql>"),
            "revisions/0002_b.xml": "<revision id=\"r2\" parent=\"r1\" depends-on=\"r3\" format=\"1\">\n  <upgrade/>\n</revision>\n",
            "revisions/0003_c.xml": "\n<revision id=\"r3\" parent=\"r2\" format=\"1\">\n  <upgrade/>\n</revision>\n",
        ])
        assertDiagnostic(try project.compile(), id: "cycle", file: "proj/revisions/0003_c.xml", line: 2, column: 1,
                         contains: "cycle through depends-on: r3 -(depends-on)-> r2 -> r3")
    }

    func testSelfParentIsACycle() throws {
        let project = try TemporaryProject(["revisions/0001_a.xml": revisionXML("r1", parent: "r1", "<sql>SELECT 1</sql>")])
        assertDiagnostic(try project.compile(), id: "cycle", file: "proj/revisions/0001_a.xml", line: 2, column: 1, contains: "cycle: r1 -> r1")
    }

    func testDuplicateParentIsLocated() throws {
        let project = try TemporaryProject([
            "revisions/0001_a.xml": revisionXML("r1", "<sql>SELECT 1</sql>"),
            "revisions/0002_b.xml": revisionXML("r2", parent: "r1 r1", "<sql>SELECT 2</sql>"),
        ])
        assertDiagnostic(try project.compile(), id: "duplicate-parent", file: "proj/revisions/0002_b.xml", line: 2, column: 1, contains: "names parent r1 twice")
    }

    func testUnknownAndAmbiguousNames() throws {
        let graph = try RevisionGraph([revision("abcd1111"), revision("abcd2222", ["abcd1111"]), revision("ffff0000", ["abcd1111"], labels: ["side"])])
        let resolver = RevisionResolver(graph)
        assertDiagnostic(try resolver.single("abcd"), id: "ambiguous-revision", contains: "revision prefix 'abcd' is ambiguous: abcd1111, abcd2222")
        assertDiagnostic(try resolver.single("abcd3"), id: "unknown-revision", contains: "unknown revision 'abcd3'")
        assertDiagnostic(try resolver.single("abc"), id: "unknown-revision", contains: "a prefix needs 4 or more characters")
        assertDiagnostic(try resolver.resolve("head"), id: "several-heads", contains: "there are 2 heads (abcd2222, ffff0000)")
        assertDiagnostic(try resolver.resolve("sied@head"), id: "unknown-branch-label", contains: "unknown branch label 'sied'; did you mean 'side'?")
        XCTAssertEqual(try resolver.resolve("side@head"), [graph.indexByID["ffff0000"]!])
        XCTAssertEqual(try resolver.single("abcd2"), graph.indexByID["abcd2222"]!)
    }
}
