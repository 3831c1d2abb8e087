import RetortModel
import RetortState
import RetortRendering

/// Object-by-object differences between two schema states, for `retort check`.
public struct StateDifference: Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable { case onlyInModels = "only in the models", onlyInHistory = "only in the history", differs }
    public var key: ObjectKey
    public var kind: Kind
    public var modelLocation: SourceLocation?
    public var detail: String

    public var description: String {
        let place = modelLocation.map { "\($0): " } ?? ""
        return "\(place)\(key): \(kind.rawValue)\(detail.isEmpty ? "" : "\n" + detail)"
    }
}

public enum StateDiff {
    /// Differences between the models' state and the history's head state, in key order.
    /// Only the catalogs are compared: the name index follows from them. Identity sequence
    /// names are left out: models cannot declare them, and they
    /// follow the history (a renamed table keeps its identity's sequence name).
    public static func compare(models: SchemaState, history: SchemaState) -> [StateDifference] {
        var result: [StateDifference] = []
        let keys = Set(models.objects.keys).union(history.objects.keys)
        for key in keys.sorted() {
            switch (models[key].map(withoutIdentitySequenceNames), history[key].map(withoutIdentitySequenceNames)) {
            case (let m?, nil): result.append(.init(key: key, kind: .onlyInModels, modelLocation: m.origin.location, detail: ""))
            case (nil, _?): result.append(.init(key: key, kind: .onlyInHistory, modelLocation: nil, detail: ""))
            case (let m?, let h?) where !m.sameContent(as: h):
                let modelSQL = render(m), historySQL = render(h)
                let modelLines = Set(modelSQL), historyLines = Set(historySQL)
                let detail = (modelSQL.filter { !historyLines.contains($0) }.map { "  + \($0)  (models)" }
                    + historySQL.filter { !modelLines.contains($0) }.map { "  - \($0)  (history)" }).joined(separator: "\n")
                result.append(.init(key: key, kind: .differs, modelLocation: m.origin.location, detail: detail))
            default: break
            }
        }
        return result
    }

    package static func withoutIdentitySequenceNames(_ object: SchemaObject) -> SchemaObject {
        guard case .table(var table) = object else { return object }
        for i in table.columns.indices { table.columns[i].identitySequence = nil }
        return .table(table)
    }

    /// An object as the lines of SQL that create it, sorted so that column order does not count.
    package static func render(_ object: SchemaObject) -> [String] {
        StateRenderer.statements(for: SchemaState(rendering: [.relation(QualifiedName(schema: "_", name: "_")): object])).flatMap { $0.sql.split(separator: "\n").map { $0.trimmingWhitespace() } }
            .map { $0.hasSuffix(",") ? String($0.dropLast()) : $0 }.sorted()
    }
}
