import RetortModel
import RetortGraph
import RetortCompiler
import RetortScripts

/// `retort upgrade --sql` and `retort downgrade --sql`: the script for a range of revisions.
package enum RangeScripts {
    package static func upgrade(_ compilation: Compilation, range: String, mode: TransactionMode?) throws -> String {
        let (revisions, start, from, to) = try RevisionResolver(compilation.graph).parseUpgradeRange(range)
        let title = "Retort upgrade: \(compilation.project.settings.name), \(from) -> \(to) (\(revisions.count) revisions)"
        return ScriptAssembler(compilation).upgradeScript(revisions, from: start, title: title, mode: mode)
    }

    /// Refuses a range that passes through a revision whose raw SQL has no `<reverse>`.
    package static func downgrade(_ compilation: Compilation, range: String, mode: TransactionMode?) throws -> String {
        let (revisions, start, from, to) = try RevisionResolver(compilation.graph).parseDowngradeRange(range)
        if let blocked = revisions.first(where: { compilation.revisions[$0].irreversibleAt != nil }) {
            let compiled = compilation.revisions[blocked]
            throw Diagnostic(.irreversible, at: compiled.irreversibleAt,
                             "cannot downgrade through revision \(compiled.revision.id): this raw SQL has no <reverse>")
        }
        let title = "Retort downgrade: \(compilation.project.settings.name), \(from) -> \(to) (\(revisions.count) revisions)"
        return ScriptAssembler(compilation).downgradeScript(revisions, from: start, title: title, mode: mode)
    }
}
