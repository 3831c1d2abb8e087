import RetortSQL
import RetortModel

/// Translates the DDL of raw SQL that Retort has typed operations for into those
/// operations' elements, read off PostgreSQL's parse tree, so the state machine validates,
/// applies, lints and inverts them exactly as if they had been written as elements. A
/// statement outside that set, or using a form the operations do not cover (`IF EXISTS`,
/// `CASCADE`, `OR REPLACE`, options), is left opaque: nil.
///
/// Fragments inside a statement (a type, a default, a predicate) are taken as written,
/// from the statement's text between the positions the tree and the scanner give.
package struct RawDDL {
    package let text: String
    package let bytes: [UInt8]
    package let tokens: [SQLToken]
    package let schema: String

    package init(_ text: String, schema: String) {
        self.text = text
        self.bytes = Array(text.utf8)
        self.tokens = ((try? SQLParser.scan(text)) ?? []).filter { !$0.isComment }
        self.schema = schema
    }

    /// The elements that stand for `statement`, or nil when it stays raw SQL.
    package func elements(for statement: SQLScript.Statement, at location: SourceLocation) -> [XMLNode]? {
        let end = statement.range.upperBound
        func element(_ name: String, _ attributes: [(String, String)], _ children: [XMLNode] = [], text: String = "") -> XMLNode {
            XMLNode(name: name, attributes: attributes.map { (name: $0.0, value: $0.1) }, children: children, text: text, location: location)
        }
        let body = statement.body
        switch statement.tag {
        case "AlterTableStmt":
            guard body["objtype"]?.string == "OBJECT_TABLE", !body["missing_ok"].bool, let table = relation(body["relation"]) else { return nil }
            let commands = (body["cmds"]?.array ?? []).compactMap { $0.node("AlterTableCmd") }
            var result: [XMLNode] = []
            for command in commands {
                guard !command["missing_ok"].bool, command["behavior"]?.string != "DROP_CASCADE" else { return nil }
                let column = command["name"]?.string
                switch command["subtype"]?.string {
                case "AT_AddColumn":
                    guard let def = command["def"]?.node("ColumnDef"), let (node, extra) = columnElement(def, end: end, table: body["relation"]?["relname"]?.string, location: location) else { return nil }
                    result.append(element("add-column", [("table", table)], [node]))
                    result += extra.map { element("add-\($0.name)", [("table", table)] + $0.attributes.map { ($0.name, $0.value) }) }
                case "AT_DropColumn":
                    guard let column else { return nil }
                    result.append(element("drop-column", [("table", table), ("column", column)]))
                case "AT_AlterColumnType":
                    guard let column, let def = command["def"]?.node("ColumnDef"), let typeAt = def["typeName"]?["location"]?.int, def["collClause"] == nil else { return nil }
                    var attributes = [("table", table), ("column", column)]
                    let using = def["raw_default"] != nil ? keyword("USING", after: typeAt, before: end) : nil
                    attributes.append(("type", typeSpan(typeAt, upTo: using ?? clauseEnd(typeAt, end))))
                    if let using { attributes.append(("using", span(after(using), upTo: clauseEnd(after(using), end)))) }
                    result.append(element("alter-column", attributes))
                case "AT_SetNotNull", "AT_DropNotNull":
                    guard let column else { return nil }
                    result.append(element("alter-column", [("table", table), ("column", column), ("nullable", command["subtype"]?.string == "AT_DropNotNull" ? "true" : "false")]))
                case "AT_ColumnDefault":
                    guard let column, commands.count == 1 else { return nil }
                    if command["def"] != nil {
                        guard let at = keyword("DEFAULT", after: statement.range.lowerBound, before: end) else { return nil }
                        result.append(element("alter-column", [("table", table), ("column", column), ("default", span(after(at), upTo: end))]))
                    } else {
                        result.append(element("alter-column", [("table", table), ("column", column), ("drop-default", "true")]))
                    }
                case "AT_AddConstraint":
                    guard let c = command["def"]?.node("Constraint"), let node = constraintElement(c, end: commands.count == 1 ? end : nil, location: location) else { return nil }
                    result.append(element("add-\(node.name)", [("table", table)] + node.attributes.map { ($0.name, $0.value) }))
                case "AT_ValidateConstraint":
                    guard let name = command["name"]?.string else { return nil }
                    result.append(element("validate-constraint", [("table", table), ("name", name)]))
                case "AT_DropConstraint":
                    guard let name = command["name"]?.string else { return nil }
                    result.append(element("drop-constraint", [("table", table), ("name", name)]))
                default:
                    return nil
                }
            }
            return result.isEmpty ? nil : result

        case "RenameStmt":
            guard !body["missing_ok"].bool, let target = body["newname"]?.string else { return nil }
            switch body["renameType"]?.string {
            case "OBJECT_COLUMN":
                guard body["relationType"]?.string == "OBJECT_TABLE", let table = relation(body["relation"]), let from = body["subname"]?.string else { return nil }
                return [element("rename-column", [("table", table), ("from", from), ("to", target)])]
            case "OBJECT_TABLE":
                guard let table = relation(body["relation"]) else { return nil }
                return [element("rename-table", [("from", table), ("to", target)])]
            case "OBJECT_INDEX":
                guard let index = relation(body["relation"]) else { return nil }
                return [element("rename-index", [("from", index), ("to", target)])]
            case "OBJECT_TABCONSTRAINT":
                guard let table = relation(body["relation"]), let from = body["subname"]?.string else { return nil }
                return [element("rename-constraint", [("table", table), ("from", from), ("to", target)])]
            default:
                return nil
            }

        case "DropStmt":
            guard !body["missing_ok"].bool, body["behavior"]?.string != "DROP_CASCADE" else { return nil }
            let objects = body["objects"]?.array ?? []
            let concurrent = body["concurrent"].bool
            var result: [XMLNode] = []
            for object in objects {
                switch body["removeType"]?.string {
                case "OBJECT_TABLE": guard let name = qualified(object.node("List")?["items"]?.names) else { return nil }; result.append(element("drop-table", [("name", name)]))
                case "OBJECT_VIEW": guard let name = qualified(object.node("List")?["items"]?.names) else { return nil }; result.append(element("drop-view", [("name", name)]))
                case "OBJECT_SEQUENCE": guard let name = qualified(object.node("List")?["items"]?.names) else { return nil }; result.append(element("drop-sequence", [("name", name)]))
                case "OBJECT_INDEX":
                    guard let name = qualified(object.node("List")?["items"]?.names) else { return nil }
                    result.append(element("drop-index", [("name", name)] + (concurrent ? [("concurrently", "true")] : [])))
                case "OBJECT_TYPE": guard let name = qualified(object.node("TypeName")?["names"]?.names) else { return nil }; result.append(element("drop-enum", [("name", name)]))
                case "OBJECT_SCHEMA": guard let name = object.stringValue else { return nil }; result.append(element("drop-schema", [("name", name)]))
                case "OBJECT_EXTENSION": guard let name = object.stringValue else { return nil }; result.append(element("drop-extension", [("name", name)]))
                default: return nil
                }
            }
            return result.isEmpty ? nil : result

        case "IndexStmt":
            guard !body["if_not_exists"].bool, body["options"] == nil, body["tableSpace"] == nil, let table = relation(body["relation"]) else { return nil }
            var columns: [String] = []
            var expression: String?
            let params = body["indexParams"]?.array ?? []
            for param in params {
                guard let elem = param.node("IndexElem"), elem["opclass"] == nil, elem["collation"] == nil,
                      elem["ordering"]?.string ?? "SORTBY_DEFAULT" == "SORTBY_DEFAULT",
                      elem["nulls_ordering"]?.string ?? "SORTBY_NULLS_DEFAULT" == "SORTBY_NULLS_DEFAULT" else { return nil }
                if let name = elem["name"]?.string, plain(name) {
                    columns.append(name)
                } else if elem["expr"] != nil, params.count == 1, let at = body["relation"]?["location"]?.int,
                          let open = token("(", after: at, before: end), let close = matching(open) {
                    // One expression: its text as written between the list's parentheses.
                    expression = span(tokens[open].range.upperBound, upTo: tokens[close].range.lowerBound)
                } else {
                    return nil
                }
            }
            let include = (body["indexIncludingParams"]?.array ?? []).compactMap { $0.node("IndexElem")?["name"]?.string }
            guard !columns.isEmpty || expression != nil, include.allSatisfy(plain) else { return nil }
            var attributes = [("table", table)]
            if let expression { attributes.append(("expression", expression)) } else { attributes.append(("columns", columns.joined(separator: ", "))) }
            if let name = body["idxname"]?.string { attributes.append(("name", name)) }
            if body["unique"].bool { attributes.append(("unique", "true")) }
            if let method = body["accessMethod"]?.string, method != "btree" { attributes.append(("method", method)) }
            if !include.isEmpty { attributes.append(("include", include.joined(separator: ", "))) }
            if body["nulls_not_distinct"].bool { attributes.append(("nulls-not-distinct", "true")) }
            if body["concurrent"].bool { attributes.append(("concurrently", "true")) }
            if body["whereClause"] != nil {
                guard let at = keyword("WHERE", after: statement.range.lowerBound, before: end) else { return nil }
                attributes.append(("where", span(after(at), upTo: end)))
            }
            return [element("create-index", attributes)]

        case "ViewStmt":
            guard !body["replace"].bool, body["aliases"] == nil, body["view"]?["relpersistence"]?.string ?? "p" == "p", body["options"] == nil, body["withCheckOption"]?.string ?? "NO_CHECK_OPTION" == "NO_CHECK_OPTION",
                  let name = relation(body["view"]), let at = body["view"]?["location"]?.int, let as_ = keyword("AS", after: at, before: end) else { return nil }
            return [element("create-view", [("name", name)], text: span(after(as_), upTo: end))]

        case "CommentStmt":
            let comment = body["comment"]?.string
            var attributes: [(String, String)] = []
            let object = body["object"] ?? .null
            switch body["objtype"]?.string {
            case "OBJECT_TABLE": guard let name = qualified(object.node("List")?["items"]?.names) else { return nil }; attributes = [("table", name)]
            case "OBJECT_VIEW": guard let name = qualified(object.node("List")?["items"]?.names) else { return nil }; attributes = [("view", name)]
            case "OBJECT_INDEX": guard let name = qualified(object.node("List")?["items"]?.names) else { return nil }; attributes = [("index", name)]
            case "OBJECT_SEQUENCE": guard let name = qualified(object.node("List")?["items"]?.names) else { return nil }; attributes = [("sequence", name)]
            case "OBJECT_TYPE": guard let name = qualified(object.node("TypeName")?["names"]?.names) else { return nil }; attributes = [("enum", name)]
            case "OBJECT_SCHEMA": guard let name = object.stringValue else { return nil }; attributes = [("schema", name)]
            case "OBJECT_COLUMN":
                guard let names = object.node("List")?["items"]?.names, names.count >= 2, let table = qualified(Array(names.dropLast())) else { return nil }
                attributes = [("table", table), ("column", names.last!)]
            default: return nil
            }
            return [element("comment", attributes + [("text", comment ?? "")])]

        case "CreateEnumStmt":
            guard let name = qualified(body["typeName"]?.names) else { return nil }
            let values = (body["vals"]?.array ?? []).compactMap(\.stringValue).map { element("value", [], text: $0) }
            return [element("create-enum", [("name", name)], values)]

        case "AlterEnumStmt":
            guard !body["skipIfNewValExists"].bool, let name = qualified(body["typeName"]?.names), let value = body["newVal"]?.string else { return nil }
            if let old = body["oldVal"]?.string { return [element("rename-enum-value", [("enum", name), ("from", old), ("to", value)])] }
            var attributes = [("enum", name), ("value", value)]
            if let neighbor = body["newValNeighbor"]?.string { attributes.append((body["newValIsAfter"].bool ? "after" : "before", neighbor)) }
            return [element("add-enum-value", attributes)]

        case "CreateExtensionStmt":
            guard !body["if_not_exists"].bool, let name = body["extname"]?.string else { return nil }
            var attributes = [("name", name)]
            for option in body["options"]?.array ?? [] {
                guard let def = option.node("DefElem"), let value = def["arg"]?.stringValue else { return nil }
                switch def["defname"]?.string {
                case "schema": attributes.append(("schema", value))
                case "new_version": attributes.append(("version", value))
                default: return nil
                }
            }
            return [element("create-extension", attributes)]

        case "CreateSchemaStmt":
            guard !body["if_not_exists"].bool, body["authrole"] == nil, body["schemaElts"] == nil, let name = body["schemaname"]?.string else { return nil }
            return [element("create-schema", [("name", name)])]

        case "CreateStmt":
            guard !body["if_not_exists"].bool, body["inhRelations"] == nil, body["partspec"] == nil, body["options"] == nil,
                  body["ofTypename"] == nil, body["tablespacename"] == nil, body["accessMethod"] == nil, body["partbound"] == nil,
                  body["relation"]?["relpersistence"]?.string ?? "p" == "p", let name = relation(body["relation"]) else { return nil }
            var children: [XMLNode] = []
            for item in body["tableElts"]?.array ?? [] {
                if let def = item.node("ColumnDef") {
                    guard let (column, extra) = columnElement(def, end: nil, table: body["relation"]?["relname"]?.string, location: location) else { return nil }
                    children.append(column)
                    children += extra
                } else if let c = item.node("Constraint") {
                    guard let node = constraintElement(c, end: nil, location: location) else { return nil }
                    children.append(node)
                } else {
                    return nil
                }
            }
            return [element("create-table", [("name", name)], children)]

        default:
            return nil
        }
    }

    // MARK: - Pieces

    /// A column definition as a `<column>`, plus the constraint elements it cannot carry as
    /// attributes; nil when it holds something the element cannot say.
    package func columnElement(_ def: SQLNode, end: Int?, table: String? = nil, location: SourceLocation) -> (XMLNode, [XMLNode])? {
        guard let name = def["colname"]?.string, let typeAt = def["typeName"]?["location"]?.int, def["collClause"] == nil,
              def["compression"] == nil, def["storage"] == nil else { return nil }
        let constraints = (def["constraints"]?.array ?? []).compactMap { $0.node("Constraint") }
        let typeEnd = constraints.first?["location"]?.int ?? clauseEnd(typeAt, end ?? bytes.count)
        var attributes: [(String, String)] = [("name", name), ("type", typeSpan(typeAt, upTo: typeEnd))]
        var extra: [XMLNode] = []
        for (n, c) in constraints.enumerated() {
            guard c["conname"] == nil || c["contype"]?.string == "CONSTR_CHECK" else { return nil }
            guard c["nulls_not_distinct"] == nil, c["options"] == nil || isDefaultIdentitySequence(c["options"], table: table, column: name),
                  c["indexspace"] == nil, c["fk_del_set_cols"] == nil,
                  !c["is_no_inherit"].bool, !c["deferrable"].bool else { return nil }
            let at = c["location"]?.int ?? 0
            let next = n + 1 < constraints.count ? constraints[n + 1]["location"]?.int : nil
            let limit = next ?? clauseEnd(at, end ?? bytes.count)
            switch c["contype"]?.string {
            case "CONSTR_NOTNULL": attributes.append(("nullable", "false"))
            case "CONSTR_NULL": break
            case "CONSTR_DEFAULT": attributes.append(("default", span(after(at), upTo: limit)))
            case "CONSTR_PRIMARY": attributes.append(("primary-key", "true"))
            case "CONSTR_UNIQUE": attributes.append(("unique", "true"))
            case "CONSTR_IDENTITY":
                attributes.append(("identity", c["generated_when"]?.string == "d" ? "by-default" : "always"))
            case "CONSTR_GENERATED":
                guard let open = token("(", after: at, before: limit), let close = matching(open) else { return nil }
                attributes.append(("generated", span(tokens[open].range.upperBound, upTo: tokens[close].range.lowerBound)))
            case "CONSTR_CHECK":
                guard let node = constraintElement(c, end: limit, location: location) else { return nil }
                extra.append(node)
            case "CONSTR_FOREIGN":
                guard let table = relation(c["pktable"]), let columns = c["pk_attrs"]?.names, columns.allSatisfy(plain), c["fk_matchtype"]?.string ?? "s" == "s" else { return nil }
                attributes.append(("references", "\(table)(\(columns.joined(separator: ", ")))"))
                if let action = Self.actions[c["fk_del_action"]?.string ?? "a"], action != "no action" { attributes.append(("on-delete", action)) }
                if let action = Self.actions[c["fk_upd_action"]?.string ?? "a"], action != "no action" { attributes.append(("on-update", action)) }
            default:
                return nil
            }
        }
        guard plain(name) else { return nil }
        return (XMLNode(name: "column", attributes: attributes.map { (name: $0.0, value: $0.1) }, children: [], text: "", location: location), extra)
    }

    package static let actions = ["a": "no action", "r": "restrict", "c": "cascade", "n": "set null", "d": "set default"]

    /// A table constraint as `<primary-key>`, `<unique>`, `<check>` or `<foreign-key>`.
    package func constraintElement(_ c: SQLNode, end: Int?, location: SourceLocation) -> XMLNode? {
        var attributes: [(String, String)] = []
        if let name = c["conname"]?.string { attributes.append(("name", name)) }
        guard !c["deferrable"].bool, c["indexname"] == nil, c["including"] == nil, c["options"] == nil, c["indexspace"] == nil,
              c["fk_del_set_cols"] == nil, !c["is_no_inherit"].bool, c["access_method"] == nil else { return nil }
        let kind: String
        switch c["contype"]?.string {
        case "CONSTR_PRIMARY", "CONSTR_UNIQUE":
            guard let keys = c["keys"]?.names, !keys.isEmpty, keys.allSatisfy(plain) else { return nil }
            kind = c["contype"]?.string == "CONSTR_PRIMARY" ? "primary-key" : "unique"
            attributes.append(("columns", keys.joined(separator: ", ")))
            if c["nulls_not_distinct"].bool { attributes.append(("nulls-not-distinct", "true")) }
        case "CONSTR_CHECK":
            guard let at = c["location"]?.int, let open = token("(", after: at, before: end ?? bytes.count), let close = matching(open) else { return nil }
            kind = "check"
            attributes.append(("expression", span(tokens[open].range.upperBound, upTo: tokens[close].range.lowerBound)))
            if c["skip_validation"].bool { attributes.append(("not-valid", "true")) }
        case "CONSTR_FOREIGN":
            guard let table = relation(c["pktable"]), let columns = c["fk_attrs"]?.names, let referenced = c["pk_attrs"]?.names,
                  (columns + referenced).allSatisfy(plain), c["fk_matchtype"]?.string ?? "s" == "s" else { return nil }
            kind = "foreign-key"
            attributes.append(("columns", columns.joined(separator: ", ")))
            attributes.append(("references", "\(table)(\(referenced.joined(separator: ", ")))"))
            if let action = Self.actions[c["fk_del_action"]?.string ?? "a"], action != "no action" { attributes.append(("on-delete", action)) }
            if let action = Self.actions[c["fk_upd_action"]?.string ?? "a"], action != "no action" { attributes.append(("on-update", action)) }
            if c["skip_validation"].bool { attributes.append(("not-valid", "true")) }
        default:
            return nil
        }
        return XMLNode(name: kind, attributes: attributes.map { (name: $0.0, value: $0.1) }, children: [], text: "", location: location)
    }

    /// A name the list attributes can carry (no comma, dot or parenthesis in it).
    package func plain(_ name: String) -> Bool { !name.contains(where: { ",.()".contains($0) }) }

    /// `schema.name` as the attributes spell it (the default schema implicit), or nil.
    /// `(SEQUENCE NAME t_c_seq)` naming the sequence PostgreSQL would name anyway (as
    /// Retort's own scripts write an identity): the same as no options.
    func isDefaultIdentitySequence(_ options: SQLNode?, table: String?, column: String) -> Bool {
        guard let table, let items = options?.array, items.count == 1, let def = items[0].node("DefElem"),
              def["defname"]?.string == "sequence_name", let names = def["arg"]?.node("List")?["items"]?.names, let last = names.last else { return false }
        let expected = "\(table)_\(column)_seq"
        return expected.utf8.count <= 63 && last == expected
    }

    package func relation(_ node: SQLNode?) -> String? {
        guard let node, let name = node["relname"]?.string else { return nil }
        return qualified([node["schemaname"]?.string, name].compactMap { $0 })
    }

    package func qualified(_ names: [String]?) -> String? {
        guard let names, (1...2).contains(names.count), names.allSatisfy(plain) else { return nil }
        return names.count == 2 && names[0] != schema ? names.joined(separator: ".") : names.last
    }

    package func span(_ start: Int, upTo end: Int) -> String {
        let lower = min(max(0, start), bytes.count), upper = min(max(lower, end), bytes.count)
        let tail = tokens.last { $0.range.upperBound <= upper && $0.range.lowerBound >= lower }
        return String(decoding: bytes[lower..<(tail?.range.upperBound ?? upper)], as: UTF8.self).trimmingWhitespace()
    }

    /// A type as written between `start` and `end`, unquoted names folded to lower case as
    /// PostgreSQL folds them (`Mood` is the enum `mood`).
    package func typeSpan(_ start: Int, upTo end: Int) -> String {
        var text = ""
        var previousEnd: Int?
        for token in tokens where token.range.lowerBound >= start && token.range.upperBound <= end {
            if let previousEnd, previousEnd < token.range.lowerBound { text += " " }
            let spelled = self.spelled(token)
            text += token.kind == .identifier && !spelled.hasPrefix("\"") || token.keyword != .none ? spelled.lowercased() : spelled
            previousEnd = token.range.upperBound
        }
        return text
    }

    /// The end of the token starting at `offset`.
    package func after(_ offset: Int) -> Int { tokens.first { $0.range.lowerBound == offset }?.range.upperBound ?? offset }

    package func spelled(_ token: SQLToken) -> String { String(decoding: bytes[token.range], as: UTF8.self) }

    /// The first keyword `word` at parenthesis depth 0 from `start`, before `end`.
    package func keyword(_ word: String, after start: Int, before end: Int) -> Int? {
        var depth = 0
        for token in tokens where token.range.lowerBound >= start && token.range.lowerBound < end {
            let text = spelled(token)
            if text == "(" { depth += 1 } else if text == ")" { depth -= 1 }
            if depth == 0, token.keyword != .none, text.uppercased() == word { return token.range.lowerBound }
        }
        return nil
    }

    package func token(_ text: String, after start: Int, before end: Int) -> Int? {
        tokens.firstIndex { $0.range.lowerBound >= start && $0.range.lowerBound < end && spelled($0) == text }
    }

    package func matching(_ open: Int) -> Int? {
        var depth = 0
        for n in open..<tokens.count {
            let text = spelled(tokens[n])
            if text == "(" { depth += 1 } else if text == ")" { depth -= 1; if depth == 0 { return n } }
        }
        return nil
    }

    /// Where the clause starting at `start` ends: a `,` or `)` at depth 0, or `end`.
    package func clauseEnd(_ start: Int, _ end: Int) -> Int {
        var depth = 0
        for token in tokens where token.range.lowerBound >= start && token.range.lowerBound < end {
            let text = spelled(token)
            if text == "(" { depth += 1 } else if text == ")" { if depth == 0 { return token.range.lowerBound }; depth -= 1 }
            if depth == 0 && text == "," { return token.range.lowerBound }
        }
        return end
    }
}
