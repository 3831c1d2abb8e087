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

/// Random but valid histories (`HistoryGenerator`) compiled by Retort and judged by the
/// server: `upgrade.sql` against `schema.sql` and `downgrade.sql` back to nothing (in every
/// transaction mode), and every revision up, down and up again.
///
/// Seeds: `RETORT_HISTORY_SEEDS="1 2 3"` (default: `fixedSeeds`); length:
/// `RETORT_HISTORY_REVISIONS` (default: `defaultLength`). A failure names the seed and the
/// shortest failing prefix of its history, found by bisection, with the command to rerun it.
final class GeneratedHistoryTests: XCTestCase {
    static let fixedSeeds: [UInt64] = [1, 2, 3]
    static let defaultLength = 220

    static var seeds: [UInt64] {
        guard let text = ProcessInfo.processInfo.environment["RETORT_HISTORY_SEEDS"], !text.isEmpty else { return fixedSeeds }
        return text.split(whereSeparator: { $0 == " " || $0 == "," }).compactMap { UInt64($0) }
    }

    static var length: Int {
        ProcessInfo.processInfo.environment["RETORT_HISTORY_REVISIONS"].flatMap { Int($0) } ?? defaultLength
    }

    func testEveryOperationAndVariantIsGenerated() {
        for seed in Self.fixedSeeds {
            let features = HistoryGenerator.history(seed: seed, count: Self.defaultLength).features
            let missing = HistoryGenerator.requiredFeatures.filter { features[$0, default: 0] == 0 }
            XCTAssertEqual(missing, [], "seed \(seed) never generates these in \(Self.defaultLength) revisions")
            // A share of the renames and drops is written as raw DDL, which must be read as operations.
            XCTAssertGreaterThan(features["raw ddl", default: 0], 5, "seed \(seed) writes raw DDL")
        }
    }

    func testTheSameSeedGivesTheSameHistoryAndPrefixesAgree() {
        let long = HistoryGenerator.history(seed: 7, count: 40).revisions.map(\.xml)
        XCTAssertEqual(HistoryGenerator.history(seed: 7, count: 40).revisions.map(\.xml), long)
        XCTAssertEqual(HistoryGenerator.history(seed: 7, count: 15).revisions.map(\.xml), Array(long.prefix(15)))
        XCTAssertNotEqual(HistoryGenerator.history(seed: 8, count: 40).revisions.map(\.xml), long)
    }

    func testGeneratedHistoriesRoundTripOnTheServer() throws {
        let roundTrip = ServerRoundTrip(server: try PostgresServer.shared())
        var revisions = 0, statements = 0
        for seed in Self.seeds {
            let outcome = try check(seed: seed, length: Self.length, roundTrip)
            revisions += outcome.revisions
            statements += outcome.statements
            guard !outcome.problems.isEmpty else { continue }
            let shortest = try shortestFailingPrefix(seed: seed, failingLength: Self.length, roundTrip)
            let last = HistoryGenerator.history(seed: seed, count: shortest.length).revisions.last!
            XCTFail("""
                seed \(seed): the generated history fails; its shortest failing prefix has \(shortest.length) revisions \
                (rerun: RETORT_HISTORY_SEEDS=\(seed) RETORT_HISTORY_REVISIONS=\(shortest.length) swift test --filter GeneratedHistoryTests).
                Problems of that prefix:
                \(shortest.problems.joined(separator: "\n"))
                Its last revision, revisions/\(last.stem).xml:
                \(last.xml)
                """)
        }
        print("GeneratedHistoryTests: \(Self.seeds.count) seeds, \(revisions) revisions up, down and up again, \(statements) statements on the server")
    }

    /// What one seed's history of `length` revisions does on the server.
    struct Outcome {
        var problems: [String]
        var revisions = 0
        /// DDL statements of the revisions' upgrades and downgrades, each run on the server
        /// twice by the revision walk and once more by the whole-history scripts.
        var statements = 0
    }

    func check(seed: UInt64, length: Int, _ roundTrip: ServerRoundTrip) throws -> Outcome {
        var generator = HistoryGenerator(seed: seed)
        var files: [String: String] = [:]
        for _ in 0..<length {
            let revision = generator.nextRevision()
            files["revisions/\(revision.stem).xml"] = revision.xml
        }
        let project = try TemporaryProject(files)
        let compiled: CompiledProject
        do {
            compiled = try CompiledProject(project.directory)
        } catch let diagnostic as Diagnostic {
            return Outcome(problems: ["Retort rejects the history: \(diagnostic)"])
        }
        var outcome = Outcome(problems: namingProblems(compiled.compilation.headState, generator.model))
        outcome.problems += try roundTrip.wholeHistory(compiled)
        for mode in [TransactionMode.single, .none] {
            outcome.problems += try roundTrip.wholeHistory(try CompiledProject(project.directory, transaction: mode)).map { "transaction \(mode.rawValue): \($0)" }
        }
        let walk = try roundTrip.everyRevision(compiled)
        outcome.problems += walk.problems
        outcome.revisions = walk.verified
        outcome.statements = compiled.compilation.revisions.reduce(0) { count, revision in
            count + (revision.upgrade + revision.downgrade).flatMap(PostgresRenderer.render).count
        }
        return outcome
    }

    /// Constraint and index names in Retort's head state that differ from the names the
    /// generator predicts PostgreSQL gives (unnamed objects included).
    func namingProblems(_ state: SchemaState, _ model: HistoryModel) -> [String] {
        model.tables.compactMap { table in
            let name = QualifiedName(schema: table.name.schema, name: table.name.name)
            guard let retort = state.table(name) else { return "table \(name) is missing from Retort's head state" }
            let expected = (table.constraints.map(\.name) + table.indexes.map(\.name)).sorted()
            let actual = (retort.constraints.map(\.name) + retort.indexes.map(\.name)).sorted()
            return expected == actual ? nil : "table \(name): Retort's constraint and index names \(actual), PostgreSQL's \(expected)"
        }
    }

    /// Bisects the prefixes of a history whose `failingLength` revisions fail.
    func shortestFailingPrefix(seed: UInt64, failingLength: Int, _ roundTrip: ServerRoundTrip) throws -> (length: Int, problems: [String]) {
        var passing = 0, failing = failingLength
        var problems = try check(seed: seed, length: failingLength, roundTrip).problems
        while failing - passing > 1 {
            let middle = (passing + failing) / 2
            let found = try check(seed: seed, length: middle, roundTrip).problems
            if found.isEmpty {
                passing = middle
            } else {
                failing = middle
                problems = found
            }
        }
        return (failing, problems)
    }
}
