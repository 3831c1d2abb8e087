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

/// The manifest's hash chain: cosmetic edits keep a revision's hash, semantic ones change
/// it, and `ManifestCheck` names what changed and where.
final class IntegrityTests: XCTestCase {
    func digest(_ xml: String) throws -> RevisionDigest {
        RevisionDigest(try XMLReader.parse(Array(xml.utf8), displayPath: "p/revisions/0001_a.xml"))
    }

    let original = """
        <?xml version="1.0" encoding="UTF-8"?>
        <revision id="r1" message="add things" format="1">
          <upgrade>
            <create-table name="t"><column name="id" type="numeric(10,2)" default="'a  b'"/></create-table>
            <create-index table="t" columns="id, name"/>
            <sql><forward>UPDATE t SET x = 'two  spaces' WHERE y > 1 -- note
        AND z = 1</forward><reverse/></sql>
            <create-enum name="e"><value>active</value></create-enum>
            <comment table="t">Two words</comment>
          </upgrade>
        </revision>

        """

    func testCosmeticEditsKeepTheHash() throws {
        let base = try digest(original)
        let cosmetic = """
            <revision format='1'   message='add things' id='r1'>
              <!-- reviewed by the DBA -->
              <upgrade>

                <create-table   name="t">
                  <column type="numeric( 10 , 2 )" name="id"   default="'a  b'" ></column>
                </create-table>
                <create-index columns="id,name" table="t">
                  <lint-allow rule="require-concurrent-index" reason="t is new"/>
                </create-index>
                <sql>
                  <forward><![CDATA[
                    UPDATE t
                       SET x = 'two  spaces'
                     WHERE y > 1   -- note
                       AND z = 1
                  ]]></forward>
                  <reverse></reverse>
                </sql>
                <create-enum name="e"><value>active</value></create-enum>
                <comment table="t">
                  Two words
                </comment>
              </upgrade>
              <lint-allow rule="drop-table" reason="accepted later"/>
            </revision>
            """
        let edited = try digest(cosmetic)
        XCTAssertEqual(edited.content, base.content)
        XCTAssertEqual(edited.upgrade.map(\.sha256), base.upgrade.map(\.sha256))
        XCTAssertEqual(edited.upgrade.map(\.element), ["create-table", "create-index", "sql", "create-enum", "comment"])
    }

    func testSemanticEditsChangeTheHash() throws {
        let base = try digest(original)
        let edits: [(String, String, String)] = [
            ("a type", "numeric(10,2)", "numeric(12,2)"),
            ("whitespace inside a string literal", "'two  spaces'", "'two spaces'"),
            ("whitespace inside a default's literal", "'a  b'", "'a b'"),
            ("the line a line comment ends", "-- note\nAND z = 1", "-- note AND z = 1"),
            ("an enum value's spaces", "<value>active</value>", "<value> active</value>"),
            ("a comment's words", "Two words", "Two  words"),
            ("an index's columns", "columns=\"id, name\"", "columns=\"name, id\""),
            ("the message", "message=\"add things\"", "message=\"add more things\""),
            ("a parent", "message=", "parent=\"r0\" message="),
            ("an empty reverse removed", "<reverse/>", ""),
            ("a comparison", "y > 1", "y >= 1"),
        ]
        for (what, from, to) in edits {
            XCTAssertTrue(original.contains(from), what)
            let edited = try digest(original.replacingOccurrences(of: from, with: to))
            XCTAssertNotEqual(edited.content, base.content, "changing \(what) must change the hash")
        }
        var swapped = original.components(separatedBy: "\n")
        swapped.swapAt(3, 4)
        XCTAssertNotEqual(try digest(swapped.joined(separator: "\n")).content, base.content, "operation order is content")
    }

    func testDollarQuotedBodiesKeepTheirHashWhenReindented() {
        let body = "DO $$\nBEGIN\n  PERFORM 1;\nEND\n$$"
        let indented = "DO $$\n        BEGIN\n          PERFORM 1;   \n        END\n      $$"
        XCTAssertEqual(CanonicalForm.normalizeSQL(body), CanonicalForm.normalizeSQL(indented))
        XCTAssertNotEqual(CanonicalForm.normalizeSQL(body), CanonicalForm.normalizeSQL("DO $$\nBEGIN\nPERFORM 1;\nEND\n$$"),
                          "relative indentation inside a body is kept")
        XCTAssertEqual(CanonicalForm.normalizeSQL("SELECT f( a ,  b )"), "SELECT f(a,b)")
        XCTAssertEqual(CanonicalForm.normalizeSQL("SELECT $1,  \"A  b\""), "SELECT $1,\"A  b\"")
        XCTAssertEqual(CanonicalForm.normalizeSQL("SELECT E'it\\'s  x'  ,1"), "SELECT E'it\\'s  x',1")
        XCTAssertEqual(CanonicalForm.normalizeSQL("a /* x  /* nested */  y */   b"), "a /* x  /* nested */  y */ b")
    }

    // MARK: - Chains

    func testChainHashesCoverTheAncestryAndNothingElse() throws {
        func project(_ rootTable: String) throws -> TemporaryProject {
            try TemporaryProject([
                "revisions/0001_a.xml": revisionXML("a", "<create-table name=\"\(rootTable)\"><column name=\"id\" type=\"int\"/></create-table>"),
                "revisions/0002_b.xml": revisionXML("b", parent: "a", "<create-table name=\"b\"><column name=\"id\" type=\"int\"/></create-table>"),
                "revisions/0003_c.xml": revisionXML("c", "<create-table name=\"c\"><column name=\"id\" type=\"int\"/></create-table>"),
            ])
        }
        let one = try project("t").compile(), two = try project("u").compile()
        let chainsOne = ManifestChain.hashes(one.graph), chainsTwo = ManifestChain.hashes(two.graph)
        func chain(_ c: Compilation, _ chains: [String], _ id: String) -> String { chains[c.graph.indexByID[id]!] }
        XCTAssertNotEqual(chain(one, chainsOne, "a"), chain(two, chainsTwo, "a"))
        XCTAssertNotEqual(chain(one, chainsOne, "b"), chain(two, chainsTwo, "b"), "b's chain covers its parent")
        XCTAssertEqual(one.revisions[one.graph.indexByID["b"]!].revision.digest.content,
                       two.revisions[two.graph.indexByID["b"]!].revision.digest.content, "b's own content is the same")
        XCTAssertEqual(chain(one, chainsOne, "c"), chain(two, chainsTwo, "c"), "an unrelated root keeps its chain")
        XCTAssertNotEqual(ManifestChain.historyHash(one.graph, chainsOne), ManifestChain.historyHash(two.graph, chainsTwo))
        XCTAssertNotEqual(ManifestChain.schemaFingerprint(one.headState), ManifestChain.schemaFingerprint(two.headState))
        XCTAssertEqual(ManifestChain.schemaFingerprint(one.headState), ManifestChain.schemaFingerprint(try project("t").compile().headState))
    }

    func testTheManifestRecordsChainsOperationsAndTheHeadSchema() throws {
        let compilation = try Compiler.compile(try ProjectLoader.load(exampleProject))
        let artifacts = try Artifacts.build(compilation)
        let manifest = try JSONDecoder().decode(Manifest.self, from: Data(artifacts.files["manifest.json"]!))
        XCTAssertEqual(manifest.format, 2)
        XCTAssertEqual(manifest.headSchemaSha256, ManifestChain.schemaFingerprint(compilation.headState))
        XCTAssertEqual(manifest.historySha256?.count, 64)
        let merge = try XCTUnwrap(manifest.revisions.first { $0.id == "6a9d2e5c0b48" })
        XCTAssertEqual(merge.upgradeOperations?.map { String($0.prefix { $0 != " " }) }, ["sql"])
        XCTAssertEqual(merge.upgradeOperations?.first?.count, 4 + 64)
        XCTAssertNil(merge.downgradeOperations)
        XCTAssertEqual(ManifestCheck.recordedContentHashes(artifacts.files["manifest.json"]!),
                       manifest.revisions.map { $0.contentSha256! }, "the fast path reads every recorded hash")
        let chains = ManifestChain.hashes(compilation.graph)
        XCTAssertEqual(merge.chainSha256, chains[compilation.graph.indexByID["6a9d2e5c0b48"]!])
    }

    // MARK: - Edited revisions

    let first = """
        <revision id="r1" message="first" format="1">
          <upgrade>
            <create-table name="t"><column name="id" type="int"/></create-table>
            <add-column table="t"><column name="a" type="text"/></add-column>
          </upgrade>
        </revision>

        """

    /// A project compiled into its out/, then `edit`ed: the findings against that manifest.
    func findings(after edit: (TemporaryProject) throws -> Void) throws -> [EditedRevision] {
        let project = try TemporaryProject([
            "revisions/0001_a.xml": first,
            "revisions/0002_b.xml": revisionXML("r2", parent: "r1", "<add-column table=\"t\"><column name=\"b\" type=\"int\"/></add-column>"),
        ])
        let loaded = try ProjectLoader.load(project.directory)
        try OutputWriter.write(try Artifacts.build(try Compiler.compile(loaded)), to: loaded.outputDirectory)
        try edit(project)
        let edited = try ProjectLoader.load(project.directory)
        let manifest = try [UInt8](Data(contentsOf: ManifestCheck.committedManifest(of: edited)))
        return try ManifestCheck.editedRevisions(edited, manifest: manifest, manifestPath: "out/manifest.json")
    }

    func testACosmeticEditIsNotAnEdit() throws {
        XCTAssertEqual(try findings { p in
            try p.write("revisions/0001_a.xml", first.replacingOccurrences(of: "<add-column table=\"t\">", with: "<!-- why -->\n    <add-column\n      table='t' >"))
        }, [])
    }

    func testAChangedOperationIsNamedWithItsPosition() throws {
        let found = try findings { p in
            try p.write("revisions/0001_a.xml", first.replacingOccurrences(of: "type=\"text\"", with: "type=\"varchar(10)\""))
        }
        XCTAssertEqual(found.count, 1)
        XCTAssertEqual(found.first?.rule, "edited-revision")
        XCTAssertEqual(found.first?.revision, "r1")
        XCTAssertEqual(found.first?.location, SourceLocation(file: "proj/revisions/0001_a.xml", line: 4, column: 5))
        XCTAssertEqual(found.first?.changes, ["upgrade operation 2 (<add-column> at proj/revisions/0001_a.xml:4:5) changed"])
        XCTAssertTrue(found.first?.message.contains("revision r1 changed after it was recorded in out/manifest.json") == true)
    }

    func testAddedRemovedAndHeaderChangesAreNamed() throws {
        let added = try findings { p in
            try p.write("revisions/0001_a.xml", first.replacingOccurrences(of: "  </upgrade>", with: "    <create-index table=\"t\" columns=\"a\"/>\n  </upgrade>"))
        }
        XCTAssertEqual(added.first?.changes, ["upgrade operation 3 (<create-index> at proj/revisions/0001_a.xml:5:5) added"])

        let removed = try findings { p in
            try p.write("revisions/0001_a.xml", first.replacingOccurrences(of: "    <create-table name=\"t\"><column name=\"id\" type=\"int\"/></create-table>\n", with: "")
                .replacingOccurrences(of: "<add-column table=\"t\"><column name=\"a\" type=\"text\"/></add-column>", with: "<create-table name=\"t\"><column name=\"a\" type=\"text\"/></create-table>"))
        }
        XCTAssertEqual(removed.first?.changes, ["upgrade operation 1 (<create-table> at proj/revisions/0001_a.xml:3:5) changed", "upgrade operation 2 (<add-column>) removed"])

        let header = try findings { p in
            try p.write("revisions/0002_b.xml", revisionXML("r2", parent: "r1", "<add-column table=\"t\"><column name=\"b\" type=\"int\"/></add-column>", message: "other"))
        }
        XCTAssertEqual(header.first?.changes, ["message changed"])
        XCTAssertEqual(header.first?.location, SourceLocation(file: "proj/revisions/0002_b.xml", line: 2, column: 1))

        let downgrade = try findings { p in
            try p.write("revisions/0002_b.xml", revisionXML("r2", parent: "r1", "<add-column table=\"t\"><column name=\"b\" type=\"int\"/></add-column>",
                                                            downgrade: "<drop-column table=\"t\" column=\"b\"/>"))
        }
        XCTAssertEqual(downgrade.first?.changes, ["explicit <downgrade> added"])
    }

    func testARemovedRevisionPointsAtItsManifestEntry() throws {
        let found = try findings { p in try FileManager.default.removeItem(at: p.directory.appendingPathComponent("revisions/0002_b.xml")) }
        XCTAssertEqual(found.map(\.revision), ["r2"])
        XCTAssertEqual(found.first?.changes, ["removed"])
        XCTAssertEqual(found.first?.location.file, "out/manifest.json")
        XCTAssertGreaterThan(found.first?.location.line ?? 0, 1)
    }

    func testAnotherAttributeOfTheRevisionIsNamed() throws {
        let found = try findings { p in
            try p.write("revisions/0001_a.xml", first.replacingOccurrences(of: " format=\"1\"", with: ""))
        }
        XCTAssertEqual(found.first?.changes, ["attributes of <revision> changed"])
        XCTAssertEqual(found.first?.location, SourceLocation(file: "proj/revisions/0001_a.xml", line: 1, column: 1))
    }

    func testOlderAndBrokenManifests() throws {
        let project = try ProjectLoader.load(exampleProject)
        let old = #"{"tool":"retort","toolVersion":"0.1.0","format":1,"project":"p","target":{"postgres":15},"versionTable":"public.v","transaction":"single","heads":[],"revisions":[{"id":"a1f3c9e2b7d0","parents":[],"dependsOn":[],"branchLabels":[],"message":"x","source":"s","sourceSha256":"0","upgrade":"u","downgrade":"d","irreversible":false}],"inputs":{},"outputs":{}}"#
        XCTAssertEqual(try ManifestCheck.editedRevisions(project, manifest: Array(old.utf8), manifestPath: "m.json"), [], "format 1 records no content hashes")
        assertDiagnostic(try ManifestCheck.editedRevisions(project, manifest: Array("<<<<<<< HEAD".utf8), manifestPath: "out/manifest.json"),
                         id: "bad-manifest", file: "out/manifest.json", line: 1, contains: "cannot read the manifest")
    }

    func testSqlCheckReportsEditedRevisionsAndSqlWarns() throws {
        let project = try TemporaryProject([
            "revisions/0001_a.xml": first,
        ])
        XCTAssertEqual(try runRetort(["--project", project.directory.path, "sql"]).status, 0)
        let shipped = project.root.appendingPathComponent("shipped.json")
        try FileManager.default.copyItem(at: project.root.appendingPathComponent("out/manifest.json"), to: shipped)
        try project.write("revisions/0001_a.xml", first.replacingOccurrences(of: "name=\"a\"", with: "name=\"b\""))
        let check = try runRetort(["sql", "--check", "--project", "proj"], cwd: project.root)
        XCTAssertEqual(check.status, 1)
        XCTAssertTrue(check.stderr.contains("proj/revisions/0001_a.xml:4:5: error[edited-revision]: revision r1 changed after it was recorded in out/manifest.json: upgrade operation 2 (<add-column> at proj/revisions/0001_a.xml:4:5) changed\n"), check.stderr)
        XCTAssertTrue(check.stderr.contains("out is stale"), check.stderr)

        let write = try runRetort(["sql", "--project", "proj"], cwd: project.root)
        XCTAssertEqual(write.status, 0, write.stderr)
        XCTAssertTrue(write.stderr.contains("warning[edited-revision]"), write.stderr)
        XCTAssertEqual(try runRetort(["sql", "--check", "--project", "proj"], cwd: project.root).status, 0, "the rewritten manifest records the edit")
        let against = try runRetort(["sql", "--check", "--project", "proj", "--manifest", shipped.path], cwd: project.root)
        XCTAssertEqual(against.status, 1, "the shipped manifest still catches it")
        XCTAssertTrue(against.stderr.contains("error[edited-revision]"), against.stderr)
        XCTAssertFalse(against.stderr.contains("stale"), against.stderr)
    }
}
