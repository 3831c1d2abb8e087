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

/// The SQL layer judged by a real PostgreSQL: raw SQL split by the grammar runs as written,
/// views follow renames the way the server does, and the steps the server refuses because
/// a view depends on them are refused by the compiler too.
final class SQLServerTests: XCTestCase {
    static let table = """
        <create-table name="students">
          <column name="id" type="bigint" primary-key="true"/>
          <column name="name" type="text"/>
          <column name="note" type="text"/>
        </create-table>
        """

    /// Comments before and after statements, `;` inside dollar quotes and `E''` strings:
    /// each statement runs once, where PostgreSQL allows it.
    func testCommentsDollarQuotesAndEscapeStringsRunAsWritten() throws {
        try assertRoundTrips([
            Self.table,
            """
            <sql>
              <forward>
                UPDATE students SET note = E'it\\'s; done' WHERE note IS NULL -- none yet
              </forward>
              <reverse>
                UPDATE students SET note = NULL WHERE note = E'it\\'s; done' /* the same rows */
              </reverse>
            </sql>
            """,
            """
            <sql>
              <forward>
                DO $body$ BEGIN UPDATE students SET note = 'a;b' WHERE id = -1; END $body$; -- trailing
                /* a block comment before the last statement */ UPDATE students SET note = $$x;y$$ WHERE id = -2
              </forward>
              <reverse>UPDATE students SET note = NULL WHERE id IN (-1, -2) -- and this ends the reverse</reverse>
            </sql>
            """,
        ])
    }

    /// Raw DDL without a `<reverse>` is read as operations: the state knows it, the
    /// downgrade is derived, and CREATE INDEX CONCURRENTLY after a comment runs outside the
    /// transaction block.
    func testRawDDLGoesUpDownAndUpWithoutAReverse() throws {
        try assertRoundTrips([
            Self.table,
            """
            <sql>
              -- the lookup the report needs; it cannot be built in a transaction
              CREATE INDEX CONCURRENTLY students_name_idx ON students (name) WHERE note IS NOT NULL;
              ALTER TABLE students ADD COLUMN nick text DEFAULT 'n/a' NOT NULL, ADD COLUMN born date -- birthdays
            </sql>
            """,
            """
            <drop-column table="students" column="nick"/>
            <sql>
              CREATE TABLE clubs (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL UNIQUE, founded date DEFAULT CURRENT_DATE,
                                  student_id bigint REFERENCES students (id) ON DELETE CASCADE, CHECK (length(name) &gt; 2));
              COMMENT ON TABLE clubs IS 'Student clubs';
              CREATE TYPE mood AS ENUM ('calm', 'busy');
              ALTER TABLE clubs ADD COLUMN mood mood;
              ALTER TYPE mood ADD VALUE 'away' AFTER 'calm';
              ALTER TABLE students RENAME COLUMN born TO birthday;
              ALTER TABLE clubs RENAME TO societies;
              CREATE VIEW society_names AS SELECT name FROM societies;
              DROP INDEX CONCURRENTLY students_name_idx
            </sql>
            """,
            #"<sql>ALTER TABLE students DROP COLUMN birthday; DROP VIEW society_names; DROP TABLE societies; DROP TYPE mood</sql>"#,
        ])
    }

    /// With a `<reverse>`, the text runs as written and the author's reverse is the
    /// downgrade, but the state still follows the DDL: a later element can use what the raw
    /// SQL created, and a reverse that does not undo the forward is an error.
    func testRawDDLWithAReverseIsFollowedAndItsReverseChecked() throws {
        try assertRoundTrips([
            Self.table,
            """
            <sql>
              <forward>ALTER TABLE students ADD COLUMN nick text; UPDATE students SET nick = name WHERE nick IS NULL</forward>
              <reverse>ALTER TABLE students DROP COLUMN nick</reverse>
            </sql>
            """,
            #"<create-index table="students" columns="nick"/><drop-column table="students" column="note"/>"#,
        ])
        for reverse in ["<reverse>ALTER TABLE students DROP COLUMN name</reverse>", "<reverse>ALTER TABLE students ADD COLUMN other int</reverse>"] {
            let project = try TemporaryProject([
                "revisions/0001_r.xml": revisionXML("r1", Self.table),
                "revisions/0002_r.xml": revisionXML("r2", parent: "r1", "<sql><forward>ALTER TABLE students ADD COLUMN nick text</forward>\(reverse)</sql>"),
            ])
            XCTAssertThrowsError(try project.compile(), reverse) { error in
                XCTAssertEqual((error as? Diagnostic)?.location?.file, "proj/revisions/0002_r.xml", "\(error)")
            }
        }
    }

    /// A view over a renamed column and a renamed table: schema.sql at head creates the view
    /// PostgreSQL has after the renames (same definition, same output columns).
    func testViewsFollowRenamesAsPostgresDoes() throws {
        try assertRoundTrips([
            Self.table,
            """
            <create-view name="names">SELECT s.id, name, upper(s.name) AS shout FROM students s WHERE s.note IS NULL</create-view>
            <create-view name="everything">SELECT * FROM students</create-view>
            <create-view name="name_count">SELECT name, count(*) AS n FROM names GROUP BY name</create-view>
            <create-view name="casts">SELECT s.name::text, s.note COLLATE "C", lower(name) AS low FROM students s ORDER BY name</create-view>
            <create-view name="joined">SELECT o.id AS name, s.note FROM students o JOIN students s ON s.id = o.id</create-view>
            """,
            #"<rename-column table="students" from="name" to="full_name"/>"#,
            #"<rename-table from="students" to="pupils"/><add-column table="pupils"><column name="later" type="int"/></add-column>"#,
            #"<rename-column table="pupils" from="full_name" to="name"/>"#,
        ])
    }

    /// Every step PostgreSQL refuses because a view reads the column or relation is a
    /// compile error naming the view; the server's refusal of the same step is checked too.
    func testViewDependenciesRefuseWhatPostgresRefuses() throws {
        let server = try PostgresServer.shared()
        let view = #"<create-view name="names">SELECT n.id, lower(n.name) AS lname FROM (SELECT * FROM students) n JOIN students s USING (id)</create-view>"#
        let steps: [(step: String, sql: String, refused: Bool)] = [
            (#"<drop-column table="students" column="name"/>"#, "ALTER TABLE students DROP COLUMN name", true),
            (#"<alter-column table="students" column="name" type="varchar(20)"/>"#, "ALTER TABLE students ALTER COLUMN name TYPE varchar(20)", true),
            (#"<drop-table name="students"/>"#, "DROP TABLE students", true),
            (#"<drop-column table="students" column="note"/>"#, "ALTER TABLE students DROP COLUMN note", true),
            (#"<create-view name="over">SELECT lname FROM names</create-view><drop-view name="names"/>"#,
             "CREATE VIEW over AS SELECT lname FROM names; DROP VIEW names", true),
            (#"<alter-column table="students" column="note" nullable="false" default="''"/>"#,
             "ALTER TABLE students ALTER COLUMN note SET DEFAULT '', ALTER COLUMN note SET NOT NULL", false),
        ]
        for (step, sql, refused) in steps {
            let project = try TemporaryProject([
                "revisions/0001_r.xml": revisionXML("r1", Self.table),
                "revisions/0002_r.xml": revisionXML("r2", parent: "r1", view),
                "revisions/0003_r.xml": revisionXML("r3", parent: "r2", step),
            ])
            let database = try server.createDatabase()
            defer { try? server.dropDatabase(database) }
            let base = try TemporaryProject([
                "revisions/0001_r.xml": revisionXML("r1", Self.table),
                "revisions/0002_r.xml": revisionXML("r2", parent: "r1", view),
            ])
            let compiledBase = try CompiledProject(base.directory)
            XCTAssertEqual(try server.psql(database: database, file: compiledBase.script("upgrade.sql")).status, 0, "the view is created")
            let answer = try server.psql(database: database, sql: "BEGIN;\n\(sql);\nROLLBACK;\n")
            XCTAssertEqual(answer.status != 0, refused, "PostgreSQL on \(sql): \(answer.stderr)")
            if refused {
                assertDiagnostic(try project.compile(), id: "view-depends-on-object", file: "proj/revisions/0003_r.xml", contains: "view \"")
            } else {
                XCTAssertNoThrow(try project.compile(), step)
            }
        }
    }

    /// PostgreSQL resolves the columns an expression names when it stores it (a check, an
    /// index expression or predicate, a generation expression, a `USING`), and refuses a
    /// column in a default and a subquery anywhere. The compiler refuses the same steps,
    /// with the id that says why, and accepts what the server accepts.
    func testExpressionColumnsRefuseWhatPostgresRefuses() throws {
        let server = try PostgresServer.shared()
        // Each refused step names the diagnostic it gets: "id: what its message says".
        let steps: [(step: String, sql: String, refusal: String?)] = [
            (#"<add-check table="students" name="c" expression="nmae &lt;&gt; ''"/>"#,
             "ALTER TABLE students ADD CONSTRAINT c CHECK (nmae <> '')", "column-missing: the check expression names column \"nmae\""),
            (#"<create-index table="students" columns="id" where="nte IS NOT NULL"/>"#,
             "CREATE INDEX ON students (id) WHERE nte IS NOT NULL", "column-missing: the where predicate names column \"nte\""),
            (#"<create-index table="students" expression="lower(nam)"/>"#, "CREATE INDEX ON students (lower(nam))", "column-missing: the index expression names column \"nam\""),
            (#"<add-column table="students"><column name="g" type="text" generated="nmae || 'x'"/></add-column>"#,
             "ALTER TABLE students ADD COLUMN g text GENERATED ALWAYS AS (nmae || 'x') STORED", "column-missing: of column \"g\" names column \"nmae\""),
            (#"<add-column table="students"><column name="g" type="text" generated="name || 'x'"/></add-column><add-column table="students"><column name="h" type="text" generated="g || 'y'"/></add-column>"#,
             "ALTER TABLE students ADD COLUMN g text GENERATED ALWAYS AS (name || 'x') STORED; ALTER TABLE students ADD COLUMN h text GENERATED ALWAYS AS (g || 'y') STORED",
             "column-not-usable: cannot use generated column \"g\""),
            (#"<alter-column table="students" column="note" type="integer" using="nte::integer"/>"#,
             "ALTER TABLE students ALTER COLUMN note TYPE integer USING nte::integer", "column-missing: the using expression names column \"nte\""),
            (#"<create-index table="students" columns="id" where="xmin &lt;&gt; '0'"/>"#,
             "CREATE INDEX ON students (id) WHERE xmin <> '0'", "column-not-usable: cannot use system column \"xmin\""),
            (#"<add-column table="students"><column name="d" type="text" default="name"/></add-column>"#,
             "ALTER TABLE students ADD COLUMN d text DEFAULT name", "sql-slot: a default cannot name a column (\"name\")"),
            (#"<add-check table="students" name="c" expression="id IN (SELECT 1)"/>"#,
             "ALTER TABLE students ADD CONSTRAINT c CHECK (id IN (SELECT 1))", "sql-slot: a check expression cannot hold a subquery"),
            (#"<add-check table="students" name="c" expression="students IS NOT NULL AND tableoid &lt;&gt; 0 AND students.id &gt; 0"/>"#,
             "ALTER TABLE students ADD CONSTRAINT c CHECK (students IS NOT NULL AND tableoid <> 0 AND students.id > 0)", nil),
            (#"<add-column table="students"><column name="g" type="text" generated="name || note"/></add-column><create-index table="students" expression="lower(g)" where="g &lt;&gt; ''"/>"#,
             "ALTER TABLE students ADD COLUMN g text GENERATED ALWAYS AS (name || note) STORED; CREATE INDEX ON students (lower(g)) WHERE g <> ''", nil),
        ]
        let base = try TemporaryProject(["revisions/0001_r.xml": revisionXML("r1", Self.table)])
        let compiledBase = try CompiledProject(base.directory)
        for (step, sql, refusal) in steps {
            let database = try server.createDatabase()
            defer { try? server.dropDatabase(database) }
            XCTAssertEqual(try server.psql(database: database, file: compiledBase.script("upgrade.sql")).status, 0, "the table is created")
            let answer = try server.psql(database: database, sql: "BEGIN;\n\(sql);\nROLLBACK;\n")
            XCTAssertEqual(answer.status != 0, refusal != nil, "PostgreSQL on \(sql): \(answer.stderr)")
            let project = try TemporaryProject([
                "revisions/0001_r.xml": revisionXML("r1", Self.table),
                "revisions/0002_r.xml": revisionXML("r2", parent: "r1", step),
            ])
            if let refusal {
                let (id, message) = (String(refusal.prefix { $0 != ":" }), String(refusal.drop { $0 != ":" }.dropFirst(2)))
                assertDiagnostic(try project.compile(), id: id, file: "proj/revisions/0002_r.xml", contains: message)
            } else {
                XCTAssertNoThrow(try project.compile(), step)
            }
        }
    }
}
