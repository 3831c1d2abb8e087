import RetortSQL
import RetortModel
import RetortCompiler
import RetortRendering
import RetortDiff

/// `retort show REV`: one revision's place in the graph, its raw SQL as Retort read it,
/// and its upgrade and downgrade SQL.
package enum RevisionSummary {
    package static func text(_ compilation: Compilation, _ index: Int) -> String {
        let graph = compilation.graph
        let compiled = compilation.revisions[index]
        let r = compiled.revision
        return """
            Revision: \(r.id)
            Message:  \(r.message)
            Parents:  \(r.parents.isEmpty ? "<base>" : r.parents.joined(separator: ", "))
            Children: \(graph.children[index].isEmpty ? "(head)" : graph.children[index].map { graph.revisions[$0].id }.joined(separator: ", "))
            Source:   \(r.location.file)
            Labels:   \(r.branchLabels.joined(separator: ", "))
            Downgrade: \(r.downgrade != nil ? "explicit" : "derived")\(compiled.irreversibleAt.map { ", irreversible (raw SQL at \($0))" } ?? "")

            \(rawSQL(r.upgrade))-- upgrade
            \(compiled.upgrade.flatMap(PostgresRenderer.render).map(\.sql).joined(separator: "\n"))

            -- downgrade
            \(compiled.downgrade.flatMap(PostgresRenderer.render).map(\.sql).joined(separator: "\n"))

            """
    }

    /// Which statements of the revision's raw SQL Retort understood (and as what), and which
    /// it passes through as opaque text.
    package static func rawSQL(_ steps: [Step]) -> String {
        var lines: [String] = []
        for step in steps {
            if step.fromSQL {
                lines.append("  \(step.location)  understood: \(RevisionWriter.elementLine(step.operation))")
            } else if case .sql(let raw) = step.operation {
                // With a <reverse> the text runs as written; its DDL is still read into the state.
                let kept = raw.reverse != nil && !raw.effects.isEmpty
                for (n, statement) in (SQLScript.parsed(raw.forward)?.statements ?? []).enumerated() {
                    lines.append("  \(raw.location(ofStatement: n, or: step.location))  \(kept ? "as written" : "opaque"): \(SQLScript.verb(of: statement.parsed))")
                }
                for effect in raw.effects {
                    lines.append("  \(step.location)  understood, undone by its <reverse>: \(RevisionWriter.elementLine(effect))")
                }
            }
        }
        return lines.isEmpty ? "" : "-- raw SQL\n" + lines.joined(separator: "\n") + "\n\n"
    }
}
