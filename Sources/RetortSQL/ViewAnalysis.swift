/// A relation as a query names it, resolved: its schema, its name and its columns in order.
public struct CatalogRelation: Hashable, Sendable {
    public var schema: String
    public var name: String
    public var columns: [String]

    public init(schema: String, name: String, columns: [String]) {
        self.schema = schema
        self.name = name
        self.columns = columns
    }
}

/// What a view's query uses, from its parse tree: the relations it reads and, for each,
/// the columns, with PostgreSQL's scoping (aliases, joins, subqueries, CTEs, `*`).
public struct ViewUse: Hashable, Sendable, Comparable {
    public var schema: String
    public var name: String
    public var columns: [String]

    public static func < (a: ViewUse, b: ViewUse) -> Bool { (a.schema, a.name) < (b.schema, b.name) }
}

/// The result of reading a view body against the relations it names.
public struct ViewAnalysis: Hashable, Sendable {
    /// The body as PostgreSQL stores it: `*` expanded into the columns it meant when the
    /// view was created, column and relation names spelled as `quote_ident` spells them,
    /// and the renames asked for applied (an output column keeps its name with `AS`).
    public var text: String
    public var uses: [ViewUse]
    /// The view's output column names, in order.
    public var columns: [String]
}

/// A rename to follow into a view body.
public enum ViewRename: Sendable {
    case column(schema: String, table: String, from: String, to: String)
    case relation(schema: String, from: String, to: String)
}

extension SQLQuery {
    /// Reads the body against `lookup` (a relation by schema, or nil for the search path,
    /// and name; nil when it names none Retort knows) and applies `rename` if given.
    public func analyze(rename: ViewRename? = nil, lookup: @escaping (String?, String) -> CatalogRelation?) -> ViewAnalysis {
        var walker = ViewWalker(text: text, lookup: lookup, rename: rename)
        let columns = walker.query(tree, outer: [], ctes: [:])
        return ViewAnalysis(text: walker.rewritten(), uses: walker.uses(), columns: columns)
    }
}

/// One pass over a query tree with the scopes PostgreSQL would build.
private struct ViewWalker {
    struct Source {
        var alias: String
        var relation: CatalogRelation?
        /// Known output columns (nil when unknown: a function, a subquery Retort cannot name).
        var columns: [String]?
        /// Named by its relation name rather than an alias, so a relation rename renames qualifiers too.
        var bare: Bool
        /// Part of a join that merges columns (`USING`, `NATURAL`): `*` cannot be spelled out
        /// as a list of the sides' columns.
        var merged = false
    }

    let bytes: [UInt8]
    let tokens: [SQLToken]
    let lookup: (String?, String) -> CatalogRelation?
    let rename: ViewRename?
    var used: [String: (schema: String, name: String, columns: [String])] = [:]
    var edits: [(range: Range<Int>, text: String)] = []
    /// Where the edits made for `rename` start (the others only respell names).
    var renamedAt: Set<Int> = []

    init(text: String, lookup: @escaping (String?, String) -> CatalogRelation?, rename: ViewRename?) {
        self.bytes = Array(text.utf8)
        self.tokens = ((try? SQLParser.scan(text)) ?? []).filter { !$0.isComment }
        self.lookup = lookup
        self.rename = rename
    }

    func uses() -> [ViewUse] {
        used.values.map { ViewUse(schema: $0.schema, name: $0.name, columns: $0.columns) }.sorted()
    }

    func rewritten() -> String {
        var result = bytes
        for edit in edits.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) {
            result.replaceSubrange(edit.range, with: Array(edit.text.utf8))
        }
        return String(decoding: result, as: UTF8.self)
    }

    func tokenIndex(at offset: Int?) -> Int? {
        guard let offset else { return nil }
        return tokens.firstIndex { $0.range.lowerBound == offset }
    }

    func spelled(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    mutating func edit(_ range: Range<Int>, _ text: String) {
        guard spelled(range) != text, !edits.contains(where: { $0.range.overlaps(range) }) else { return }
        edits.append((range, text))
    }

    mutating func record(_ relation: CatalogRelation, column: String?) {
        let key = relation.schema + "." + relation.name
        var entry = used[key] ?? (relation.schema, relation.name, [])
        if let column, !entry.columns.contains(column) { entry.columns.append(column); entry.columns.sort() }
        used[key] = entry
    }

    // MARK: - Queries

    /// Walks a query (`SelectStmt` body or tagged node); returns its output column names.
    mutating func query(_ node: SQLNode, outer: [[Source]], ctes: [String: [String]?]) -> [String] {
        let body = node.node("SelectStmt") ?? node
        var ctes = ctes
        for cte in body["withClause"]?["ctes"]?.array ?? [] {
            guard let c = cte.node("CommonTableExpr"), let name = c["ctename"]?.string else { continue }
            let recursive = body["withClause"]?["recursive"]?.bool ?? false
            if recursive { ctes[name] = .some(nil) }
            let columns = c["ctequery"].map { query($0, outer: outer, ctes: ctes) }
            let aliases = c["aliascolnames"]?.names ?? []
            ctes[name] = .some(aliases.isEmpty ? columns : aliases)
        }
        if let op = body["op"]?.string, op != "SETOP_NONE" {
            let left = body["larg"].map { query($0, outer: outer, ctes: ctes) } ?? []
            if let right = body["rarg"] { _ = query(right, outer: outer, ctes: ctes) }
            for sort in body["sortClause"]?.array ?? [] { expression(sort, scopes: outer, ctes: ctes) }
            return left
        }
        for row in body["valuesLists"]?.array ?? [] { expression(row, scopes: outer, ctes: ctes) }
        if let rows = body["valuesLists"]?.array, let first = rows.first {
            return (1...max(1, first.node("List")?["items"]?.array.count ?? first.array.count)).map { "column\($0)" }
        }
        var sources: [Source] = []
        for item in body["fromClause"]?.array ?? [] {
            sources += fromItem(item, outer: outer, ctes: ctes, lateral: sources)
        }
        let scopes = [sources] + outer
        var output: [String] = []
        let targets = body["targetList"]?.array ?? []
        for (n, target) in targets.enumerated() {
            guard let t = target.node("ResTarget") else { continue }
            let next = n + 1 < targets.count ? targets[n + 1].node("ResTarget")?["location"]?.int : nil
            if let ref = t["val"]?.node("ColumnRef"), ref["fields"]?.array.last?.node("A_Star") != nil {
                output += star(ref, sources: sources)
                continue
            }
            if let val = t["val"] { expression(val, scopes: scopes, ctes: ctes) }
            if let name = t["name"]?.string {
                output.append(name)
                collapseAlias(t, name: name, next: next)
            } else {
                let name = t["val"].flatMap(SQLExpression.figure)?.name ?? "?column?"
                output.append(name)
                keepOutputName(t, name: name, next: next)
            }
        }
        for clause in ["whereClause", "groupClause", "havingClause", "windowClause", "distinctClause", "limitCount", "limitOffset"] {
            if let value = body[clause] { expression(value, scopes: scopes, ctes: ctes) }
        }
        // ORDER BY a bare name means the output column of that name first, as PostgreSQL reads it.
        for sort in body["sortClause"]?.array ?? [] {
            if let ref = sort.node("SortBy")?["node"]?.node("ColumnRef"), let fields = ref["fields"]?.array, fields.count == 1,
               let name = fields[0].stringValue, output.contains(name) { continue }
            expression(sort, scopes: scopes, ctes: ctes)
        }
        return output
    }

    /// An output column named after a renamed column (`name`, `name::text`) keeps its
    /// output name: ` AS old` goes after the target's last token.
    mutating func keepOutputName(_ target: SQLNode, name: String, next: Int?) {
        guard case .column(_, _, let from, _)? = rename, name == from, let start = target["location"]?.int else { return }
        let end = targetEnd(from: start, next: next)
        guard renamedAt.contains(where: { $0 >= start && $0 < end }),
              let last = tokens.last(where: { $0.range.upperBound <= end && $0.range.lowerBound >= start }) else { return }
        edits.append((last.range.upperBound..<last.range.upperBound, " AS " + Quoting.identifier(from)))
    }

    /// Where a target-list entry starting at `start` ends: before the next entry's `,`, or
    /// before the clause keyword or `)` that ends the list.
    func targetEnd(from start: Int, next: Int?) -> Int {
        if let next { return tokens.last { $0.range.upperBound <= next && spelled($0.range) == "," }?.range.lowerBound ?? next }
        let clauses: Set<String> = ["FROM", "WHERE", "GROUP", "HAVING", "WINDOW", "ORDER", "LIMIT", "OFFSET", "UNION", "INTERSECT", "EXCEPT", "FETCH", "FOR", "INTO"]
        var depth = 0
        for token in tokens where token.range.lowerBound >= start {
            let text = spelled(token.range)
            if text == "(" || text == "[" { depth += 1 } else if text == ")" || text == "]" { if depth == 0 { return token.range.lowerBound }; depth -= 1 }
            if depth == 0, token.keyword == .reserved, clauses.contains(text.uppercased()) { return token.range.lowerBound }
            if depth == 0, text == ";" { return token.range.lowerBound }
        }
        return bytes.count
    }

    /// `old AS new` renamed to `new AS new` reads `new`: a rename and its inverse give the
    /// text back. The alias goes when the target renamed a column to the name it gives.
    mutating func collapseAlias(_ target: SQLNode, name: String, next: Int?) {
        guard case .column(_, _, _, let to)? = rename, name == to, let start = target["location"]?.int else { return }
        let end = targetEnd(from: start, next: next)
        let inside = tokens.filter { $0.range.lowerBound >= start && $0.range.upperBound <= end }
        guard inside.count >= 3, renamedAt.contains(where: { $0 >= start && $0 < end }) else { return }
        let alias = inside[inside.count - 1]
        var cut = inside.count - 1
        if spelled(inside[cut - 1].range).uppercased() == "AS" { cut -= 1 }
        guard cut >= 1, spelled(alias.range) == Quoting.identifier(to) || spelled(alias.range).lowercased() == to else { return }
        // The result must still name the column `to`: PostgreSQL's name for the expression.
        let expression = String(decoding: bytes[start..<inside[cut - 1].range.upperBound], as: UTF8.self)
        guard let renamedName = renamedFigure(expression, start: start), renamedName == to else { return }
        edits.append((inside[cut - 1].range.upperBound..<alias.range.upperBound, ""))
    }

    /// The name PostgreSQL gives the expression at `start` once the pending edits are applied.
    func renamedFigure(_ expression: String, start: Int) -> String? {
        var text = Array(expression.utf8)
        for edit in edits.sorted(by: { $0.range.lowerBound > $1.range.lowerBound })
        where edit.range.lowerBound >= start && edit.range.upperBound <= start + text.count {
            text.replaceSubrange((edit.range.lowerBound - start)..<(edit.range.upperBound - start), with: Array(edit.text.utf8))
        }
        return SQLExpression.parsed(String(decoding: text, as: UTF8.self)).flatMap { SQLExpression.figure($0.tree)?.name }
    }

    mutating func fromItem(_ item: SQLNode, outer: [[Source]], ctes: [String: [String]?], lateral: [Source]) -> [Source] {
        guard let (tag, body) = item.tagged else { return [] }
        switch tag {
        case "RangeVar":
            let name = body["relname"]?.string ?? ""
            let schema = body["schemaname"]?.string
            let alias = body["alias"]?["aliasname"]?.string
            let aliasColumns = body["alias"]?["colnames"]?.names ?? []
            if schema == nil, let cte = ctes[name] {
                return [Source(alias: alias ?? name, relation: nil, columns: aliasColumns.isEmpty ? cte : aliasColumns, bare: false)]
            }
            guard let relation = lookup(schema, name) else { return [Source(alias: alias ?? name, relation: nil, columns: nil, bare: false)] }
            record(relation, column: nil)
            respellRelation(body, relation)
            var columns = relation.columns
            for (n, given) in aliasColumns.enumerated() where n < columns.count { columns[n] = given }
            return [Source(alias: alias ?? relation.name, relation: relation, columns: aliasColumns.isEmpty ? relation.columns : columns, bare: alias == nil)]
        case "JoinExpr":
            var sources = body["larg"].map { fromItem($0, outer: outer, ctes: ctes, lateral: lateral) } ?? []
            sources += body["rarg"].map { fromItem($0, outer: outer, ctes: ctes, lateral: lateral + sources) } ?? []
            for name in body["usingClause"]?.names ?? [] {
                for source in sources where source.columns?.contains(name) == true {
                    if let relation = source.relation { record(relation, column: name) }
                }
            }
            if let quals = body["quals"] { expression(quals, scopes: [sources] + outer, ctes: ctes) }
            if body["usingClause"] != nil || body["isNatural"].bool {
                for i in sources.indices { sources[i].merged = true }
            }
            if let alias = body["alias"]?["aliasname"]?.string {
                // An aliased join hides the names inside it.
                return [Source(alias: alias, relation: nil, columns: nil, bare: false, merged: true)]
            }
            return sources
        case "RangeSubselect":
            let scopes = body["lateral"]?.bool == true ? [lateral] + outer : outer
            let columns = body["subquery"].map { query($0, outer: scopes, ctes: ctes) }
            let alias = body["alias"]?["aliasname"]?.string ?? ""
            let given = body["alias"]?["colnames"]?.names ?? []
            return [Source(alias: alias, relation: nil, columns: given.isEmpty ? columns : given, bare: false)]
        case "RangeFunction":
            expression(item, scopes: [lateral] + outer, ctes: ctes)
            let alias = body["alias"]?["aliasname"]?.string ?? ""
            let given = body["alias"]?["colnames"]?.names ?? []
            return [Source(alias: alias, relation: nil, columns: given.isEmpty ? nil : given, bare: false)]
        default:
            expression(item, scopes: [lateral] + outer, ctes: ctes)
            return []
        }
    }

    /// The relation's name token, spelled canonically or renamed.
    mutating func respellRelation(_ rangeVar: SQLNode, _ relation: CatalogRelation) {
        guard let first = tokenIndex(at: rangeVar["location"]?.int) else { return }
        let index = rangeVar["schemaname"] != nil ? first + 2 : first
        guard index < tokens.count else { return }
        var name = relation.name
        if case .relation(let schema, let from, let to)? = rename, schema == relation.schema, from == relation.name { name = to }
        edit(tokens[index].range, Quoting.identifier(name))
    }

    /// `*` or `a.*` in a target list: the columns it stands for, spelled out.
    mutating func star(_ ref: SQLNode, sources: [Source]) -> [String] {
        let fields = ref["fields"]?.array ?? []
        let qualifier = fields.count > 1 ? fields[fields.count - 2].stringValue : nil
        // Every FROM item counts for a bare `*`: one whose columns are unknown keeps it as written.
        let chosen = qualifier.map { q in sources.filter { $0.alias == q } } ?? sources
        var names: [String] = []
        var parts: [String] = []
        var expandable = true
        for source in chosen {
            if source.merged { expandable = false }
            guard let columns = source.columns else { expandable = false; continue }
            for column in columns {
                if let relation = source.relation { record(relation, column: column) }
                names.append(column)
                let qualify = chosen.count > 1 || qualifier != nil
                parts.append((qualify ? Quoting.identifier(source.alias) + "." : "") + Quoting.identifier(column))
            }
        }
        guard expandable, !parts.isEmpty, let first = tokenIndex(at: ref["location"]?.int) else { return names }
        let last = first + 2 * (fields.count - 1)
        guard last < tokens.count else { return names }
        edit(tokens[first].range.lowerBound..<tokens[last].range.upperBound, parts.joined(separator: ", "))
        return names
    }

    // MARK: - Expressions

    mutating func expression(_ node: SQLNode, scopes: [[Source]], ctes: [String: [String]?]) {
        switch node {
        case .object(let fields):
            if let (tag, body) = node.tagged {
                switch tag {
                case "ColumnRef":
                    columnRef(body, scopes: scopes)
                    return
                case "SelectStmt":
                    _ = query(node, outer: scopes, ctes: ctes)
                    return
                default:
                    break
                }
            }
            for key in fields.keys.sorted() { expression(fields[key]!, scopes: scopes, ctes: ctes) }
        case .array(let items):
            for item in items { expression(item, scopes: scopes, ctes: ctes) }
        default:
            break
        }
    }

    mutating func columnRef(_ ref: SQLNode, scopes: [[Source]]) {
        let fields = ref["fields"]?.array ?? []
        let names = fields.compactMap(\.stringValue)
        guard names.count == fields.count, let column = names.last else { return }
        var found: Source?
        if names.count == 1 {
            for level in scopes {
                let matches = level.filter { $0.columns?.contains(column) == true }
                if !matches.isEmpty { found = matches.count == 1 ? matches[0] : nil; break }
            }
        } else {
            let qualifier = names[names.count - 2]
            let schema = names.count > 2 ? names[names.count - 3] : nil
            for level in scopes {
                if let match = level.first(where: { $0.alias == qualifier && (schema == nil || $0.relation?.schema == schema) }) { found = match; break }
            }
        }
        guard let source = found, let relation = source.relation, source.columns?.contains(column) == true,
              let first = tokenIndex(at: ref["location"]?.int) else { return }
        let realColumn = source.columns == relation.columns ? column : (source.columns!.firstIndex(of: column).map { relation.columns[$0] } ?? column)
        record(relation, column: realColumn)
        let last = first + 2 * (fields.count - 1)
        guard last < tokens.count else { return }
        // The qualifier of a relation named without an alias follows a relation rename.
        if names.count > 1, source.bare, case .relation(let schema, let from, let to)? = rename, schema == relation.schema, from == relation.name {
            edit(tokens[last - 2].range, Quoting.identifier(to))
        }
        guard source.columns == relation.columns else { return }
        var name = column
        if case .column(let schema, let table, let from, let to)? = rename, schema == relation.schema, table == relation.name, from == column {
            name = to
            renamedAt.insert(tokens[last].range.lowerBound)
        }
        edit(tokens[last].range, Quoting.identifier(name))
    }
}
