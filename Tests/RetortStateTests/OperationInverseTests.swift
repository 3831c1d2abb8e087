import XCTest
import RetortModel
import RetortReading
@testable import RetortState

/// Every state-machine operation, applied on its own to a small state: the inverse that
/// `apply` returns restores the state exactly, and each refusal carries its catalogue id.
final class OperationInverseTests: XCTestCase {
    /// A schema with one enum, a sequence, two tables joined by a foreign key, an index,
    /// a check and a view over `posts`: enough for every operation to have something to act on.
    static let base = """
        <create-extension name="citext"/>
        <create-schema name="app"/>
        <create-enum name="mood"><value>sad</value><value>ok</value><value>happy</value></create-enum>
        <create-sequence name="ticket_seq" start="10"/>
        <create-table name="people">
          <column name="id" type="bigint" primary-key="true"/>
          <column name="email" type="text" nullable="false" unique="true"/>
          <column name="mood" type="mood" default="'ok'"/>
          <column name="age" type="int"/>
          <column name="handle" type="citext"/>
          <check name="people_age_check" expression="age &gt;= 0"/>
        </create-table>
        <create-table name="posts">
          <column name="id" type="bigint" primary-key="true"/>
          <column name="author" type="bigint" references="people(id)"/>
          <column name="body" type="text"/>
        </create-table>
        <create-index table="posts" name="posts_author_idx" columns="author"/>
        <create-view name="bodies">SELECT id, body FROM posts</create-view>
        """

    /// One operation per kind Retort has, each valid against `base`.
    static let operations: [String] = [
        #"<create-schema name="reports"/>"#,
        #"<drop-schema name="app"/>"#,
        #"<create-extension name="pg_trgm"/>"#,
        #"<drop-column table="people" column="handle"/><drop-extension name="citext"/>"#,
        #"<drop-column table="people" column="mood"/><drop-enum name="mood"/>"#,
        #"<create-enum name="app.colour"><value>red</value><value>green</value></create-enum>"#,
        #"<add-enum-value enum="mood" value="ecstatic" after="happy"/>"#,
        #"<rename-enum-value enum="mood" from="ok" to="fine"/>"#,
        #"<rebuild-enum name="mood"><value>sad</value><value>ok</value></rebuild-enum>"#,
        #"<create-sequence name="invoice_seq"/>"#,
        #"<drop-sequence name="ticket_seq"/>"#,
        #"<create-table name="tags"><column name="id" type="bigserial" primary-key="true"/><column name="name" type="citext"/></create-table>"#,
        #"<drop-view name="bodies"/><drop-table name="posts"/>"#,
        #"<rename-table from="posts" to="articles"/>"#,
        #"<add-column table="posts"><column name="title" type="text" nullable="false" default="''"/></add-column>"#,
        #"<add-column table="posts"><column name="n" type="serial"/></add-column>"#,
        #"<drop-column table="posts" column="author"/>"#,
        #"<drop-column table="people" column="age"/>"#,
        #"<rename-column table="posts" from="body" to="text"/>"#,
        #"<alter-column table="people" column="age" type="bigint" nullable="false"/>"#,
        #"<alter-column table="people" column="mood" drop-default="true"/>"#,
        #"<add-unique table="posts" columns="author, body"/>"#,
        #"<add-check table="posts" name="posts_body_check" expression="length(body) &gt; 0" not-valid="true"/>"#,
        #"<add-foreign-key table="people" columns="id" references="posts(id)"/>"#,
        #"<create-table name="pairs"><column name="a" type="int" nullable="false"/></create-table><add-primary-key table="pairs" columns="a"/>"#,
        #"<add-check table="posts" name="posts_len" expression="length(body) &gt; 0" not-valid="true"/><validate-constraint table="posts" name="posts_len"/>"#,
        #"<drop-constraint table="people" name="people_age_check"/>"#,
        #"<rename-constraint table="people" from="people_age_check" to="age_not_negative"/>"#,
        #"<create-index table="people" name="people_lower_email_idx" expression="lower(email)" unique="true"/>"#,
        #"<drop-index name="posts_author_idx"/>"#,
        #"<rename-index from="posts_author_idx" to="posts_by_author"/>"#,
        #"<create-view name="authors">SELECT DISTINCT author FROM posts</create-view>"#,
        #"<drop-view name="bodies"/>"#,
        #"<comment table="people">who writes</comment>"#,
        #"<comment table="people" column="email">login</comment>"#,
    ]

    func testEveryOperationIsUndoneByItsInverse() throws {
        let base = try Self.state(Self.base)
        var kinds = Set<String>()
        for xml in Self.operations {
            var state = base
            let steps = try Self.steps(xml)
            var inverses: [[RetortModel.Operation]] = []
            for step in steps {
                kinds.insert(step.operation.elementName)
                let applied = try state.apply(step.operation, at: step.location)
                XCTAssertFalse(applied.inverse.isEmpty, "\(xml) has an inverse")
                inverses.append(applied.inverse)
            }
            XCTAssertFalse(Self.same(state, base), "\(xml) changes the state")
            for operation in inverses.reversed().flatMap({ $0 }) {
                _ = try state.apply(operation, at: steps[0].location)
            }
            XCTAssertTrue(Self.same(state, base), "the inverse of \(xml) restores the state; differs at \(Self.differences(state, base))")
        }
        let expected = Set(DeclarationDecoder.operationNames).subtracting(["sql"])
        XCTAssertEqual(expected.subtracting(kinds), [],
                       "every operation kind but raw SQL has a case here")
    }

    func testValidateConstraintInvertsToNotValid() throws {
        var state = try Self.state(Self.base + #"<add-check table="posts" name="posts_body_check" expression="length(body) &gt; 0" not-valid="true"/>"#)
        let before = state
        let step = try Self.steps(#"<validate-constraint table="posts" name="posts_body_check"/>"#)[0]
        let applied = try state.apply(step.operation, at: step.location)
        XCTAssertFalse(Self.same(state, before))
        for operation in applied.inverse { _ = try state.apply(operation, at: step.location) }
        XCTAssertTrue(Self.same(state, before))
    }

    /// Each refusal names what is wrong by a stable id, at the operation's position.
    func testRefusalsCarryTheirCatalogueIds() throws {
        let cases: [(String, DiagnosticID)] = [
            (#"<create-schema name="app"/>"#, .schemaExists),
            (#"<drop-schema name="nowhere"/>"#, .schemaMissing),
            (#"<create-extension name="citext"/>"#, .extensionExists),
            (#"<drop-extension name="citext"/>"#, .extensionInUse),
            (#"<drop-enum name="mood"/>"#, .typeInUse),
            (#"<add-enum-value enum="mood" value="ok"/>"#, .enumValueExists),
            (#"<rename-enum-value enum="mood" from="meh" to="fine"/>"#, .enumValueMissing),
            (#"<drop-sequence name="nope_seq"/>"#, .sequenceMissing),
            (#"<drop-table name="peeple"/>"#, .tableMissing),
            (#"<drop-table name="people"/>"#, .tableReferenced),
            (#"<drop-table name="bodies"/>"#, .notATable),
            (#"<add-column table="people"><column name="email" type="text"/></add-column>"#, .columnExists),
            (#"<add-column table="people"><column name="x" type="intt"/></add-column>"#, .typeUnknown),
            (#"<add-column table="people"><column name="x" type="citext2"/></add-column>"#, .typeUnknown),
            (#"<drop-column table="people" column="nope"/>"#, .columnMissing),
            (#"<drop-column table="posts" column="body"/>"#, .viewDependsOnObject),
            (#"<drop-column table="people" column="id"/>"#, .columnReferenced),
            (#"<add-foreign-key table="posts" columns="body" references="people(age)"/>"#, .foreignKeyNoUniqueKey),
            (#"<drop-constraint table="people" name="nope"/>"#, .constraintMissing),
            (#"<drop-index name="nope_idx"/>"#, .indexMissing),
            (#"<drop-view name="nope"/>"#, .viewMissing),
            (#"<alter-column table="people" column="age" drop-default="true"/>"#, .defaultMissing),
            (#"<create-table name="\#(String(repeating: "t", count: 64))"><column name="id" type="int"/></create-table>"#, .identifierTooLong),
        ]
        let base = try Self.state(Self.base)
        for (xml, id) in cases {
            var state = base
            let step = try Self.steps(xml)[0]
            XCTAssertThrowsError(try state.apply(step.operation, at: step.location), xml) { error in
                let diagnostic = error as? Diagnostic
                XCTAssertEqual(diagnostic?.id, id.rawValue, "\(xml): \(error)")
                XCTAssertEqual(diagnostic?.location, step.location, xml)
            }
        }
    }

    // MARK: - Helpers

    static func steps(_ body: String) throws -> [Step] {
        let xml = "<revision id=\"r\" message=\"m\">\n<upgrade>\n\(body)\n</upgrade>\n</revision>\n"
        let root = try XMLReader.parse(Array(xml.utf8), displayPath: "r.xml")
        return try DeclarationDecoder().revision(root, stem: "r", hash: "").upgrade
    }

    static func state(_ body: String) throws -> SchemaState {
        var state = SchemaState()
        for step in try steps(body) { _ = try state.apply(step.operation, at: step.location) }
        return state
    }

    /// The catalog keys and name-index keys where two states differ.
    static func differences(_ a: SchemaState, _ b: SchemaState) -> [String] {
        let objects = Set(a.objects.keys).union(b.objects.keys).sorted().filter { key in
            switch (a.objects[key], b.objects[key]) {
            case (nil, nil): false
            case (let x?, let y?): !x.sameContent(as: y)
            default: true
            }
        }
        let names = Set(a.names.entries.values.keys).union(b.names.entries.values.keys).sorted().filter {
            a.names.entries[$0] != b.names.entries[$0]
        }
        return objects.map(\.description) + names.map(\.description)
    }

    static func same(_ a: SchemaState, _ b: SchemaState) -> Bool { differences(a, b).isEmpty }
}
