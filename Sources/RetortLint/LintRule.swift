/// A lint rule's documentation, which is also its test: the catalogue test compiles every
/// example and checks that the rule fires exactly at the marked element of each failing
/// example and stays silent on every passing one.
public struct RuleDescription: Sendable {
    public var id: String
    public var category: LintCategory
    public var severity: LintSeverity
    public var summary: String
    public var rationale: String
    public var safeAlternative: String
    /// Upgrade bodies (revision XML) that must trigger the rule. The element that follows
    /// the marker comment `<!--!-->` is where the finding must point (`/*!*/` inside SQL text: the token after it; `<!--!revision-->`:
    /// the revision element itself, for findings about a whole revision).
    public var failing: [LintExample]
    /// Upgrade bodies on which the rule must stay silent.
    public var passing: [LintExample]
}

/// An example: one or more revisions, applied after `LintExample.baseSchema`.
public struct LintExample: Sendable {
    public var revisions: [String]
    /// Siblings share the base as their parent (a branch); otherwise they form a line.
    public var siblings = false
    public var settings = ""

    public init(_ revisions: String..., siblings: Bool = false, settings: String = "") {
        self.revisions = revisions
        self.siblings = siblings
        self.settings = settings
    }

    /// The schema every example starts from (its own, earlier revision: "existing" objects).
    public static let baseSchema = """
            <create-enum name="status"><value>active</value><value>gone</value></create-enum>
            <create-table name="students">
              <column name="id" type="bigint" identity="always" primary-key="true"/>
              <column name="email" type="varchar(50)" nullable="false"/>
              <column name="nickname" type="text"/>
              <column name="score" type="numeric(5,2)"/>
              <column name="age" type="integer" nullable="false" default="18"/>
              <column name="status" type="status" nullable="false" default="'active'"/>
              <column name="born" type="timestamptz"/>
            </create-table>
            <create-table name="courses">
              <column name="id" type="bigint" identity="always" primary-key="true"/>
              <column name="title" type="text" nullable="false"/>
            </create-table>
            <create-index table="students" name="students_nickname_idx" columns="nickname"/>
            <create-sequence name="tickets"/>
            <create-schema name="archive"/>
            <create-table name="archive.old_students"><column name="id" type="bigint"/></create-table>
        """
}

/// A rule reads one operation with the state before it, or a whole revision with the
/// state after it, and reports raw findings; severities and suppressions are the
/// linter's business.
public protocol LintRule: Sendable {
    var description: RuleDescription { get }
    func check(_ context: OperationContext) -> [RawFinding]
    func checkRevision(_ context: RevisionContext) -> [RawFinding]
}

extension LintRule {
    public func check(_ context: OperationContext) -> [RawFinding] { [] }
    public func checkRevision(_ context: RevisionContext) -> [RawFinding] { [] }
}
