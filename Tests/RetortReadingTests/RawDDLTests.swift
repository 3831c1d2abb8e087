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

/// Every DDL form Retort translates is read as its operation (none falls back to opaque
/// text by accident), and the forms it does not cover stay opaque.
final class RawDDLTests: XCTestCase {
    /// The elements `sql` (statements of one `<sql>` without `<reverse>`) is read as, after a base schema.
    func understood(_ sql: String) throws -> [String] {
        let project = try TemporaryProject([
            "revisions/0001_base.xml": revisionXML("r1", """
                <create-table name="t"><column name="id" type="bigint" primary-key="true"/><column name="a" type="text"/></create-table>
                <create-enum name="mood"><value>calm</value></create-enum>
                <create-sequence name="s"/>
                <create-schema name="extra"/>
                """),
            "revisions/0002_raw.xml": revisionXML("r2", parent: "r1", "<sql>\(sql)</sql>"),
        ])
        let compilation = try project.compile()
        let steps = try XCTUnwrap(compilation.revisions.first { $0.revision.id == "r2" }).revision.upgrade
        return steps.map { $0.fromSQL ? $0.operation.elementName : "opaque" }
    }

    func testEveryTranslatedFormIsUnderstood() throws {
        let cases: [(String, [String])] = [
            ("CREATE TABLE u (id int PRIMARY KEY, t_id bigint REFERENCES t (id) ON DELETE CASCADE, n text NOT NULL DEFAULT 'x' UNIQUE, CHECK (length(n) &gt; 0))", ["create-table"]),
            ("ALTER TABLE t ADD COLUMN b int DEFAULT -1 NOT NULL, ADD COLUMN c text", ["add-column", "add-column"]),
            ("ALTER TABLE t DROP COLUMN a", ["drop-column"]),
            ("ALTER TABLE t RENAME COLUMN a TO b", ["rename-column"]),
            ("ALTER TABLE t RENAME TO u", ["rename-table"]),
            ("ALTER TABLE t ALTER COLUMN a TYPE varchar(20) USING a::varchar(20)", ["alter-column"]),
            ("ALTER TABLE t ALTER COLUMN a SET NOT NULL, ALTER COLUMN a DROP NOT NULL", ["alter-column", "alter-column"]),
            ("ALTER TABLE t ALTER COLUMN a SET DEFAULT 'x'", ["alter-column"]),
            ("ALTER TABLE t ALTER COLUMN a SET DEFAULT 'x'; ALTER TABLE t ALTER COLUMN a DROP DEFAULT", ["alter-column", "alter-column"]),
            ("ALTER TABLE t ADD CONSTRAINT a_long CHECK (length(a) &gt; 3) NOT VALID; ALTER TABLE t VALIDATE CONSTRAINT a_long", ["add-check", "validate-constraint"]),
            ("ALTER TABLE t ADD UNIQUE (a); ALTER TABLE t RENAME CONSTRAINT t_a_key TO t_a_unique; ALTER TABLE t DROP CONSTRAINT t_a_unique", ["add-unique", "rename-constraint", "drop-constraint"]),
            ("ALTER TABLE t ADD FOREIGN KEY (id) REFERENCES t (id) NOT VALID", ["add-foreign-key"]),
            ("CREATE UNIQUE INDEX CONCURRENTLY t_a_idx ON t (a) INCLUDE (id) WHERE a IS NOT NULL; ALTER INDEX t_a_idx RENAME TO t_a_index; DROP INDEX CONCURRENTLY t_a_index", ["create-index", "rename-index", "drop-index"]),
            ("CREATE VIEW v AS SELECT a FROM t; COMMENT ON VIEW v IS 'vee'; DROP VIEW v", ["create-view", "comment", "drop-view"]),
            ("COMMENT ON TABLE t IS 'tee'; COMMENT ON COLUMN t.a IS NULL; COMMENT ON TYPE mood IS 'm'; COMMENT ON SCHEMA extra IS 'x'", ["comment", "comment", "comment", "comment"]),
            ("CREATE TYPE size AS ENUM ('s', 'm'); ALTER TYPE size ADD VALUE 'l' AFTER 'm'; ALTER TYPE mood RENAME VALUE 'calm' TO 'zen'", ["create-enum", "add-enum-value", "rename-enum-value"]),
            ("DROP TYPE mood; DROP SEQUENCE s; DROP SCHEMA extra", ["drop-enum", "drop-sequence", "drop-schema"]),
            ("CREATE SCHEMA other; CREATE EXTENSION citext; DROP EXTENSION citext", ["create-schema", "create-extension", "drop-extension"]),
            ("ALTER TABLE t ADD COLUMN m Mood, ADD COLUMN n CHARACTER VARYING(20)[]", ["add-column", "add-column"]),
            ("DROP TABLE t", ["drop-table"]),
            // One expression between the parentheses, as written.
            ("CREATE INDEX ON t (lower(a))", ["create-index"]),
            // An identity naming the sequence PostgreSQL would name anyway (Retort's own scripts do).
            ("CREATE TABLE u (id bigint GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME u_id_seq))", ["create-table"]),
        ]
        for (sql, expected) in cases {
            XCTAssertEqual(try understood(sql), expected, sql)
        }
    }

    func testFormsOutsideTheOperationsStayOpaque() throws {
        let cases = [
            "DROP TABLE IF EXISTS t", "DROP TABLE t CASCADE", "ALTER TABLE t DROP COLUMN IF EXISTS a",
            "CREATE OR REPLACE VIEW v AS SELECT 1", "CREATE TABLE IF NOT EXISTS u (id int)", "CREATE EXTENSION IF NOT EXISTS citext",
            "CREATE SEQUENCE s2 START 5", "CREATE TABLE u (id bigint GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME other_seq))",
            "CREATE INDEX ON t (lower(a), id)", "CREATE TABLE u (a int) TABLESPACE pg_default", "CREATE TEMP VIEW v AS SELECT 1",
            "ALTER TABLE t ADD COLUMN b text COLLATE \"C\"", "ALTER TYPE mood ADD VALUE IF NOT EXISTS 'calm'", "UPDATE t SET a = 'x' WHERE id = 1", "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
        ]
        for sql in cases {
            // Opaque SQL without a reverse makes the revision irreversible; the steps say so.
            XCTAssertEqual(try understood(sql), ["opaque"], sql)
        }
    }
}
