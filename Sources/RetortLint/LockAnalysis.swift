import RetortSQL
import RetortModel
import RetortState
import RetortRendering
/// Which lock an operation takes on which table, per PostgreSQL's documentation.
package enum LockAnalysis {
    package static func lock(taken operation: Operation, before state: SchemaState) -> (Lock, QualifiedName)? {
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
            guard case .index(let owner) = state.names.relation(index) else { return nil }
            return (concurrently ? .shareUpdateExclusive : .accessExclusive, owner)
        case .renameIndex(let index, _):
            guard case .index(let owner) = state.names.relation(index) else { return nil }
            return (.shareUpdateExclusive, owner)
        default:
            return nil
        }
    }
}

/// Type facts the lint rules share.
package enum TypeFacts {
    /// Resolves a type as written (`int8`, `varchar(20)`) to canonical form, or nil.
    package static func resolve(_ type: SQLType, in state: SchemaState) -> SQLType? {
        if type.userType != nil { return type }
        if let canonical = SQLType.builtinAliases[type.base.asciiLowercased()] {
            return SQLType(base: canonical, modifiers: type.modifiers, arrayDepth: type.arrayDepth)
        }
        let name = QualifiedName(schema: defaultSchema, name: type.base)
        if state.enumType(name) != nil { return SQLType(base: name.description, modifiers: type.modifiers, arrayDepth: type.arrayDepth, userType: name) }
        return SQLType(base: type.base.asciiLowercased(), modifiers: type.modifiers, arrayDepth: type.arrayDepth)
    }

    package static let integerWidth = ["smallint": 2, "integer": 4, "bigint": 8]

    /// No table rewrite: the new type is binary-coercible from the old (postgres-facts.md).
    package static func isBinaryCoercible(from old: SQLType, to new: SQLType) -> Bool {
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
    package static func isWidening(from old: SQLType, to new: SQLType) -> Bool {
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
    package static func isVolatile(_ expression: String) -> Bool {
        let volatile: Set<String> = ["random", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v4", "clock_timestamp",
                                     "timeofday", "nextval"]
        return SQLExpression.parsed(expression)?.functionNames.contains(where: volatile.contains) ?? false
    }
}

/// A USING that only restates the column, optionally cast, does not force a rewrite.
package func isTrivialUsing(_ using: String?, column: String) -> Bool {
    guard let using else { return true }
    return SQLExpression.parsed(using)?.isCast(of: column) ?? false
}

/// Whether a check expression proves `column IS NOT NULL`: one of its top-level AND
/// conjuncts is exactly that, as PostgreSQL's implication test accepts it for skipping
/// the SET NOT NULL scan.
package func provesNotNull(_ expression: String, column: String) -> Bool {
    SQLExpression.parsed(expression)?.provesNotNull(column) ?? false
}

extension Table {
    /// A validated check constraint proves the column holds no NULL.
    package func hasValidatedNotNullCheck(_ column: String) -> Bool {
        constraints.contains { c in
            guard case .check(let e) = c.kind, !c.notValid else { return false }
            return provesNotNull(e, column: column)
        }
    }
}

/// Raw SQL read through PostgreSQL's parser: what the linter needs to know of it.
package enum RawSQLFacts {
    package static func statements(_ sql: String) -> [SQLScript.Statement] {
        SQLScript.parsed(sql)?.statements ?? []
    }

    /// `ALTER TYPE name ADD VALUE 'v'` statements in raw SQL.
    package static func addedEnumValues(_ sql: String) -> [EnumValueReference] {
        statements(sql).compactMap { statement in
            guard let alter = statement.parsed.node.node("AlterEnumStmt"), alter["oldVal"] == nil,
                  let value = alter["newVal"]?.string, let names = alter["typeName"]?.names, let name = names.last else { return nil }
            return EnumValueReference(type: QualifiedName(schema: names.count > 1 ? names[names.count - 2] : defaultSchema, name: name), value: value)
        }
    }

    /// The kind of object a `DROP` removes, as SQL spells it (`TABLE`, `MATERIALIZED VIEW`).
    package static func objectKind(_ type: String?) -> String {
        guard let type else { return "" }
        let special = ["OBJECT_MATVIEW": "MATERIALIZED VIEW", "OBJECT_FOREIGN_TABLE": "FOREIGN TABLE", "OBJECT_TSCONFIGURATION": "TEXT SEARCH CONFIGURATION"]
        if let name = special[type] { return name }
        return type.replacingOccurrences(of: "OBJECT_", with: "").replacingOccurrences(of: "_", with: " ")
    }
}
