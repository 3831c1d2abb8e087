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

/// Small histories that once compiled to SQL the server disagreed with, found by the
/// generated histories; each goes through every round trip of `ServerRoundTrip`.
final class ServerRegressionTests: XCTestCase {
    /// `public` starts with initdb's comment; commenting on it must be undone to that comment.
    func testCommentOnPublicSchemaGoesBackToTheInitialComment() throws {
        try assertRoundTrips([
            #"<comment schema="public">Our tables</comment>"#,
            #"<comment schema="public" text=""/>"#,
        ])
    }

    /// CREATE TABLE keeps one index per key definition and drops the other constraints
    /// silently, even named ones; ALTER TABLE keeps them. A table whose keys repeat must come
    /// back whole from schema.sql and from a drop-table's downgrade.
    func testRepeatedKeysSurviveCreateTable() throws {
        try assertRoundTrips([
            """
            <create-table name="t">
              <column name="a" type="int" primary-key="true"/>
              <column name="b" type="int"/>
              <unique name="b_once" columns="b"/>
              <unique name="b_other_order" columns="b, a"/>
            </create-table>
            <create-table name="u"><column name="a" type="int" primary-key="true"/></create-table>
            """,
            """
            <add-unique table="t" columns="a"/>
            <add-unique table="t" name="b_twice" columns="b"/>
            <add-unique table="u" columns="a"/>
            """,
            #"<drop-table name="t"/>"#,
        ])
    }

    /// Undoing an added enum value builds a new type; it keeps the old one's comment.
    func testRebuiltEnumKeepsItsComment() throws {
        try assertRoundTrips([
            #"<create-enum name="mood"><value>happy</value></create-enum><comment enum="mood">How it's going</comment>"#,
            #"<add-enum-value enum="mood" value="sad"/>"#,
        ])
    }

    /// Identity columns own sequences PostgreSQL names like serial ones and never renames;
    /// their kind changes with SET GENERATED.
    func testIdentitySequencesKeepTheirNamesAndKindsSwitch() throws {
        try assertRoundTrips([
            #"<create-table name="t"><column name="a_x" type="int" identity="always"/></create-table>"#,
            // PostgreSQL names this serial column's sequence t_a_x_seq1: t_a_x_seq is the identity's.
            #"<create-table name="t_a"><column name="x" type="serial"/><column name="y" type="bigint" nullable="false"/></create-table>"#,
            #"<alter-column table="t" column="a_x" identity="by-default"/><rename-table from="t" to="renamed"/>"#,
            #"<rename-column table="renamed" from="a_x" to="b"/><alter-column table="t_a" column="y" identity="always"/>"#,
            #"<alter-column table="renamed" column="b" drop-identity="true"/><alter-column table="t_a" column="y" identity="always"/>"#,
            #"<drop-column table="t_a" column="y"/><drop-table name="renamed"/>"#,
        ])
    }

    /// COMMENT ON VIEW refuses a materialized view: it takes COMMENT ON MATERIALIZED VIEW.
    func testCommentOnAMaterializedView() throws {
        try assertRoundTrips([
            #"<create-table name="t"><column name="a" type="int"/></create-table><create-view name="v" materialized="true">SELECT a FROM t</create-view>"#,
            #"<comment view="v">Refreshed nightly</comment>"#,
        ])
    }

    /// A type change keeps a default as written, not cast from the old type; and a default
    /// that would not cast does not stop the change.
    func testTypeChangesSetTheDefaultAgain() throws {
        try assertRoundTrips([
            """
            <create-table name="t">
              <column name="a" type="varchar(20)" default="'x'"/>
              <column name="b" type="text" default="'12'"/>
              <column name="c" type="int" default="-7"/>
            </create-table>
            """,
            #"<alter-column table="t" column="a" type="text"/><alter-column table="t" column="c" type="bigint"/>"#,
            #"<alter-column table="t" column="b" type="int" using="b::int" default="12"/>"#,
            #"<alter-column table="t" column="a" type="varchar(5)" using="a::varchar(5)" drop-default="true"/>"#,
        ])
    }

    /// PostgreSQL renames an enum value in the defaults that use it.
    func testRenamedEnumValueIsRenamedInDefaults() throws {
        try assertRoundTrips([
            """
            <create-enum name="mood"><value>it's ok</value><value>sad</value></create-enum>
            <create-table name="t">
              <column name="a" type="mood" default="'it''s ok'"/>
              <column name="b" type="mood" default="E'it\\'s ok'::mood"/>
              <column name="c" type="mood" default="$$sad$$"/>
            </create-table>
            """,
            #"<rename-enum-value enum="mood" from="it's ok" to="fine \ good"/>"#,
            #"<add-enum-value enum="mood" value="glad"/>"#,
        ])
    }

    /// Through a type change PostgreSQL keeps checks and expression indexes as parsed for
    /// the old type: a text comparison stays one on a citext column. They are created again.
    func testTypeChangesRecreateChecksAndExpressionIndexes() throws {
        try assertRoundTrips([
            """
            <create-extension name="citext"/>
            <create-enum name="mood"><value>ok</value></create-enum>
            <create-table name="t">
              <column name="c" type="text"/>
              <column name="m" type="mood"/>
              <check expression="c &lt;&gt; 'X'"/>
              <index expression="c || 'x'" where="c &lt;&gt; 'y'" comment="kept"/>
              <index expression="(m)" comment="kept too"/>
            </create-table>
            """,
            #"<add-check table="t" expression="length(c) &lt; 9" not-valid="true"/>"#,
            #"<alter-column table="t" column="c" type="citext"/>"#,
            #"<add-enum-value enum="mood" value="fine"/>"#,
        ])
    }

    /// Going back from a type of another category needs USING, whether or not the way there did.
    func testTypeChangesAcrossCategoriesGoBack() throws {
        try assertRoundTrips([
            """
            <create-enum name="mood"><value>ok</value></create-enum>
            <create-table name="t"><column name="a" type="int"/><column name="b" type="text"/><column name="m" type="mood[]"/></create-table>
            """,
            #"<alter-column table="t" column="a" type="text"/><alter-column table="t" column="b" type="mood" using="b::mood"/>"#,
            #"<alter-column table="t" column="m" type="text" using="m::text"/><alter-column table="t" column="a" type="bigint" using="a::bigint"/>"#,
        ])
    }

    /// A foreign key is tied to one of the keys on its columns, which one depending on the
    /// order the indexes were created; dropping either key must work in every database.
    func testDroppingOneOfTwoKeysAForeignKeyCouldUse() throws {
        try assertRoundTrips([
            #"<create-table name="p"><column name="c" type="date" unique="true"/></create-table><create-table name="f"><column name="d" type="date"/></create-table>"#,
            #"<add-foreign-key table="f" columns="d" references="p(c)"/>"#,
            #"<add-primary-key table="p" columns="c"/><create-index table="p" columns="c" unique="true"/>"#,
            #"<drop-table name="f"/>"#,
            #"<drop-table name="p"/>"#,
            """
            <create-table name="q"><column name="c" type="int" primary-key="true"/><unique columns="c"/></create-table>
            <create-table name="g"><column name="d" type="int" references="q(c)"/></create-table>
            <drop-constraint table="q" name="q_c_key"/><create-index table="q" columns="c" unique="true"/>
            <drop-constraint table="q" name="q_pkey"/>
            """,
        ])
    }

    /// A table whose foreign key references one of its own unique indexes comes back whole.
    func testSelfReferenceToAUniqueIndexSurvivesDropTable() throws {
        try assertRoundTrips([
            #"<create-table name="t"><column name="a" type="int"/><column name="b" type="int"/></create-table>"#,
            #"<create-index table="t" columns="a" unique="true" include="b"/><add-foreign-key table="t" columns="b" references="t(a)" not-valid="true"/>"#,
            #"<drop-table name="t"/>"#,
        ])
    }

    /// Column references are kept as quote_ident spells them, so that renaming a column and
    /// renaming it back (the derived downgrade) gives the same text.
    func testRenamingColumnsReferencedWithNeedlessQuotesOrCapitals() throws {
        try assertRoundTrips([
            """
            <create-table name="t">
              <column name="c3" type="int"/>
              <column name="b" type="text"/>
              <column name="g" type="int" generated="&quot;c3&quot; * 2"/>
              <check expression="&quot;c3&quot; IS NOT NULL OR B IS NULL"/>
              <index expression="lower(&quot;b&quot;)" where="C3 &gt; 0"/>
            </create-table>
            """,
            #"<rename-column table="t" from="c3" to="Three"/><rename-column table="t" from="b" to="select"/>"#,
        ])
    }

    /// A new enum value cannot be used before the transaction that added it commits.
    func testAnAddedEnumValueCanBeUsedRightAway() throws {
        try assertRoundTrips([
            #"<create-enum name="mood"><value>ok</value></create-enum><create-table name="t"><column name="m" type="mood"/></create-table>"#,
            #"<add-enum-value enum="mood" value="glad" before="ok"/><alter-column table="t" column="m" default="'glad'"/>"#,
            #"<add-enum-value enum="mood" value="sad"/>"#,
            #"<alter-column table="t" column="m" default="'sad'"/><create-index table="t" columns="m" where="m &lt;&gt; 'sad'"/>"#,
        ], modes: [.single, .none])
    }
}
