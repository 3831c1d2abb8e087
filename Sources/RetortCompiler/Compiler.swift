import RetortModel
import RetortReading
import RetortGraph
import RetortState

/// Watches the replay: sees the state before and after every operation of every revision
/// (not the re-application of branch revisions at a merge). The linter is one. A class, so
/// that watching costs nothing when there is no watcher and copies no state when there is.
public protocol CompileObserver: AnyObject {
    func willReplay(_ revision: Revision, index: Int, state: SchemaState)
    func willApply(_ step: Step, state: SchemaState)
    func didApply(_ step: Step, applied: AppliedOperation, state: SchemaState)
    func didReplay(_ revision: CompiledRevision, index: Int, state: SchemaState)
    /// Before a merge replays, `predecessors` (its distinct parents and dependencies) are
    /// joined at `merge`; with several heads, after the last revision, the heads are joined
    /// at nil. `states` holds the schema at each of them.
    func willJoin(_ predecessors: [Int], at merge: Int?, states: [Int: SchemaState], history: ReplayedHistory)
}

extension CompileObserver {
    public func willReplay(_ revision: Revision, index: Int, state: SchemaState) {}
    public func willApply(_ step: Step, state: SchemaState) {}
    public func didApply(_ step: Step, applied: AppliedOperation, state: SchemaState) {}
    public func didReplay(_ revision: CompiledRevision, index: Int, state: SchemaState) {}
    public func willJoin(_ predecessors: [Int], at merge: Int?, states: [Int: SchemaState], history: ReplayedHistory) {}
}

/// One revision after replay: its operations as the state machine resolved them, and the
/// downgrade (explicit or derived) that the self-check proved undoes them.
public struct CompiledRevision: Sendable {
    public var revision: Revision
    public var upgrade: [ResolvedOperation]
    public var downgrade: [ResolvedOperation]
    /// Where the downgrade is impossible: raw SQL without `<reverse>`.
    public var irreversibleAt: SourceLocation?
}

/// The whole project compiled: the graph, every revision, the head state and the models' state.
public struct Compilation: Sendable {
    public var project: Project
    public var graph: RevisionGraph
    /// By graph index.
    public var revisions: [CompiledRevision]
    /// The schema all heads together build.
    public var headState: SchemaState
    /// The schema the model declarations describe (nil when there are none).
    public var modelState: SchemaState?
}

public enum Compiler {
    /// Replays every revision in graph order on the state machine, checking each operation
    /// and proving each revision's downgrade. Cost is linear in the history: one state is
    /// mutated in place along a line of revisions and copied (copy-on-write) only where
    /// the history branches.
    public static func compile(_ project: Project, graph prebuilt: RevisionGraph? = nil, observer: (any CompileObserver)? = nil) throws -> Compilation {
        let graph = try prebuilt ?? RevisionGraph(project.revisions)
        var compiled: [CompiledRevision?] = Array(repeating: nil, count: graph.revisions.count)
        var states: [Int: SchemaState] = [:]
        var consumers = graph.children.map(\.count)

        func take(_ index: Int) -> SchemaState {
            consumers[index] -= 1
            return consumers[index] == 0 ? states.removeValue(forKey: index)! : states[index]!
        }

        for index in graph.order {
            let revision = graph.revisions[index]
            let predecessors = graph.parents[index] + graph.dependencies[index]
            var state = SchemaState()
            if let observer {
                var joined: [Int] = []
                for predecessor in predecessors where !joined.contains(predecessor) { joined.append(predecessor) }
                if joined.count > 1 {
                    observer.willJoin(joined, at: index, states: states, history: ReplayedHistory(graph: graph, revisions: compiled))
                }
            }
            if let first = predecessors.first {
                state = take(first)
                for other in Set(predecessors.dropFirst()) { _ = take(other) }
                if predecessors.count > 1 {
                    try replayMissing(ancestorsOf: predecessors, onto: &state, from: first, graph: graph, compiled: compiled)
                }
            }
            observer?.willReplay(revision, index: index, state: state)
            compiled[index] = try compileRevision(revision, on: &state, observer: observer)
            observer?.didReplay(compiled[index]!, index: index, state: state)
            states[index] = state
        }

        var headState = SchemaState()
        let heads = graph.heads
        if heads.count > 1 {
            observer?.willJoin(heads, at: nil, states: states, history: ReplayedHistory(graph: graph, revisions: compiled))
        }
        if let first = heads.first {
            headState = states[first]!
            if heads.count > 1 {
                try replayMissing(ancestorsOf: heads, onto: &headState, from: first, graph: graph, compiled: compiled)
            }
        }
        var modelState: SchemaState?
        if project.models.fileCount > 0 {
            var state = SchemaState()
            for step in project.models.steps { _ = try state.apply(step.operation, at: step.location) }
            modelState = state
        }
        return Compilation(project: project, graph: graph, revisions: compiled.map { $0! }, headState: headState, modelState: modelState)
    }

    /// Brings `state` (the state at `from`) up to the union of `targets`' ancestries by
    /// re-applying the resolved operations of the revisions it lacks, in replay order.
    private static func replayMissing(ancestorsOf targets: [Int], onto state: inout SchemaState, from: Int,
                                      graph: RevisionGraph, compiled: [CompiledRevision?]) throws {
        let have = graph.ancestors(of: [from])
        let missing = graph.ancestors(of: targets).subtracting(have).sorted { graph.position[$0] < graph.position[$1] }
        for index in missing {
            let revision = compiled[index]!
            for operation in revision.upgrade {
                do { _ = try state.apply(operation, at: revision.revision.location) } catch let error as Diagnostic {
                    throw Diagnostic(.branchReplay, at: revision.revision.location,
                                     "revision \(revision.revision.id) cannot be combined with the other branches of its merge: \(error.message)")
                }
            }
        }
    }

    /// Applies one revision's upgrade, then its downgrade, checks that the downgrade gives
    /// back exactly the previous state (comparing only the objects the revision touched),
    /// and leaves `state` at the revision's new state.
    package static func compileRevision(_ revision: Revision, on state: inout SchemaState, observer: (any CompileObserver)? = nil) throws -> CompiledRevision {
        state.startJournal()
        var upgrade: [ResolvedOperation] = []
        var inverses: [[Operation]] = []
        for step in revision.upgrade {
            observer?.willApply(step, state: state)
            let applied = try state.apply(step.operation, at: step.location)
            observer?.didApply(step, applied: applied, state: state)
            upgrade.append(applied.forward)
            inverses.append(applied.inverse)
        }
        let beforeUpgrade = state.takeJournal()
        let afterUpgrade = state.current(beforeUpgrade)

        let explicit = revision.downgrade != nil
        let downgradeSteps = revision.downgrade ?? inverses.reversed().flatMap { $0 }.map { Step($0, at: revision.location) }
        state.startJournal()
        var downgrade: [ResolvedOperation] = []
        var irreversibleAt: SourceLocation?
        for step in downgradeSteps {
            if case .irreversible(let at) = step.operation { irreversibleAt = irreversibleAt ?? at }
            do {
                downgrade.append(try state.apply(step.operation, at: step.location).forward)
            } catch let error as Diagnostic where !explicit {
                throw Diagnostic(.internalSelfCheck, at: revision.location,
                                 "internal error: the derived downgrade of revision \(revision.id) does not apply: \(error.message)")
            }
        }
        let beforeDowngrade = state.takeJournal()

        func mismatch(_ what: ObjectKey) -> Diagnostic {
            let whose = explicit ? "the <downgrade> of revision \(revision.id)" : "internal error: the derived downgrade of revision \(revision.id)"
            return Diagnostic(explicit ? .downgradeMismatch : .internalSelfCheck, at: revision.location, "\(whose) does not restore the previous state of \(what)")
        }
        for key in Set(beforeUpgrade.catalog.keys).union(beforeDowngrade.catalog.keys).sorted() {
            let expected: SchemaObject? = beforeUpgrade.catalog[key] ?? beforeDowngrade.catalog[key] ?? nil
            let same = switch (expected, state[key]) {
            case (nil, nil): true
            case (let a?, let b?): a.sameContent(as: b)
            default: false
            }
            if !same { throw mismatch(key) }
        }
        // The name index follows the catalog, so a difference here is the state machine's own.
        for key in Set(beforeUpgrade.names.keys).union(beforeDowngrade.names.keys).sorted() {
            let expected: NameEntry? = beforeUpgrade.names[key] ?? beforeDowngrade.names[key] ?? nil
            if expected != state.names.entries[key] {
                throw Diagnostic(.internalSelfCheck, at: revision.location,
                                 "internal error: the downgrade of revision \(revision.id) does not restore the \(key)")
            }
        }
        var restore = afterUpgrade
        for (key, value) in beforeDowngrade.catalog where restore.catalog.index(forKey: key) == nil { restore.catalog.updateValue(value, forKey: key) }
        for (key, value) in beforeDowngrade.names where restore.names.index(forKey: key) == nil { restore.names.updateValue(value, forKey: key) }
        state.restore(restore)
        return CompiledRevision(revision: revision, upgrade: upgrade, downgrade: downgrade, irreversibleAt: irreversibleAt)
    }
}
