import RetortModel
import RetortReading
import RetortGraph
import RetortState

/// Two branches of the history that touch the same schema object, or that give a
/// different schema when replayed in the other order: found between every pair of
/// unmerged heads and between the branches every merge joins. The linter turns these
/// into `branch-conflict` findings.
public struct BranchConflict: Hashable, Sendable {
    public static let ruleID = "branch-conflict"

    public enum Kind: String, Hashable, Sendable {
        /// Both branches touch the object (at least one of them changes it).
        case sameObject = "same-object"
        /// Replaying the branches in the other order gives a different schema, or fails.
        case orderDependent = "order-dependent"
    }

    public var rule: String = BranchConflict.ruleID
    public var kind: Kind
    /// The object, e.g. `column students.email`, `table billing.invoices`,
    /// `index students_email_idx`, `constraint students_pkey on students`, `enum status`.
    public var object: String
    /// The operation in the first branch (the first parent's, or the first head's).
    public var first: SourceLocation
    /// The operation in the second branch.
    public var second: SourceLocation
    /// The revisions holding those operations.
    public var firstRevision: String
    public var secondRevision: String
    /// The merge whose parents conflict; nil between unmerged heads.
    public var merge: String?
    public var message: String
}

/// The revision graph and the revisions compiled so far, as the conflict analysis reads
/// them: during the replay, every revision before the one being joined is compiled.
public struct ReplayedHistory {
    public let graph: RevisionGraph
    public let revisions: [CompiledRevision?]

    public subscript(_ index: Int) -> CompiledRevision { revisions[index]! }
}

/// Finds branch conflicts while the compiler replays the history, from the states it
/// already holds where branches join: no second replay. Pass it to `Compiler.compile` as
/// the observer, or forward `willJoin` to it from another observer (the linter does).
public final class BranchConflicts: CompileObserver {
    /// Every conflict found, sorted by the first location, the second, then the object;
    /// one per object and pair of branches.
    public var conflicts: [BranchConflict] {
        found.sorted { ($0.first, $0.second, $0.object) < ($1.first, $1.second, $1.object) }
    }
    private var found: [BranchConflict] = []

    public init() {}

    /// Compiles `project` and returns its conflicts.
    public static func find(_ project: Project) throws -> [BranchConflict] {
        let finder = BranchConflicts()
        _ = try Compiler.compile(project, observer: finder)
        return finder.conflicts
    }

    /// What each operation touches is read from the operations as the state machine
    /// resolved them (so unnamed constraints and indexes have their PostgreSQL names). An
    /// operation *changes* its own object and *uses* the columns, tables and types it
    /// refers to (an index its columns, a foreign key the referenced columns, a column its
    /// enum type); changing a table counts as touching everything in it. Two uses of the
    /// same object are no conflict. Raw `<sql>` is opaque and touches nothing.
    ///
    /// The order check compares the schema after one branch then the other with the
    /// schema after the other order, both from the branches' common ancestry, which is
    /// reached from the first branch's schema by its revisions' (self-checked) downgrades.
    /// The compiler calls this where a merge joins its parents and, with several heads,
    /// after the last revision; a history with neither costs nothing.
    public func willJoin(_ predecessors: [Int], at merge: Int?, states: [Int: SchemaState], history: ReplayedHistory) {
        for a in predecessors.indices {
            for b in predecessors.indices where b > a {
                found += Self.between(predecessors[a], predecessors[b], states[predecessors[a]]!, merge: merge, history)
            }
        }
    }

    /// The conflicts between the branch that leads to `left` and the one that leads to
    /// `right`, since their common ancestry; `leftState` is the schema at `left`.
    package static func between(_ left: Int, _ right: Int, _ leftState: SchemaState, merge: Int?, _ history: ReplayedHistory) -> [BranchConflict] {
        let graph = history.graph
        let (leftOnly, rightOnly) = graph.exclusiveAncestors([left], [right])
        guard !leftOnly.isEmpty, !rightOnly.isEmpty else { return [] }

        // The common ancestry's schema: the left branch undone, newest first.
        var base = leftState
        var baseKnown = true
        for index in leftOnly.reversed() where !undo(index, on: &base, history) { baseKnown = false }
        if !baseKnown {
            let ancestry = graph.ancestors(of: [left]).intersection(graph.ancestors(of: [right]))
            base = SchemaState()
            baseKnown = true
            for index in graph.order where ancestry.contains(index) && !replay(index, onto: &base, history) { baseKnown = false }
        }
        var afterLeft = base, afterRight = base
        let leftTouches = touches(of: leftOnly, on: &afterLeft, history)
        let rightTouches = touches(of: rightOnly, on: &afterRight, history)

        let context: String
        if let merge {
            let parents = [left, right].map { graph.revisions[$0].id }.joined(separator: " and ")
            context = "the branches that revision \(graph.revisions[merge].id) merges (\(parents))"
        } else {
            context = "unmerged heads \(graph.revisions[left].id) and \(graph.revisions[right].id)"
        }
        let mergeID = merge.map { graph.revisions[$0].id }

        var found: [BranchConflict] = []
        var reported = Set<ObjectRef>()
        // The right side's touches by object and by container, so each left touch meets
        // only the right touches it could conflict with.
        var byObject: [ObjectRef: [Int]] = [:], byContainer: [ObjectRef: [Int]] = [:]
        for (k, r) in rightTouches.enumerated() {
            byObject[r.object, default: []].append(k)
            for container in r.containers { byContainer[container, default: []].append(k) }
        }
        for l in leftTouches {
            var candidates = byObject[l.object] ?? []
            if l.changes { candidates += byContainer[l.object] ?? [] }
            for container in l.containers { candidates += byObject[container] ?? [] }
            for k in Set(candidates).sorted() {
                let r = rightTouches[k]
                guard let object = l.conflict(with: r), !reported.contains(object) else { continue }
                reported.insert(object)
                found.append(BranchConflict(
                    kind: .sameObject, object: object.description, first: l.location, second: r.location,
                    firstRevision: graph.revisions[l.revision].id, secondRevision: graph.revisions[r.revision].id, merge: mergeID,
                    message: "\(context) both touch \(object): <\(l.element)> at \(l.location) (revision \(graph.revisions[l.revision].id)) and <\(r.element)> at \(r.location) (revision \(graph.revisions[r.revision].id))"))
            }
        }

        guard baseKnown else { return found }
        // The other order: each branch replayed after the other.
        var leftThenRight = afterLeft, rightThenLeft = afterRight
        let failureRight = replayAll(rightOnly, onto: &leftThenRight, history)
        let failureLeft = replayAll(leftOnly, onto: &rightThenLeft, history)
        let touched = reported.map(\.root)
        func place(_ key: ObjectKey, in touches: [Touch], fallback: Int) -> (SourceLocation, Int, String) {
            if let touch = touches.first(where: { $0.matches(key) }) { return (touch.location, touch.revision, touch.element) }
            return (graph.revisions[fallback].location, fallback, "revision")
        }
        for (failure, failedOrder) in [(failureRight, "after"), (failureLeft, "before")] {
            guard let failure else { continue }
            let key = failure.key
            if let key, touched.contains(where: { ObjectRef.root(of: key) == $0 }) { continue }
            let l = key.map { place($0, in: leftTouches, fallback: leftOnly[0]) } ?? (graph.revisions[leftOnly[0]].location, leftOnly[0], "revision")
            let r = key.map { place($0, in: rightTouches, fallback: rightOnly[0]) } ?? (graph.revisions[rightOnly[0]].location, rightOnly[0], "revision")
            let object = key.map(ObjectRef.describe) ?? "the schema"
            found.append(BranchConflict(
                kind: .orderDependent, object: object, first: l.0, second: r.0,
                firstRevision: graph.revisions[l.1].id, secondRevision: graph.revisions[r.1].id, merge: mergeID,
                message: "\(context): replaying \(graph.revisions[right].id)'s branch \(failedOrder) \(graph.revisions[left].id)'s fails: \(failure.diagnostic.description)"))
            return found
        }
        guard !leftThenRight.sameContent(as: rightThenLeft) else { return found }
        let keys = Set(leftThenRight.objects.keys).union(rightThenLeft.objects.keys).filter { key in
            switch (leftThenRight.objects[key], rightThenLeft.objects[key]) {
            case (nil, nil): false
            case (let a?, let b?): !a.sameContent(as: b)
            default: true
            }
        }.sorted()
        for key in keys {
            if touched.contains(where: { ObjectRef.root(of: key) == $0 }) { continue }
            let l = place(key, in: leftTouches, fallback: leftOnly[0])
            let r = place(key, in: rightTouches, fallback: rightOnly[0])
            found.append(BranchConflict(
                kind: .orderDependent, object: ObjectRef.describe(key), first: l.0, second: r.0,
                firstRevision: graph.revisions[l.1].id, secondRevision: graph.revisions[r.1].id, merge: mergeID,
                message: "\(context) give a different \(ObjectRef.describe(key)) when replayed in the other order: <\(l.2)> at \(l.0) and <\(r.2)> at \(r.0)"))
        }
        return found
    }

    // MARK: - Replay

    private static func replay(_ index: Int, onto state: inout SchemaState, _ history: ReplayedHistory) -> Bool {
        let compiled = history[index]
        var ok = true
        for (k, operation) in compiled.upgrade.enumerated() {
            let location = k < compiled.revision.upgrade.count ? compiled.revision.upgrade[k].location : compiled.revision.location
            if (try? state.apply(operation, at: location)) == nil { ok = false }
        }
        return ok
    }

    /// Applies a revision's downgrade (proven by the compiler to restore the state before
    /// it); false when it does not apply.
    private static func undo(_ index: Int, on state: inout SchemaState, _ history: ReplayedHistory) -> Bool {
        let compiled = history[index]
        for operation in compiled.downgrade {
            do { _ = try state.apply(operation, at: compiled.revision.location) } catch { return false }
        }
        return true
    }

    package struct ReplayFailure {
        package var diagnostic: Diagnostic
        package var key: ObjectKey?
    }

    /// Replays `revisions` until an operation fails; the failure and the object it was about.
    private static func replayAll(_ revisions: [Int], onto state: inout SchemaState, _ history: ReplayedHistory) -> ReplayFailure? {
        for index in revisions {
            let compiled = history[index]
            for (k, operation) in compiled.upgrade.enumerated() {
                let location = k < compiled.revision.upgrade.count ? compiled.revision.upgrade[k].location : compiled.revision.location
                do {
                    _ = try state.apply(operation, at: location)
                } catch let diagnostic as Diagnostic {
                    return ReplayFailure(diagnostic: diagnostic, key: Touch.primaryKey(of: operation.operation, in: state))
                } catch {
                    return ReplayFailure(diagnostic: Diagnostic(.branchReplay, at: location, "\(error)"), key: nil)
                }
            }
        }
        return nil
    }

    /// What each operation of `revisions` touches, read against the state before it;
    /// leaves `state` after them.
    private static func touches(of revisions: [Int], on state: inout SchemaState, _ history: ReplayedHistory) -> [Touch] {
        var result: [Touch] = []
        for index in revisions {
            let compiled = history[index]
            for (k, operation) in compiled.upgrade.enumerated() {
                let step = k < compiled.revision.upgrade.count ? compiled.revision.upgrade[k] : nil
                let location = step?.location ?? compiled.revision.location
                let element = step?.operation.elementName ?? operation.operation.elementName
                result += Touch.of(operation.operation, in: state, at: location, revision: index, element: element)
                _ = try? state.apply(operation, at: location)
            }
        }
        return result
    }
}

/// A schema object as conflicts name it.
package struct ObjectRef: Hashable, Comparable, CustomStringConvertible {
    package enum Kind: String, Comparable {
        case schema, `extension`, `enum`, sequence, table, view, column, constraint, index, comment
        package static func < (a: Kind, b: Kind) -> Bool { a.rawValue < b.rawValue }
    }

    package var kind: Kind
    /// The object's name: `students`, `students.email`, `students_pkey on students`.
    package var name: String
    /// For members of a table, the table's name; otherwise the name itself.
    package var owner: String

    package static func < (a: ObjectRef, b: ObjectRef) -> Bool { (a.kind, a.name) < (b.kind, b.name) }

    package var description: String { "\(kind.rawValue) \(name)" }

    /// The top-level object a member belongs to (a column's table).
    package var root: String { owner }

    package static func table(_ q: QualifiedName) -> ObjectRef { ObjectRef(kind: .table, name: q.description, owner: q.description) }
    package static func column(_ q: QualifiedName, _ column: String) -> ObjectRef { ObjectRef(kind: .column, name: "\(q).\(column)", owner: q.description) }
    package static func constraint(_ q: QualifiedName, _ name: String) -> ObjectRef { ObjectRef(kind: .constraint, name: "\(name) on \(q)", owner: q.description) }

    /// The name an object key's conflicts are grouped under.
    package static func root(of key: ObjectKey) -> String {
        switch key {
        case .schema(let name), .extension(let name): name
        case .type(let q), .relation(let q): q.description
        }
    }

    package static func describe(_ key: ObjectKey) -> String {
        switch key {
        case .schema(let name): "schema \(name)"
        case .extension(let name): "extension \(name)"
        case .type(let q): "enum \(q)"
        case .relation(let q): "relation \(q)"
        }
    }
}

/// One operation's contact with one object.
package struct Touch {
    package var object: ObjectRef
    /// The objects this one lives in (a column's table): changing them touches it too.
    package var containers: [ObjectRef]
    /// Changes the object (rather than only using it).
    package var changes: Bool
    package var location: SourceLocation
    package var revision: Int
    package var element: String

    /// The object both touch, when they conflict: the same object changed by either, or a
    /// container changed by one that holds what the other touches.
    package func conflict(with other: Touch) -> ObjectRef? {
        if object == other.object && (changes || other.changes) { return object }
        if changes && other.containers.contains(object) { return object }
        if other.changes && containers.contains(other.object) { return other.object }
        return nil
    }

    /// Whether this touch is about the object stored under `key`.
    package func matches(_ key: ObjectKey) -> Bool {
        let root = ObjectRef.root(of: key)
        return object.owner == root || containers.contains { $0.owner == root }
    }

    /// The state key of the object an operation is mainly about (for replay failures).
    package static func primaryKey(of operation: Operation, in state: SchemaState) -> ObjectKey? {
        switch operation {
        case .createSchema(let info): .schema(info.name)
        case .dropSchema(let name): .schema(name)
        case .createExtension(let ext): .extension(ext.name)
        case .dropExtension(let name): .extension(name)
        case .createEnum(let type): .type(type.name)
        case .dropEnum(let q), .addEnumValue(let q, _, _), .renameEnumValue(let q, _, _), .rebuildEnum(let q, _, _, _): .type(q)
        case .createSequence(let s): .relation(s.name)
        case .dropSequence(let q): .relation(q)
        case .createTable(let t, _): .relation(t.name)
        case .dropTable(let q), .renameTable(let q, _), .addColumn(let q, _, _), .dropColumn(let q, _), .renameColumn(let q, _, _),
             .addConstraint(let q, _), .validateConstraint(let q, _), .dropConstraint(let q, _, _), .renameConstraint(let q, _, _),
             .createIndex(let q, _, _):
            .relation(q)
        case .alterColumn(let change): .relation(change.table)
        case .dropIndex(let q, _, _), .renameIndex(let q, _):
            if case .index(let table) = state.names.relation(q) { .relation(table) } else { .relation(q) }
        case .createView(let v): .relation(v.name)
        case .dropView(let q, _): .relation(q)
        case .comment(let target, _):
            switch target {
            case .schema(let name): .schema(name)
            case .table(let q), .column(let q, _), .view(let q), .materializedView(let q), .index(let q), .sequence(let q): .relation(q)
            case .type(let q): .type(q)
            }
        case .sql, .irreversible: nil
        }
    }

    /// What `operation` touches, read against `state` (the state before it).
    package static func of(_ operation: Operation, in state: SchemaState, at location: SourceLocation, revision: Int, element: String) -> [Touch] {
        var result: [Touch] = []
        func add(_ object: ObjectRef, in containers: [ObjectRef] = [], changes: Bool = true) {
            result.append(Touch(object: object, containers: containers, changes: changes, location: location, revision: revision, element: element))
        }
        func named(_ kind: ObjectRef.Kind, _ q: QualifiedName) -> ObjectRef { ObjectRef(kind: kind, name: q.description, owner: q.description) }
        func column(_ table: QualifiedName, _ name: String, changes: Bool = true) {
            add(.column(table, name), in: [.table(table)], changes: changes)
        }
        func usesType(_ type: SQLType) {
            if let user = type.userType { add(named(.enum, user), changes: false) }
        }
        func index(_ q: QualifiedName) -> ObjectRef { named(.index, q) }
        func tableOfIndex(_ q: QualifiedName) -> [ObjectRef] {
            if case .index(let table) = state.names.relation(q) { return [.table(table)] }
            return []
        }
        func constraint(_ table: QualifiedName, _ c: Constraint) {
            add(.constraint(table, c.name), in: [.table(table)])
            for name in c.kind.columns { column(table, name, changes: false) }
            if case .foreignKey(let fk) = c.kind {
                for name in fk.referencedColumns { column(fk.referencedTable, name, changes: false) }
            }
        }

        switch operation {
        case .createSchema(let info): add(ObjectRef(kind: .schema, name: info.name, owner: info.name))
        case .dropSchema(let name): add(ObjectRef(kind: .schema, name: name, owner: name))
        case .createExtension(let ext): add(ObjectRef(kind: .extension, name: ext.name, owner: ext.name))
        case .dropExtension(let name): add(ObjectRef(kind: .extension, name: name, owner: name))
        case .createEnum(let type): add(named(.enum, type.name))
        case .dropEnum(let q), .addEnumValue(let q, _, _), .renameEnumValue(let q, _, _): add(named(.enum, q))
        case .rebuildEnum(let q, _, _, let usages):
            add(named(.enum, q))
            for usage in usages { column(usage.table, usage.column) }
        case .createSequence(let s):
            add(named(.sequence, s.name))
            if let owner = s.ownedBy { column(owner.table, owner.column, changes: false) }
        case .dropSequence(let q): add(named(.sequence, q))
        case .createTable(let table, let owned):
            add(.table(table.name))
            for c in table.columns { usesType(c.type) }
            for c in table.constraints {
                if case .foreignKey(let fk) = c.kind {
                    for name in fk.referencedColumns { column(fk.referencedTable, name, changes: false) }
                }
            }
            for s in owned { add(named(.sequence, s.name)) }
        case .dropTable(let q): add(.table(q))
        case .renameTable(let q, let to):
            add(.table(q))
            add(.table(q.renamed(to)))
        case .addColumn(let q, let c, let owned):
            column(q, c.name)
            usesType(c.type)
            if let s = owned { add(named(.sequence, s.name)) }
        case .dropColumn(let q, let name): column(q, name)
        case .renameColumn(let q, let from, let to):
            column(q, from)
            column(q, to)
        case .alterColumn(let change):
            column(change.table, change.column)
            if let type = change.type { usesType(type) }
        case .addConstraint(let q, let c): constraint(q, c)
        case .validateConstraint(let q, let name), .dropConstraint(let q, let name, _):
            add(.constraint(q, name), in: [.table(q)])
        case .renameConstraint(let q, let from, let to):
            add(.constraint(q, from), in: [.table(q)])
            add(.constraint(q, to), in: [.table(q)])
        case .createIndex(let q, let i, _):
            add(index(QualifiedName(schema: q.schema, name: i.name)), in: [.table(q)])
            for name in i.columnNames + i.include { column(q, name, changes: false) }
        case .dropIndex(let q, _, _):
            add(index(q), in: tableOfIndex(q))
        case .renameIndex(let q, let to):
            let containers = tableOfIndex(q)
            add(index(q), in: containers)
            add(index(q.renamed(to)), in: containers)
        case .createView(let v): add(named(.view, v.name))
        case .dropView(let q, _): add(named(.view, q))
        case .comment(let target, _):
            let (name, containers): (String, [ObjectRef]) = switch target {
            case .schema(let s): ("on schema \(s)", [ObjectRef(kind: .schema, name: s, owner: s)])
            case .table(let q): ("on table \(q)", [.table(q)])
            case .column(let q, let c): ("on column \(q).\(c)", [.table(q), .column(q, c)])
            case .view(let q), .materializedView(let q): ("on view \(q)", [named(.view, q)])
            case .index(let q): ("on index \(q)", [index(q)] + tableOfIndex(q))
            case .type(let q): ("on enum \(q)", [named(.enum, q)])
            case .sequence(let q): ("on sequence \(q)", [named(.sequence, q)])
            }
            add(ObjectRef(kind: .comment, name: name, owner: containers.first?.owner ?? name), in: containers)
        case .sql, .irreversible:
            break
        }
        return result
    }
}
