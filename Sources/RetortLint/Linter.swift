import RetortSQL
import Foundation
import RetortModel
import RetortReading
import RetortGraph
import RetortState
import RetortCompiler
import RetortRendering
import RetortScripts

/// Runs every rule during the compiler's replay (so linting adds no second pass), then
/// applies suppressions and the project's severities.
public final class Linter: CompileObserver {
    /// Fed by `willJoin`; read once the replay is done.
    let branchConflicts = BranchConflicts()
    public struct Options: Sendable {
        /// Lint only the revisions after this one (graph index); objects created after it count as new.
        public var since: Int?
        /// Lint only these revisions (graph indexes); nil means all.
        public var only: Set<Int>?
        public init(since: Int? = nil, only: Set<Int>? = nil) {
            self.since = since
            self.only = only
        }
    }

    package let rules: [any LintRule]
    package let settings: ProjectSettings
    package let options: Options
    package let graph: RevisionGraph
    private var inScope: Set<Int>?

    private var revision: Revision?
    private var reporting = true
    private var newTables = Set<QualifiedName>()
    private var newColumns = Set<ColumnReference>()
    private var enumValues = Set<EnumValueReference>()
    private var notValid = Set<String>()
    private var newObjects = Set<ObjectKey>()
    private var emptiedSchemas = Set<String>()
    private var addedForeignKeys: [(table: QualifiedName, constraint: Constraint, location: SourceLocation)] = []
    private var accessExclusive: [(table: QualifiedName, location: SourceLocation)] = []
    private var raw: [(rule: Int, finding: RawFinding, revision: Revision, allows: [LintAllow])] = []
    private var usedAllows = Set<SourceLocation>()
    private var allAllows: [(LintAllow, Revision)] = []

    public init(graph: RevisionGraph, settings: ProjectSettings, rules: [any LintRule] = LintCatalogue.rules, options: Options = Options()) {
        self.graph = graph
        self.settings = settings
        self.rules = rules
        self.options = options
        if let since = options.since {
            let before = graph.ancestors(of: [since])
            inScope = Set(graph.order.filter { !before.contains($0) })
        }
        if let only = options.only { inScope = inScope.map { $0.intersection(only) } ?? only }
    }

    // MARK: - Observing the replay

    public func willReplay(_ revision: Revision, index: Int, state: SchemaState) {
        self.revision = revision
        reporting = inScope?.contains(index) ?? true
        if options.since == nil {
            newTables = []
            newColumns = []
            newObjects = []
        }
        emptiedSchemas = []
        if settings.transaction != .single { enumValues = []; notValid = [] }
        addedForeignKeys = []
        accessExclusive = []
        if reporting {
            allAllows += revision.allows.map { ($0, revision) }
            var seen = Set<SourceLocation>()
            for step in revision.upgrade { for allow in step.allows where seen.insert(allow.location).inserted { allAllows.append((allow, revision)) } }
        }
    }

    public func willApply(_ step: Step, state: SchemaState) {
        guard reporting, let revision else { return }
        let context = OperationContext(step: step, before: state, revision: revision, settings: settings, newTables: newTables,
                                       newColumns: newColumns, enumValuesAddedInTransaction: enumValues, notValidInTransaction: notValid,
                                       newObjects: newObjects, emptiedSchemas: emptiedSchemas)
        for (i, rule) in rules.enumerated() {
            for finding in rule.check(context) { raw.append((i, finding, revision, step.allows)) }
        }
        if let (lock, table) = LockAnalysis.lock(taken: step.operation, before: state), lock == .accessExclusive,
           context.isExisting(table), !accessExclusive.contains(where: { $0.table == table }) {
            accessExclusive.append((table, step.location))
        }
    }

    public func didApply(_ step: Step, applied: AppliedOperation, state: SchemaState) {
        let inScopeNow = reporting
        switch applied.forward.operation {
        case .createTable(let table, _) where inScopeNow:
            newTables.insert(table.name)
        case .renameTable(let from, let to):
            let target = from.renamed(to)
            if newTables.remove(from) != nil { newTables.insert(target) }
            newColumns = Set(newColumns.map { $0.table == from ? ColumnReference(table: target, column: $0.column) : $0 })
            notValid = Set(notValid.map { $0.hasPrefix("\(from).") ? "\(target)." + $0.dropFirst("\(from).".count) : $0 })
        case .renameColumn(let table, let from, let to):
            if newColumns.remove(ColumnReference(table: table, column: from)) != nil { newColumns.insert(ColumnReference(table: table, column: to)) }
        case .renameConstraint(let table, let from, let to):
            if notValid.remove("\(table).\(from)") != nil { notValid.insert("\(table).\(to)") }
        case .createSchema(let info) where inScopeNow: newObjects.insert(.schema(info.name))
        case .createEnum(let type) where inScopeNow: newObjects.insert(.type(type.name))
        case .createSequence(let sequence) where inScopeNow: newObjects.insert(.relation(sequence.name))
        case .createExtension(let ext) where inScopeNow: newObjects.insert(.extension(ext.name))
        case .dropTable(let name), .dropView(let name, _), .dropSequence(let name), .dropEnum(let name):
            emptiedSchemas.insert(name.schema)
        case .addColumn(let table, let column, _) where inScopeNow:
            newColumns.insert(ColumnReference(table: table, column: column.name))
        case .sql(let raw):
            // Retort runs its own ADD VALUE outside the transaction; raw SQL's stays inside.
            enumValues.formUnion(RawSQLFacts.addedEnumValues(raw.forward))
        case .addConstraint(let table, let constraint):
            if constraint.notValid { notValid.insert("\(table).\(constraint.name)") }
            if constraint.foreignKey != nil { addedForeignKeys.append((table, constraint, step.location)) }
        default: break
        }
        if case .createTable(let table, _) = applied.forward.operation {
            for constraint in table.constraints where constraint.foreignKey != nil && inScopeNow {
                addedForeignKeys.append((table.name, constraint, step.location))
            }
        }
        // The assembler commits before a statement PostgreSQL refuses in a transaction.
        if settings.transaction == .none || Self.endsTransaction(applied.forward) {
            enumValues = []
            notValid = []
        }
    }

    /// Whether the assembler closes the transaction around this operation (it renders a
    /// statement PostgreSQL refuses inside one); only these kinds can, so the rest skip rendering.
    package static func endsTransaction(_ resolved: ResolvedOperation) -> Bool {
        switch resolved.operation {
        case .createIndex(_, _, true), .dropIndex(_, true, _), .addEnumValue, .sql:
            return PostgresRenderer.render(resolved).contains { !$0.transactional }
        default:
            return false
        }
    }

    /// Branch conflicts are found from the states the compiler holds where branches join.
    public func willJoin(_ predecessors: [Int], at merge: Int?, states: [Int: SchemaState], history: ReplayedHistory) {
        branchConflicts.willJoin(predecessors, at: merge, states: states, history: history)
    }

    public func didReplay(_ compiled: CompiledRevision, index: Int, state: SchemaState) {
        guard reporting else { return }
        var seen = Set<String>()
        let foreignKeys = addedForeignKeys.filter { seen.insert("\($0.table).\($0.constraint.name)").inserted }
        let context = RevisionContext(compiled: compiled, after: state, settings: settings, newTables: newTables,
                                      addedForeignKeys: foreignKeys, accessExclusive: accessExclusive)
        for (i, rule) in rules.enumerated() {
            for finding in rule.checkRevision(context) {
                let step = compiled.revision.upgrade.first { $0.location == finding.location }
                raw.append((i, finding, compiled.revision, step?.allows ?? []))
            }
        }
    }

    // MARK: - Results

    /// Findings about the whole history, found outside the replay (branch conflicts,
    /// edited revisions), reported like the others.
    public func add(_ rule: String, _ finding: RawFinding, revision id: String) {
        guard let index = rules.firstIndex(where: { $0.description.id == rule }) else { return }
        guard let at = graph.indexByID[id] else {
            // A revision the manifest records but the project no longer has.
            let removed = Revision(id: id, parents: [], message: "", branchLabels: [], dependsOn: [], stem: "", location: finding.location,
                                   upgrade: [], downgrade: nil, allows: [], sourceHash: "")
            raw.append((index, finding, removed, []))
            return
        }
        guard inScope?.contains(at) ?? true else { return }
        let revision = graph.revisions[at]
        let step = revision.upgrade.first { $0.location == finding.location }
        raw.append((index, finding, revision, step?.allows ?? []))
    }

    /// Graph-level findings (`multiple-heads`) plus everything collected, with
    /// suppressions applied, severities from the project, sorted.
    public func findings() -> [Finding] {
        var result: [Finding] = []
        for (i, finding, revision, allows) in raw {
            let rule = rules[i].description
            if let allow = (allows + revision.allows).first(where: { $0.rule == rule.id }) {
                usedAllows.insert(allow.location)
                continue
            }
            if let made = make(rule, finding, revision) { result.append(made) }
        }
        let known = Set(rules.map(\.description.id))
        for (allow, revision) in allAllows {
            let id: String
            let message: String
            if !known.contains(allow.rule) {
                id = SuppressionUnknownRuleRule.id
                message = "lint-allow names unknown rule '\(allow.rule)'\(didYouMean(allow.rule, among: known))"
            } else if (allow.reason ?? "").trimmingWhitespace().isEmpty {
                id = SuppressionMissingReasonRule.id
                message = "lint-allow for \(allow.rule) gives no reason; say why this is safe"
            } else if !usedAllows.contains(allow.location) {
                id = SuppressionUnusedRule.id
                message = "lint-allow for \(allow.rule) suppresses nothing here; remove it"
            } else {
                continue
            }
            if let rule = rules.first(where: { $0.description.id == id })?.description,
               let made = make(rule, RawFinding(allow.location, message), revision) {
                result.append(made)
            }
        }
        return result.sorted(by: Finding.ordered)
    }

    private func make(_ rule: RuleDescription, _ finding: RawFinding, _ revision: Revision) -> Finding? {
        let configured = settings.lintSeverities[rule.id].flatMap(LintSeverity.init(rawValue:))
        let severity = configured ?? rule.severity
        guard severity != .off else { return nil }
        return Finding(rule: rule.id, severity: severity, category: rule.category, location: finding.location,
                       revision: revision.id, message: finding.message, help: rule.safeAlternative)
    }
}

/// Lints a whole compiled project in one replay.
public enum Lint {
    public static func run(_ project: Project, graph prebuilt: RevisionGraph? = nil, options: Linter.Options = Linter.Options()) throws -> (Compilation, [Finding]) {
        try validateConfiguration(project.settings)
        let graph = try prebuilt ?? RevisionGraph(project.revisions)
        let linter = Linter(graph: graph, settings: project.settings, options: options)
        let compilation = try Compiler.compile(project, graph: graph, observer: linter)
        for finding in GraphCheck.multipleHeads(graph) {
            linter.add(GraphCheck.multipleHeadsRule, RawFinding(finding.location, finding.message), revision: finding.revision)
        }
        for conflict in linter.branchConflicts.conflicts {
            let other = conflict.merge.map { "merge \($0)" } ?? "unmerged heads"
            linter.add(BranchConflict.ruleID, RawFinding(conflict.first, "\(conflict.message) (other branch: \(conflict.second), revision \(conflict.secondRevision); \(other))"),
                       revision: conflict.firstRevision)
        }
        let manifest = ManifestCheck.committedManifest(of: project)
        if let bytes = FileManager.default.contents(atPath: manifest.path) {
            for edited in try ManifestCheck.editedRevisions(project, manifest: [UInt8](bytes), manifestPath: project.displayPath(manifest)) {
                linter.add(EditedRevision.ruleID, RawFinding(edited.location, edited.message), revision: edited.revision)
            }
        }
        return (compilation, linter.findings())
    }

    /// Severity settings must name real rules.
    public static func validateConfiguration(_ settings: ProjectSettings) throws {
        let known = LintCatalogue.rules.map(\.description.id)
        for id in settings.lintSeverities.keys.sorted() where !known.contains(id) {
            throw Diagnostic(.unknownLintRule, at: settings.location, "retort.xml configures unknown lint rule '\(id)'\(didYouMean(id, among: known))")
        }
    }
}
