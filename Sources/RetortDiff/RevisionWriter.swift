import RetortModel

/// Writes operations back as revision XML, formatted for review: one element per line,
/// attributes in a fixed order, values escaped so any text survives a round trip.
public enum RevisionWriter {
    public static func revisionFile(id: String, parents: [String], message: String, branchLabels: [String] = [], dependsOn: [String] = [],
                                    operations: [Operation]) -> String {
        var lines = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>"]
        var head = "<revision id=\(attr(id))"
        if !parents.isEmpty { head += " parent=\(attr(parents.joined(separator: " ")))" }
        head += " message=\(attr(message))"
        if !branchLabels.isEmpty { head += " branch-labels=\(attr(branchLabels.joined(separator: " ")))" }
        if !dependsOn.isEmpty { head += " depends-on=\(attr(dependsOn.joined(separator: " ")))" }
        lines.append(head + " format=\"1\">")
        if operations.isEmpty {
            lines.append("  <upgrade>")
            lines.append("  </upgrade>")
        } else {
            lines.append("  <upgrade>")
            for operation in operations { lines += element(operation).map { "    " + $0 } }
            lines.append("  </upgrade>")
        }
        lines.append("</revision>")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `"value"` with XML's special characters, and line breaks, escaped.
    package static func attr(_ value: String) -> String { "\"" + escapedAttribute(value) + "\"" }

    /// Text safe inside a double-quoted XML attribute, line breaks included.
    public static func escapedAttribute(_ value: String) -> String {
        var out = ""
        for c in value.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            case "\t": out += "&#9;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    package static func text(_ value: String) -> String {
        value.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    package static func tag(_ name: String, _ attributes: [(String, String?)], children: [String] = [], body: String? = nil) -> [String] {
        let attrs = attributes.compactMap { key, value in value.map { " \(key)=\(attr($0))" } }.joined()
        if let body { return ["<\(name)\(attrs)>\(text(body))</\(name)>"] }
        if children.isEmpty { return ["<\(name)\(attrs)/>"] }
        return ["<\(name)\(attrs)>"] + children.map { "  " + $0 } + ["</\(name)>"]
    }

    package static func flag(_ value: Bool) -> String? { value ? "true" : nil }
    package static func list(_ names: [String]) -> String { names.joined(separator: ", ") }

    package static func columnElement(_ column: Column, serial: SchemaSequence?) -> [String] {
        var type = column.type.description
        var defaultExpression = column.defaultExpression
        if let serial {
            type = serial.type == .smallint ? "smallserial" : (serial.type == .integer ? "serial" : "bigserial")
            defaultExpression = nil
        }
        return tag("column", [("name", column.name), ("type", type), ("nullable", column.nullable || serial != nil ? nil : "false"),
                              ("default", defaultExpression), ("identity", column.identity?.rawValue), ("generated", column.generated),
                              ("comment", column.comment)])
    }

    /// `qualified`: the referenced table is written with its schema even when it is
    /// `public` (for a model file of another schema, where a bare name means that schema).
    package static func constraintElement(_ constraint: Constraint, prefix: String = "", table: QualifiedName? = nil, qualified: Bool = false) -> [String] {
        var attributes: [(String, String?)] = table.map { [("table", $0.description)] } ?? []
        attributes.append(("name", constraint.name))
        let deferrable: String? = switch constraint.deferrable { case .immediate: "true"; case .deferred: "initially-deferred"; case nil: nil }
        switch constraint.kind {
        case .primaryKey(let columns):
            return tag(prefix + "primary-key", attributes + [("columns", list(columns)), ("deferrable", deferrable)])
        case .unique(let columns, let nnd):
            return tag(prefix + "unique", attributes + [("columns", list(columns)), ("nulls-not-distinct", flag(nnd)), ("deferrable", deferrable)])
        case .check(let expression):
            return tag(prefix + "check", attributes + [("expression", expression), ("not-valid", flag(constraint.notValid))])
        case .foreignKey(let fk):
            return tag(prefix + "foreign-key", attributes + [
                ("columns", list(fk.columns)), ("references", "\(qualified ? fk.referencedTable.schema + "." + fk.referencedTable.name : fk.referencedTable.description)(\(list(fk.referencedColumns)))"),
                ("on-delete", fk.onDelete == .noAction ? nil : fk.onDelete.rawValue), ("on-update", fk.onUpdate == .noAction ? nil : fk.onUpdate.rawValue),
                ("match", fk.match == .full ? "full" : nil), ("deferrable", deferrable), ("not-valid", flag(constraint.notValid)),
            ])
        }
    }

    package static func indexElement(_ index: TableIndex, name: String = "index", extra: [(String, String?)] = []) -> [String] {
        let columns = index.elements.allSatisfy { if case .column = $0 { true } else { false } } ? list(index.columnNames) : nil
        let expression: String? = columns == nil ? index.elements.map { if case .expression(let e) = $0 { e } else { "" } }.joined(separator: ", ") : nil
        return tag(name, extra + [("name", index.name), ("columns", columns), ("expression", expression), ("unique", flag(index.unique)),
                                  ("method", index.method), ("where", index.predicate), ("include", index.include.isEmpty ? nil : list(index.include)),
                                  ("nulls-not-distinct", flag(index.nullsNotDistinct)), ("comment", index.comment)])
    }

    /// The element that says `operation`, on one line (as `retort show` lists raw SQL read as operations).
    public static func elementLine(_ operation: Operation) -> String {
        element(operation).map { $0.trimmingWhitespace() }.joined(separator: " ")
    }

    package static func element(_ operation: Operation) -> [String] {
        switch operation {
        case .createSchema(let info): return tag("create-schema", [("name", info.name), ("comment", info.comment)])
        case .dropSchema(let name): return tag("drop-schema", [("name", name)])
        case .createExtension(let e): return tag("create-extension", [("name", e.name), ("schema", e.schema), ("version", e.version)])
        case .dropExtension(let name): return tag("drop-extension", [("name", name)])
        case .createEnum(let type):
            return tag("create-enum", [("name", type.name.description), ("comment", type.comment)], children: type.values.flatMap { tag("value", [], body: $0) })
        case .rebuildEnum(let name, let values, _, _):
            return tag("rebuild-enum", [("name", name.description)], children: values.flatMap { tag("value", [], body: $0) })
        case .dropEnum(let name): return tag("drop-enum", [("name", name.description)])
        case .addEnumValue(let name, let value, let placement):
            var attributes: [(String, String?)] = [("enum", name.description), ("value", value)]
            switch placement {
            case .before(let other): attributes.append(("before", other))
            case .after(let other): attributes.append(("after", other))
            case nil: break
            }
            return tag("add-enum-value", attributes)
        case .renameEnumValue(let name, let from, let to): return tag("rename-enum-value", [("enum", name.description), ("from", from), ("to", to)])
        case .createSequence(let s):
            return tag("create-sequence", [("name", s.name.description), ("type", s.type?.description), ("start", s.start.map(String.init)),
                                           ("increment", s.increment.map(String.init)), ("min-value", s.minValue.map(String.init)),
                                           ("max-value", s.maxValue.map(String.init)), ("cache", s.cache.map(String.init)),
                                           ("cycle", flag(s.cycle)), ("comment", s.comment)])
        case .dropSequence(let name): return tag("drop-sequence", [("name", name.description)])
        case .createTable(let table, let sequences):
            var children: [String] = []
            for column in table.columns {
                children += columnElement(column, serial: sequences.first { $0.ownedBy?.column == column.name })
            }
            for constraint in table.constraints { children += constraintElement(constraint) }
            for index in table.indexes { children += indexElement(index) }
            return tag("create-table", [("name", table.name.description), ("comment", table.comment)], children: children)
        case .dropTable(let name): return tag("drop-table", [("name", name.description)])
        case .renameTable(let name, let to): return tag("rename-table", [("from", name.description), ("to", to)])
        case .addColumn(let table, let column, let sequence):
            return tag("add-column", [("table", table.description)], children: columnElement(column, serial: sequence))
        case .dropColumn(let table, let column): return tag("drop-column", [("table", table.description), ("column", column)])
        case .renameColumn(let table, let from, let to): return tag("rename-column", [("table", table.description), ("from", from), ("to", to)])
        case .alterColumn(let c):
            var attributes: [(String, String?)] = [("table", c.table.description), ("column", c.column), ("type", c.type?.description), ("using", c.using)]
            attributes.append(("nullable", c.nullable.map { $0 ? "true" : "false" }))
            switch c.defaultExpression {
            case .some(.some(let d)): attributes.append(("default", d))
            case .some(.none): attributes.append(("drop-default", "true"))
            case .none: break
            }
            switch c.identity {
            case .some(.some(let i)): attributes.append(("identity", i.rawValue))
            case .some(.none): attributes.append(("drop-identity", "true"))
            case .none: break
            }
            if case .some(let comment) = c.comment { attributes.append(("comment", comment ?? "")) }
            return tag("alter-column", attributes)
        case .addConstraint(let table, let constraint): return constraintElement(constraint, prefix: "add-", table: table)
        case .validateConstraint(let table, let name): return tag("validate-constraint", [("table", table.description), ("name", name)])
        case .dropConstraint(let table, let name, _): return tag("drop-constraint", [("table", table.description), ("name", name)])
        case .renameConstraint(let table, let from, let to): return tag("rename-constraint", [("table", table.description), ("from", from), ("to", to)])
        case .createIndex(let table, let index, let concurrently):
            return indexElement(index, name: "create-index", extra: [("table", table.description), ("concurrently", flag(concurrently))])
        case .dropIndex(let name, let concurrently, _): return tag("drop-index", [("name", name.description), ("concurrently", flag(concurrently))])
        case .renameIndex(let name, let to): return tag("rename-index", [("from", name.description), ("to", to)])
        case .createView(let view):
            return tag("create-view", [("name", view.name.description), ("materialized", flag(view.materialized)), ("comment", view.comment)], body: view.body)
        case .dropView(let name, let materialized): return tag("drop-view", [("name", name.description), ("materialized", flag(materialized))])
        case .comment(let target, let text):
            let attributes: [(String, String?)] = switch target {
            case .schema(let s): [("schema", s)]
            case .table(let t): [("table", t.description)]
            case .column(let t, let c): [("table", t.description), ("column", c)]
            case .view(let v), .materializedView(let v): [("view", v.description)]
            case .index(let i): [("index", i.description)]
            case .type(let t): [("enum", t.description)]
            case .sequence(let s): [("sequence", s.description)]
            }
            // An attribute keeps the text exactly (element text is trimmed when read).
            return tag("comment", attributes + [("text", text ?? "")])
        case .sql(let raw):
            let reverse = raw.reverse.map { tag("reverse", [], body: $0) } ?? []
            return tag("sql", [], children: tag("forward", [], body: raw.forward) + reverse)
        case .irreversible:
            return []
        }
    }
}
