import Foundation
import XCTest
@testable import RetortModel
@testable import RetortReading
@testable import RetortGraph
@testable import RetortState
@testable import RetortCompiler
@testable import RetortDiff
@testable import RetortScripts
@testable import RetortLint
@testable import RetortKit
import RetortTestSupport

/// Each stage declares its diagnostic ids once; together they are one catalogue.
final class DiagnosticCatalogueTests: XCTestCase {
    static let catalogues: [(String, [DiagnosticID])] = [
        ("model", DiagnosticID.modelCatalogue), ("reading", DiagnosticID.readingCatalogue),
        ("graph", DiagnosticID.graphCatalogue), ("state", DiagnosticID.stateCatalogue),
        ("compiler", DiagnosticID.compilerCatalogue), ("diff", DiagnosticID.diffCatalogue),
        ("scripts", DiagnosticID.scriptsCatalogue), ("lint", DiagnosticID.lintCatalogue),
        ("kit", DiagnosticID.kitCatalogue),
    ]

    func testIdsAreKebabCaseAndDeclaredOnce() {
        var seen: [String: String] = [:]
        for (stage, ids) in Self.catalogues {
            for id in ids {
                XCTAssertNotNil(id.rawValue.range(of: #"^[a-z]+(-[a-z]+)*$"#, options: .regularExpression), id.rawValue)
                if let other = seen.updateValue(stage, forKey: id.rawValue) {
                    XCTFail("\(id) is declared by \(other) and \(stage)")
                }
            }
        }
        let lintRules = Set(LintCatalogue.rules.map(\.description.id))
        XCTAssertEqual(lintRules.intersection(seen.keys), [], "a diagnostic id is never also a lint rule id")
    }

    /// No call site spells an id as a string: they all name a declared `DiagnosticID`.
    func testNoSourceFileSpellsADiagnosticId() throws {
        let sources = packageRoot.appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
        XCTAssertGreaterThan(files.count, 50)
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            XCTAssertFalse(text.contains("Diagnostic(\""), "\(file.lastPathComponent) spells a diagnostic id")
        }
    }
}
