/// Which lock an operation takes on which table, per PostgreSQL's documentation.
enum LockAnalysis {
    static func lock(taken operation: Operation, before state: SchemaState) -> (Lock, QualifiedName)? {
        switch operation {
        case .dropTable(let t), .renameTable(let t, _), .addColumn(let t, _, _), .dropColumn(let t, _),
             .renameColumn(let t, _, _), .dropConstraint(let t, _, _), .renameConstraint(let t, _, _):
            return (.accessExclusive, t)
        case .alterColumn(let change):
            var structural = change
            structural.comment = nil
            // COMMENT ON takes SHARE UPDATE EXCLUSIVE only.
            return (structural.isEmpty ? .shareUpdateExclusive : .accessExclusive, change.table)
        case .rebuildEnum(_, _, _, let usages):
            return usages.first.map { (.accessExclusive, $0.table) }
        case .addConstraint(let t, let c):
            return (c.foreignKey != nil ? .shareRowExclusive : .accessExclusive, t)
        case .validateConstraint(let t, _):
            return (.shareUpdateExclusive, t)
        case .createIndex(let t, _, let concurrently):
            return (concurrently ? .shareUpdateExclusive : .share, t)
        case .dropIndex(let index, let concurrently, _):
            guard case .index(let owner) = state[.relation(index)] else { return nil }
            return (concurrently ? .shareUpdateExclusive : .accessExclusive, owner)
        case .renameIndex(let index, _):
            guard case .index(let owner) = state[.relation(index)] else { return nil }
            return (.shareUpdateExclusive, owner)
        default:
            return nil
        }
    }
}

/// Type facts the lint rules share.
enum TypeFacts {
    /// Resolves a type as written (`int8`, `varchar(20)`) to canonical form, or nil.
    static func resolve(_ type: SQLType, in state: SchemaState) -> SQLType? {
        if type.userType != nil { return type }
        if let canonical = SQLType.builtinAliases[type.base.asciiLowercased()] {
            return SQLType(base: canonical, modifiers: type.modifiers, arrayDepth: type.arrayDepth)
        }
        let name = QualifiedName(schema: defaultSchema, name: type.base)
        if state.enumType(name) != nil { return SQLType(base: name.description, modifiers: type.modifiers, arrayDepth: type.arrayDepth, userType: name) }
        return SQLType(base: type.base.asciiLowercased(), modifiers: type.modifiers, arrayDepth: type.arrayDepth)
    }

    static let integerWidth = ["smallint": 2, "integer": 4, "bigint": 8]

    /// Words that can appear in a cast's type name (`::character varying(20)`).
    static func isTypeWord(_ word: String) -> Bool {
        builtinWords.contains(word.lowercased())
    }
    private static let builtinWords: Set<String> = Set(SQLType.builtinAliases.keys.flatMap { $0.split(separator: " ").map(String.init) })

    /// No table rewrite: the new type is binary-coercible from the old (postgres-facts.md).
    static func isBinaryCoercible(from old: SQLType, to new: SQLType) -> Bool {
        if old == new { return true }
        guard old.arrayDepth == new.arrayDepth else { return false }
        let textual: Set<String> = ["text", "character varying"]
        switch (old.base, new.base) {
        case ("character varying", "character varying"):
            return new.modifiers.isEmpty || (old.modifiers.first.map { $0 <= new.modifiers[0] } ?? false)
        case (let a, "text") where textual.contains(a): return true
        case ("text", "character varying"): return new.modifiers.isEmpty
        case ("numeric", "numeric"):
            if new.modifiers.isEmpty { return true }
            guard old.modifiers.count >= 1, new.modifiers.count >= 1 else { return false }
            return new.modifiers[0] >= old.modifiers[0] && (new.modifiers.dropFirst().first ?? 0) == (old.modifiers.dropFirst().first ?? 0)
        case ("cidr", "inet"): return true
        default: return false
        }
    }

    /// Every value of the old type fits the new one unchanged.
    static func isWidening(from old: SQLType, to new: SQLType) -> Bool {
        if isBinaryCoercible(from: old, to: new) { return true }
        guard old.arrayDepth == new.arrayDepth else { return false }
        if let a = integerWidth[old.base], let b = integerWidth[new.base] { return b >= a }
        if let width = integerWidth[old.base], new.base == "numeric" {
            let digits = [2: 5, 4: 10, 8: 19][width]!
            return new.modifiers.isEmpty || new.modifiers[0] - (new.modifiers.dropFirst().first ?? 0) >= digits
        }
        switch (old.base, new.base) {
        case ("numeric", "numeric"):
            guard old.modifiers.count >= 1 else { return new.modifiers.isEmpty }
            guard new.modifiers.count >= 1 else { return true }
            let (p, s) = (old.modifiers[0], old.modifiers.dropFirst().first ?? 0)
            let (q, t) = (new.modifiers[0], new.modifiers.dropFirst().first ?? 0)
            return t >= s && q - t >= p - s
        case ("real", "double precision"), ("timestamp without time zone", "timestamp with time zone"),
             ("date", "timestamp without time zone"), ("date", "timestamp with time zone"):
            return true
        case ("character", "character varying"), ("character", "text"):
            return new.base == "text" || new.modifiers.isEmpty || (old.modifiers.first ?? 1) <= new.modifiers[0]
        case (_, "text") where old.userType != nil:
            return true
        default:
            return false
        }
    }

    /// Defaults PostgreSQL must evaluate per row, which forces a rewrite when adding a column.
    static func isVolatile(_ expression: String) -> Bool {
        let volatile: Set<String> = ["random", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v4", "clock_timestamp",
                                     "timeofday", "nextval"]
        let tokens = ExpressionLexer.tokens(expression)
        for (n, entry) in tokens.enumerated() {
            if case .identifier(let name, _) = entry.token, volatile.contains(name), n + 1 < tokens.count, tokens[n + 1].token == .other("(") {
                return true
            }
        }
        return false
    }
}

/// A USING that only restates the column, optionally cast, does not force a rewrite.
func isTrivialUsing(_ using: String?, column: String) -> Bool {
    guard let using else { return true }
    let tokens = ExpressionLexer.tokens(using).map(\.token)
    guard case .identifier(let name, let quoted)? = tokens.first, quoted ? name == column : name == column.asciiLowercased() else { return false }
    for token in tokens.dropFirst() {
        switch token {
        case .identifier(let word, _): if !TypeFacts.isTypeWord(word) { return false }
        case .other(let text): if !["::", ":", "(", ")", ",", "[", "]"].contains(text) { return false }
        case .constant: break
        }
    }
    return true
}

/// Raw SQL as statements of words, enough to spot DROP, TRUNCATE and unqualified DELETE.
/// Quoted text, dollar-quoted bodies and comments are skipped by the lexer.
enum SQLScan {
    struct Word: Equatable {
        /// Upper-cased unquoted word, or `·` for anything else.
        var text: String
        /// Parenthesis depth: 0 at the statement's own level.
        var depth: Int
    }

    static func statements(_ sql: String) -> [[String]] {
        words(sql).map { $0.map(\.text) }
    }

    static func words(_ sql: String) -> [[Word]] {
        var result: [[Word]] = [[]]
        var depth = 0
        for (token, _) in ExpressionLexer.tokens(sql) {
            switch token {
            case .other(";"): result.append([]); depth = 0
            case .other("("): depth += 1; result[result.count - 1].append(Word(text: "·", depth: depth))
            case .other(")"): result[result.count - 1].append(Word(text: "·", depth: depth)); depth = max(0, depth - 1)
            case .identifier(let word, false): result[result.count - 1].append(Word(text: word.uppercased(), depth: depth))
            case .identifier, .other, .constant: result[result.count - 1].append(Word(text: "·", depth: depth))
            }
        }
        return result.filter { !$0.isEmpty }
    }

    /// `ALTER TYPE name ADD VALUE [IF NOT EXISTS] 'v'` statements in raw SQL.
    static func addedEnumValues(_ sql: String) -> [EnumValueReference] {
        let tokens = ExpressionLexer.tokens(sql)
        var found: [EnumValueReference] = []
        for i in tokens.indices where i + 4 < tokens.count {
            guard tokens[i].token == .identifier("alter", quoted: false), tokens[i + 1].token == .identifier("type", quoted: false),
                  case .identifier(let name, _) = tokens[i + 2].token else { continue }
            var j = i + 3
            var schema = defaultSchema, typeName = name
            if tokens[j].token == .other("."), j + 1 < tokens.count, case .identifier(let second, _) = tokens[j + 1].token {
                schema = name
                typeName = second
                j += 2
            }
            guard j + 2 < tokens.count, tokens[j].token == .identifier("add", quoted: false), tokens[j + 1].token == .identifier("value", quoted: false) else { continue }
            j += 2
            if j + 2 < tokens.count, tokens[j].token == .identifier("if", quoted: false) { j += 3 }
            guard j < tokens.count, tokens[j].token == .constant else { continue }
            let literal = sql[tokens[j].range]
            guard literal.hasPrefix("'"), literal.hasSuffix("'"), literal.count >= 2 else { continue }
            let value = literal.dropFirst().dropLast().replacingOccurrences(of: "''", with: "'")
            found.append(EnumValueReference(type: QualifiedName(schema: schema, name: typeName), value: value))
        }
        return found
    }

    /// The statement's verb at its own level: after a leading `WITH ...` clause, the first
    /// of SELECT, INSERT, UPDATE, DELETE at depth 0.
    static func verb(_ words: [Word]) -> String? {
        guard let first = words.first?.text else { return nil }
        guard first == "WITH" else { return first }
        return words.dropFirst().first { $0.depth == 0 && ["SELECT", "INSERT", "UPDATE", "DELETE", "MERGE"].contains($0.text) }?.text
    }
}

/// Whether a check expression proves `column IS NOT NULL`: one of its top-level AND
/// conjuncts is exactly that (parentheses and quoting aside), as PostgreSQL's implication
/// test accepts it for skipping the SET NOT NULL scan.
func provesNotNull(_ expression: String, column: String) -> Bool {
    var tokens = ExpressionLexer.tokens(expression).map(\.token)
    while tokens.first == .other("("), tokens.last == .other(")") { tokens = Array(tokens.dropFirst().dropLast()) }
    var conjuncts: [[ExpressionLexer.Token]] = [[]]
    var depth = 0
    for token in tokens {
        if token == .other("(") { depth += 1 } else if token == .other(")") { depth -= 1 }
        if depth == 0, case .identifier("and", false) = token { conjuncts.append([]); continue }
        conjuncts[conjuncts.count - 1].append(token)
    }
    return conjuncts.contains { part in
        var part = part
        while part.first == .other("("), part.last == .other(")") { part = Array(part.dropFirst().dropLast()) }
        guard part.count == 4, case .identifier(let name, let quoted) = part[0], quoted ? name == column : name == column.asciiLowercased() else { return false }
        return part[1] == .identifier("is", quoted: false) && part[2] == .identifier("not", quoted: false) && part[3] == .identifier("null", quoted: false)
    }
}

extension Table {
    /// A validated check constraint proves the column holds no NULL.
    func hasValidatedNotNullCheck(_ column: String) -> Bool {
        constraints.contains { c in
            guard case .check(let e) = c.kind, !c.notValid else { return false }
            return provesNotNull(e, column: column)
        }
    }
}
