/// One SQL expression as PostgreSQL parses it (a default, a check, an index expression or
/// predicate, a `USING`): its text, its tree, and the facts Retort reads off the tree.
public struct SQLExpression: Hashable, Sendable {
    /// A column a reference names, and where the name (the last part, `a` of `t.a`) is
    /// in the expression's text (byte offsets).
    public struct ColumnReference: Hashable, Sendable {
        public var name: String
        public var qualified: Bool
        public var range: Range<Int>
    }

    public let text: String
    /// The expression node (what `SELECT <text>` holds as its one target).
    public let tree: SQLNode
    public let columnReferences: [ColumnReference]
    /// String constants with their values and the byte range of their tokens.
    public let stringConstants: [(value: String, range: Range<Int>)]

    public static func == (a: SQLExpression, b: SQLExpression) -> Bool { a.text == b.text }
    public func hash(into hasher: inout Hasher) { hasher.combine(text) }

    private static let prefix = "SELECT "
    private static let memo = ParseMemo<SQLExpression>()

    /// Parses `text` as exactly one expression, or says why it is not one.
    public static func parse(_ text: String, as slot: SQLSlot = .check) throws(SQLFragmentError) -> SQLExpression {
        do { return try memo.value(text, make) } catch {
            var named = error
            named.message = error.message.replacingOccurrences(of: "{slot}", with: slot.phrase)
            throw named
        }
    }

    /// The parsed expression, or nil when `text` is not one (never the case for text that
    /// passed the reader's checks).
    public static func parsed(_ text: String) -> SQLExpression? { try? parse(text) }

    private static func make(_ text: String) throws(SQLFragmentError) -> SQLExpression {
        let length = text.utf8.count
        if text.trimmingWhitespace().isEmpty {
            throw SQLFragmentError(id: "sql-slot", message: "{slot} must be one expression; this one is empty", offset: 0)
        }
        let statements: [ParsedStatement]
        do { statements = try SQLParser.parse(prefix + text) } catch {
            throw SQLFragment.syntax(error, shift: prefix.utf8.count, length: length)
        }
        let shift = prefix.utf8.count
        guard statements.count == 1 else {
            let second = statements.dropFirst().first.map { $0.range.lowerBound - shift } ?? 0
            throw SQLFragmentError(id: "sql-slot", message: "{slot} must be one expression; this one holds \(SQLFragment.count(statements.count, "statement"))",
                                   offset: max(0, second))
        }
        guard let select = statements[0].node.node("SelectStmt") else {
            throw SQLFragmentError(id: "sql-slot", message: "{slot} must be one expression", offset: 0)
        }
        let targets = select["targetList"]?.array ?? []
        let extra = select.fields.keys.filter { !["targetList", "limitOption", "op"].contains($0) }.sorted()
        if targets.count != 1 {
            let second = targets.dropFirst().first?.node("ResTarget")?["location"]?.int.map { $0 - shift } ?? 0
            throw SQLFragmentError(id: "sql-slot", message: "{slot} must be one expression; this one holds \(SQLFragment.count(targets.count, "expression"))",
                                   offset: max(0, second))
        }
        let target = targets[0].node("ResTarget") ?? .null
        let tokens: [SQLToken]
        do { tokens = try SQLParser.scan(text) } catch { throw SQLFragment.syntax(error, shift: 0, length: length) }
        if !extra.isEmpty || target["name"] != nil {
            let clause = target["name"] != nil ? "AS" : (extra.map(clauseName).min { a, b in
                (keywordOffset(a, in: text, tokens) ?? .max) < (keywordOffset(b, in: text, tokens) ?? .max)
            } ?? "a clause")
            // An alias may come without AS: then it is the last token.
            let at = keywordOffset(clause, in: text, tokens) ?? (clause == "AS" ? tokens.last(where: { !$0.isComment })?.range.lowerBound : nil) ?? 0
            throw SQLFragmentError(id: "sql-slot", message: "{slot} must be one expression; this one goes on with \(clause)", offset: at)
        }
        if let comment = tokens.first(where: { $0.kind == .lineComment }) {
            throw SQLFragmentError(id: "sql-comment", message: "{slot} cannot hold a -- comment: it would swallow the SQL printed after it (use /* ... */)",
                                   offset: comment.range.lowerBound)
        }
        let tree = shifted(target["val"] ?? .null, by: -shift)
        return SQLExpression(text: text, tree: tree, tokens: tokens)
    }

    /// Where the first keyword of `clause` (`FROM`, `GROUP BY`) is among the tokens.
    private static func keywordOffset(_ clause: String, in text: String, _ tokens: [SQLToken]) -> Int? {
        let word = clause.split(separator: " ").first.map(String.init) ?? clause
        let bytes = Array(text.utf8)
        return tokens.first { token in
            token.keyword != .none && String(decoding: bytes[token.range], as: UTF8.self).uppercased() == word
        }?.range.lowerBound
    }

    private static func clauseName(_ field: String) -> String {
        switch field {
        case "fromClause": "FROM"
        case "whereClause": "WHERE"
        case "groupClause": "GROUP BY"
        case "havingClause": "HAVING"
        case "sortClause": "ORDER BY"
        case "limitCount", "limitOffset": "LIMIT"
        case "distinctClause": "DISTINCT"
        case "intoClause": "INTO"
        case "lockingClause": "FOR UPDATE"
        case "windowClause": "WINDOW"
        default: "more than an expression"
        }
    }

    private init(text: String, tree: SQLNode, tokens: [SQLToken]) {
        self.text = text
        self.tree = tree
        let real = tokens.filter { !$0.isComment }
        var references: [ColumnReference] = []
        var constants: [(String, Range<Int>)] = []
        tree.walk { tag, body in
            switch tag {
            case "ColumnRef":
                let fields = body["fields"]?.array ?? []
                guard let last = fields.last?.stringValue, let at = body["location"]?.int,
                      let first = real.firstIndex(where: { $0.range.lowerBound == at }) else { return }
                let index = first + 2 * (fields.count - 1)
                guard index < real.count else { return }
                references.append(ColumnReference(name: last, qualified: fields.count > 1, range: real[index].range))
            case "A_Const":
                guard let value = body["sval"]?["sval"]?.string ?? (body["sval"] != nil ? "" : nil),
                      let at = body["location"]?.int,
                      let token = real.first(where: { $0.range.lowerBound == at }) else { return }
                // The token's range covers the whole constant, `E'…'` and `U&'…'` prefixes included.
                constants.append((value, token.range))
            default:
                break
            }
        }
        references.sort { $0.range.lowerBound < $1.range.lowerBound }
        constants.sort { $0.1.lowerBound < $1.1.lowerBound }
        self.columnReferences = references
        self.stringConstants = constants
    }

    /// Every `location` moved by `delta`, so positions count from the expression's start.
    static func shifted(_ node: SQLNode, by delta: Int) -> SQLNode {
        switch node {
        case .object(let fields):
            var result: [String: SQLNode] = [:]
            for (key, value) in fields {
                if key == "location", case .int(let n) = value, n >= 0 { result[key] = .int(n + delta) } else { result[key] = shifted(value, by: delta) }
            }
            return .object(result)
        case .array(let items):
            return .array(items.map { shifted($0, by: delta) })
        default:
            return node
        }
    }

    // MARK: - Facts

    /// The names of the columns referred to, with repetitions, in order of position.
    public var columnNames: [String] { columnReferences.map(\.name) }

    /// The columns of `columns` referred to, in order of first appearance.
    public func columns(among columns: [String]) -> [String] {
        var seen: [String] = []
        for name in columnNames where columns.contains(name) && !seen.contains(name) { seen.append(name) }
        return seen
    }

    /// The text with the references chosen by `replacement` respelled.
    public func replacingReferences(_ replacement: (ColumnReference) -> String?) -> String {
        var bytes = Array(text.utf8)
        for reference in columnReferences.reversed() {
            guard let spelled = replacement(reference) else { continue }
            bytes.replaceSubrange(reference.range, with: Array(spelled.utf8))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The text with its references to `columns` spelled as `quote_ident` spells them, so
    /// that renaming a column and renaming it back gives the text back.
    public func canonicalizingReferences(to columns: [String]) -> String {
        let bytes = Array(text.utf8)
        return replacingReferences { reference in
            guard columns.contains(reference.name) else { return nil }
            let spelled = Quoting.identifier(reference.name)
            return String(decoding: bytes[reference.range], as: UTF8.self) == spelled ? nil : spelled
        }
    }

    /// The text with every reference to column `from` renamed to `quotedTo`.
    public func renamingColumn(from: String, to quotedTo: String) -> String {
        replacingReferences { $0.name == from ? quotedTo : nil }
    }

    /// Where the first subquery starts, if the expression holds one.
    public var subqueryOffset: Int? {
        var first: Int?
        tree.walk { tag, body in
            if tag == "SubLink", let at = body["location"]?.int { first = min(first ?? at, at) }
        }
        return first
    }

    /// The unqualified names of the functions called, in tree order.
    public var functionNames: [String] {
        var names: [String] = []
        tree.walk { tag, body in
            if tag == "FuncCall", let name = body["funcname"]?.names.last { names.append(name) }
        }
        return names
    }

    /// The text with its string constant renamed from `from` to `to`, when the whole
    /// expression is that constant, optionally cast (`'active'`, `'active'::status`): the
    /// shape of an enum column's default. Nil when it is anything else.
    public func renamingLiteral(from: String, to: String) -> String? {
        var node = tree
        while let cast = node.node("TypeCast"), let arg = cast["arg"] { node = arg }
        guard node.node("A_Const") != nil, stringConstants.count == 1, stringConstants[0].value == from else { return nil }
        var bytes = Array(text.utf8)
        bytes.replaceSubrange(stringConstants[0].range, with: Array(Quoting.literal(to).utf8))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether a string constant's value is `value`.
    public func containsString(_ value: String) -> Bool { stringConstants.contains { $0.value == value } }

    /// Whether the expression is `column`, possibly cast any number of times.
    public func isCast(of column: String) -> Bool {
        var node = tree
        while let cast = node.node("TypeCast"), let arg = cast["arg"] { node = arg }
        while let collate = node.node("CollateClause"), let arg = collate["arg"] { node = arg }
        guard let ref = node.node("ColumnRef") else { return false }
        return ref["fields"]?.names == [column]
    }

    /// Whether one of the top-level `AND` conjuncts is `column IS NOT NULL`, the form
    /// PostgreSQL's implication test accepts for skipping the `SET NOT NULL` scan.
    public func provesNotNull(_ column: String) -> Bool {
        func conjuncts(_ node: SQLNode) -> [SQLNode] {
            if let bool = node.node("BoolExpr"), bool["boolop"]?.string == "AND_EXPR" {
                return (bool["args"]?.array ?? []).flatMap(conjuncts)
            }
            return [node]
        }
        return conjuncts(tree).contains { part in
            guard let test = part.node("NullTest"), test["nulltesttype"]?.string == "IS_NOT_NULL",
                  let ref = test["arg"]?.node("ColumnRef") else { return false }
            return ref["fields"]?.names == [column]
        }
    }

    /// The structure of the expression without positions: equal for two spellings that
    /// PostgreSQL reads the same (whitespace, keyword case, redundant parentheses).
    public var structure: SQLNode { tree.withoutLocations }

    /// The name PostgreSQL gives an index column computed by this expression
    /// (`FigureIndexColname`), `expr` when the expression names nothing.
    public var indexColumnName: String { Self.figure(tree)?.name ?? "expr" }

    /// `FigureColnameInternal` of PostgreSQL's parse_target.c: a name and its strength (2
    /// for a column or function name, 1 for a fallback such as `case` or a cast's type).
    static func figure(_ node: SQLNode) -> (name: String, strength: Int)? {
        guard let (tag, body) = node.tagged else { return nil }
        switch tag {
        case "ColumnRef":
            guard let last = body["fields"]?.array.last?.stringValue else { return nil }
            return (last, 2)
        case "A_Indirection":
            if let last = body["indirection"]?.array.last?.stringValue { return (last, 2) }
            return body["arg"].flatMap(figure)
        case "FuncCall":
            return body["funcname"]?.names.last.map { ($0, 2) }
        case "A_Expr":
            return body["kind"]?.string == "AEXPR_NULLIF" ? ("nullif", 2) : nil
        case "TypeCast":
            let inner = body["arg"].flatMap(figure)
            if let inner, inner.strength > 1 { return inner }
            if let name = body["typeName"]?["names"]?.names.last { return (name, 1) }
            return inner
        case "CollateClause":
            return body["arg"].flatMap(figure)
        case "GroupingFunc":
            return ("grouping", 2)
        case "SubLink":
            switch body["subLinkType"]?.string {
            case "EXISTS_SUBLINK": return ("exists", 2)
            case "ARRAY_SUBLINK": return ("array", 2)
            case "EXPR_SUBLINK", "MULTIEXPR_SUBLINK":
                let target = body["subselect"]?.node("SelectStmt")?["targetList"]?.array.first?.node("ResTarget")
                if let name = target?["name"]?.string { return (name, 2) }
                return target?["val"].flatMap(figure)
            default: return nil
            }
        case "CaseExpr":
            if let result = body["defresult"].flatMap(figure), result.strength > 1 { return result }
            return ("case", 1)
        case "A_ArrayExpr": return ("array", 2)
        case "RowExpr": return ("row", 2)
        case "CoalesceExpr": return ("coalesce", 2)
        case "MinMaxExpr": return (body["op"]?.string == "IS_GREATEST" ? "greatest" : "least", 2)
        case "SQLValueFunction":
            let names = ["SVFOP_CURRENT_DATE": "current_date", "SVFOP_CURRENT_TIME": "current_time", "SVFOP_CURRENT_TIME_N": "current_time",
                         "SVFOP_CURRENT_TIMESTAMP": "current_timestamp", "SVFOP_CURRENT_TIMESTAMP_N": "current_timestamp",
                         "SVFOP_LOCALTIME": "localtime", "SVFOP_LOCALTIME_N": "localtime", "SVFOP_LOCALTIMESTAMP": "localtimestamp",
                         "SVFOP_LOCALTIMESTAMP_N": "localtimestamp", "SVFOP_CURRENT_ROLE": "current_role", "SVFOP_CURRENT_USER": "current_user",
                         "SVFOP_USER": "user", "SVFOP_SESSION_USER": "session_user", "SVFOP_CURRENT_CATALOG": "current_catalog",
                         "SVFOP_CURRENT_SCHEMA": "current_schema"]
            return body["op"]?.string.flatMap { names[$0] }.map { ($0, 2) }
        case "XmlExpr":
            let names = ["IS_XMLCONCAT": "xmlconcat", "IS_XMLELEMENT": "xmlelement", "IS_XMLFOREST": "xmlforest", "IS_XMLPARSE": "xmlparse",
                         "IS_XMLPI": "xmlpi", "IS_XMLROOT": "xmlroot", "IS_XMLSERIALIZE": "xmlserialize", "IS_DOCUMENT": nil]
            return body["op"]?.string.flatMap { names[$0] ?? nil }.map { ($0, 2) }
        case "XmlSerialize":
            return ("xmlserialize", 2)
        default:
            return nil
        }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var view = Substring(self)
        while let c = view.first, c.isWhitespace { view.removeFirst() }
        while let c = view.last, c.isWhitespace { view.removeLast() }
        return String(view)
    }
}
