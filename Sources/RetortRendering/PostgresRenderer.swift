import RetortSQL
import RetortModel
import RetortState
/// Renders resolved operations as PostgreSQL 15 DDL. Rendering cannot fail: the state
/// machine validated everything first. Identifiers and literals are quoted here and
/// nowhere else; expressions are emitted as written.
public enum PostgresRenderer {
    package static func name(_ q: QualifiedName) -> String { Quoting.qualified(q) }
    package static func ident(_ s: String) -> String { Quoting.identifier(s) }
    package static func list(_ names: [String]) -> String { names.map(ident).joined(separator: ", ") }
    package static func type(_ t: SQLType) -> String { t.render { Quoting.qualified($0) } }

    public static func render(_ operation: Operation) -> [Statement] {
        switch operation {
        case .createSchema(let info):
            return [Statement("CREATE SCHEMA \(ident(info.name));")] + comment(.schema(info.name), info.comment, skipNil: true)
        case .dropSchema(let schema):
            return [Statement("DROP SCHEMA \(ident(schema));")]
        case .createExtension(let ext):
            var sql = "CREATE EXTENSION \(ident(ext.name))"
            if let schema = ext.schema { sql += " SCHEMA \(ident(schema))" }
            if let version = ext.version { sql += " VERSION \(Quoting.literal(version))" }
            return [Statement(sql + ";")]
        case .dropExtension(let ext):
            return [Statement("DROP EXTENSION \(ident(ext));")]
        case .createEnum(let type):
            return [createEnum(type.name, type.values)] + comment(.type(type.name), type.comment, skipNil: true)
        case .dropEnum(let type):
            return [Statement("DROP TYPE \(name(type));")]
        case .addEnumValue(let type, let value, let placement):
            // Outside a transaction: a value cannot be used until the transaction that added
            // it commits. IF NOT EXISTS lets a run that failed after it be run again.
            var sql = "ALTER TYPE \(name(type)) ADD VALUE IF NOT EXISTS \(Quoting.literal(value))"
            switch placement {
            case .before(let other): sql += " BEFORE \(Quoting.literal(other))"
            case .after(let other): sql += " AFTER \(Quoting.literal(other))"
            case nil: break
            }
            return [Statement(sql + ";", transactional: false)]
        case .renameEnumValue(let type, let from, let to):
            return [Statement("ALTER TYPE \(name(type)) RENAME VALUE \(Quoting.literal(from)) TO \(Quoting.literal(to));")]
        case .rebuildEnum(let type, let values, let comment, let usages):
            return rebuildEnum(type, values, comment, usages)
        case .createSequence(let sequence):
            return createSequence(sequence) + ownedBy(sequence)
        case .dropSequence(let sequence):
            return [Statement("DROP SEQUENCE \(name(sequence));")]
        case .createTable(let table, let sequences):
            return sequences.flatMap(createSequence) + createTable(table) + sequences.flatMap(ownedBy)
        case .dropTable(let table):
            return [Statement("DROP TABLE \(name(table));")]
        case .renameTable(let table, let to):
            return [Statement("ALTER TABLE \(name(table)) RENAME TO \(ident(to));")]
        case .addColumn(let table, let column, let sequence):
            return (sequence.map(createSequence) ?? [])
                + [Statement("ALTER TABLE \(name(table)) ADD COLUMN \(columnDefinition(column, of: table));")]
                + (sequence.map(ownedBy) ?? [])
                + comment(.column(table, column.name), column.comment, skipNil: true)
        case .dropColumn(let table, let column):
            return [Statement("ALTER TABLE \(name(table)) DROP COLUMN \(ident(column));")]
        case .renameColumn(let table, let from, let to):
            return [Statement("ALTER TABLE \(name(table)) RENAME COLUMN \(ident(from)) TO \(ident(to));")]
        case .alterColumn(let change):
            return alterColumn(change)
        case .addConstraint(let table, let constraint):
            return [Statement("ALTER TABLE \(name(table)) ADD \(constraintDefinition(constraint))\(constraint.notValid ? " NOT VALID" : "");")]
        case .validateConstraint(let table, let constraint):
            return [Statement("ALTER TABLE \(name(table)) VALIDATE CONSTRAINT \(ident(constraint));")]
        case .dropConstraint(let table, let constraint, let rebinding):
            return rebind(rebinding, around: Statement("ALTER TABLE \(name(table)) DROP CONSTRAINT \(ident(constraint));"))
        case .renameConstraint(let table, let from, let to):
            return [Statement("ALTER TABLE \(name(table)) RENAME CONSTRAINT \(ident(from)) TO \(ident(to));")]
        case .createIndex(let table, let index, let concurrently):
            return [createIndex(table, index, concurrently: concurrently)]
                + comment(.index(table.renamed(index.name)), index.comment, skipNil: true)
        case .dropIndex(let index, let concurrently, let rebinding):
            return rebind(rebinding, around: Statement("DROP INDEX \(concurrently ? "CONCURRENTLY " : "")\(name(index));", transactional: !concurrently))
        case .renameIndex(let index, let to):
            return [Statement("ALTER INDEX \(name(index)) RENAME TO \(ident(to));")]
        case .createView(let view):
            return [Statement("CREATE \(view.materialized ? "MATERIALIZED " : "")VIEW \(name(view.name)) AS\n\(view.body);")]
                + comment(view.materialized ? .materializedView(view.name) : .view(view.name), view.comment, skipNil: true)
        case .dropView(let view, let materialized):
            return [Statement("DROP \(materialized ? "MATERIALIZED " : "")VIEW \(name(view));")]
        case .comment(let target, let text):
            return comment(target, text, skipNil: false)
        case .sql(let raw):
            return rawStatements(raw.forward)
        case .irreversible(let location):
            return [raise("retort: this downgrade is impossible: the raw SQL at \(location) has no <reverse>")]
        }
    }

    /// `drop` between dropping the foreign keys of `rebinding` and adding them back.
    package static func rebind(_ rebinding: [TableConstraint], around drop: Statement) -> [Statement] {
        rebinding.flatMap { render(.dropConstraint($0.table, $0.constraint.name)) } + [drop]
            + rebinding.flatMap { render(.addConstraint($0.table, $0.constraint)) }
    }

    /// `DO` block that stops the script with `message`.
    package static func raise(_ message: String) -> Statement {
        let body = "\nBEGIN\n    RAISE EXCEPTION \(Quoting.literal(message));\nEND\n"
        let tag = dollarTag(for: body)
        return Statement("DO \(tag)\(body)\(tag);")
    }

    /// Raw SQL as PostgreSQL splits it, one statement each, in a transaction block or not
    /// as PostgreSQL requires (SPEC §2.1). The text is kept as written, comments before a
    /// statement included; the `;` follows its last token, so no comment can swallow it.
    package static func rawStatements(_ sql: String) -> [Statement] {
        guard let script = SQLScript.parsed(sql) else {
            let text = sql.trimmingWhitespace()
            return [Statement(text.hasSuffix(";") ? text : text + ";")]
        }
        return script.statements.map { Statement($0.text + ";", transactional: !$0.refusedInTransaction) }
    }

    // MARK: - Pieces

    package static func createEnum(_ type: QualifiedName, _ values: [String]) -> Statement {
        Statement("CREATE TYPE \(name(type)) AS ENUM (\(values.map(Quoting.literal).joined(separator: ", ")));")
    }

    package static func rebuildEnum(_ type: QualifiedName, _ values: [String], _ comment: String?, _ usages: [EnumUsage]) -> [Statement] {
        let old = type.renamed(PostgresNaming.clip(Array(type.name.utf8), to: 52) + "_retort_old")
        var statements = [Statement("ALTER TYPE \(name(type)) RENAME TO \(ident(old.name));"), createEnum(type, values)]
            + self.comment(.type(type), comment, skipNil: true)
        for usage in usages {
            let table = name(usage.table), column = ident(usage.column)
            statements += dropDependents(usage.dependents, of: usage.table)
            if usage.defaultExpression != nil { statements.append(Statement("ALTER TABLE \(table) ALTER COLUMN \(column) DROP DEFAULT;")) }
            let brackets = String(repeating: "[]", count: usage.arrayDepth)
            statements.append(Statement("ALTER TABLE \(table) ALTER COLUMN \(column) TYPE \(name(type))\(brackets) USING \(column)::text\(brackets)::\(name(type))\(brackets);"))
            if let expression = usage.defaultExpression { statements.append(Statement("ALTER TABLE \(table) ALTER COLUMN \(column) SET DEFAULT \(expression);")) }
            statements += createDependents(usage.dependents, of: usage.table)
        }
        statements.append(Statement("DROP TYPE \(name(old));"))
        return statements
    }

    package static func dropDependents(_ dependents: ExpressionDependents, of table: QualifiedName) -> [Statement] {
        dependents.indexes.map { Statement("DROP INDEX \(name(table.renamed($0.name)));") }
            + dependents.checks.map { Statement("ALTER TABLE \(name(table)) DROP CONSTRAINT \(ident($0.name));") }
    }

    /// The checks (NOT VALID ones again NOT VALID), then the indexes with their comments.
    package static func createDependents(_ dependents: ExpressionDependents, of table: QualifiedName) -> [Statement] {
        dependents.checks.flatMap { render(.addConstraint(table, $0)) }
            + dependents.indexes.flatMap { render(.createIndex(table, $0, concurrently: false)) }
    }

    package static func createSequence(_ sequence: SchemaSequence) -> [Statement] {
        var sql = "CREATE SEQUENCE \(name(sequence.name))"
        if let t = sequence.type { sql += " AS \(type(t))" }
        if let increment = sequence.increment { sql += " INCREMENT BY \(increment)" }
        if let minValue = sequence.minValue { sql += " MINVALUE \(minValue)" }
        if let maxValue = sequence.maxValue { sql += " MAXVALUE \(maxValue)" }
        if let start = sequence.start { sql += " START WITH \(start)" }
        if let cache = sequence.cache { sql += " CACHE \(cache)" }
        if sequence.cycle { sql += " CYCLE" }
        return [Statement(sql + ";")] + comment(.sequence(sequence.name), sequence.comment, skipNil: true)
    }

    package static func ownedBy(_ sequence: SchemaSequence) -> [Statement] {
        guard let owner = sequence.ownedBy else { return [] }
        return [Statement("ALTER SEQUENCE \(name(sequence.name)) OWNED BY \(name(owner.table)).\(ident(owner.column));")]
    }

    package static func columnDefinition(_ column: Column, of table: QualifiedName) -> String {
        var sql = "\(ident(column.name)) \(type(column.type))"
        if let identity = column.identity { sql += " GENERATED \(identity.sql) AS IDENTITY\(sequenceName(column.identitySequence, of: table))" }
        if let generated = column.generated { sql += " GENERATED ALWAYS AS (\(generated)) STORED" }
        if let expression = column.defaultExpression { sql += " DEFAULT \(expression)" }
        if !column.nullable { sql += " NOT NULL" }
        return sql
    }

    package static func constraintDefinition(_ constraint: Constraint) -> String {
        var sql = "CONSTRAINT \(ident(constraint.name)) "
        switch constraint.kind {
        case .primaryKey(let columns): sql += "PRIMARY KEY (\(list(columns)))"
        case .unique(let columns, let nnd): sql += "UNIQUE \(nnd ? "NULLS NOT DISTINCT " : "")(\(list(columns)))"
        case .check(let expression): sql += "CHECK (\(expression))"
        case .foreignKey(let fk):
            sql += "FOREIGN KEY (\(list(fk.columns))) REFERENCES \(name(fk.referencedTable)) (\(list(fk.referencedColumns)))"
            if fk.match == .full { sql += " MATCH FULL" }
            if fk.onUpdate != .noAction { sql += " ON UPDATE \(fk.onUpdate.sql)" }
            if fk.onDelete != .noAction { sql += " ON DELETE \(fk.onDelete.sql)" }
        }
        switch constraint.deferrable {
        case .immediate: sql += " DEFERRABLE"
        case .deferred: sql += " DEFERRABLE INITIALLY DEFERRED"
        case nil: break
        }
        return sql
    }

    /// `CREATE TABLE` with columns and the constraints PostgreSQL keeps inline; the others
    /// follow as `ALTER TABLE`: NOT VALID ones (inline, PostgreSQL would validate them) and
    /// duplicate keys (see `mergedInline`). Then indexes, foreign keys to the table's own
    /// unique indexes, and comments.
    package static func createTable(_ table: Table) -> [Statement] {
        let separate = Set(mergedInline(table.constraints).map(\.name))
        let afterIndexes = Set(table.constraints.filter { constraint in
            guard let fk = constraint.foreignKey, fk.referencedTable == table.name else { return false }
            return !table.constraints.contains { $0.kind.ownsIndex && Set($0.kind.columns) == Set(fk.referencedColumns) }
        }.map(\.name))
        let inline = table.constraints.filter { !$0.notValid && !separate.contains($0.name) && !afterIndexes.contains($0.name) }
        let lines = table.columns.map { columnDefinition($0, of: table.name) } + inline.map(constraintDefinition)
        var statements = [Statement("CREATE TABLE \(name(table.name)) (\n" + lines.map { "    " + $0 }.joined(separator: ",\n") + "\n);")]
        for constraint in table.constraints where (constraint.notValid || separate.contains(constraint.name)) && !afterIndexes.contains(constraint.name) {
            statements += render(.addConstraint(table.name, constraint))
        }
        statements += table.indexes.map { createIndex(table.name, $0, concurrently: false) }
        for constraint in table.constraints where afterIndexes.contains(constraint.name) {
            statements += render(.addConstraint(table.name, constraint))
        }
        statements += comment(.table(table.name), table.comment, skipNil: true)
        for column in table.columns { statements += comment(.column(table.name, column.name), column.comment, skipNil: true) }
        for index in table.indexes { statements += comment(.index(table.name.renamed(index.name)), index.comment, skipNil: true) }
        return statements
    }

    /// Primary key and unique constraints that CREATE TABLE would silently drop, named or
    /// not: PostgreSQL builds one index per definition (same columns in the same order, same
    /// NULLS NOT DISTINCT and deferrability), keeping the primary key's, then the first
    /// one's (`transformIndexConstraints`). ALTER TABLE ADD CONSTRAINT keeps each.
    package static func mergedInline(_ constraints: [Constraint]) -> [Constraint] {
        func isPrimaryKey(_ c: Constraint) -> Bool { if case .primaryKey = c.kind { true } else { false } }
        func nullsNotDistinct(_ c: Constraint) -> Bool { if case .unique(_, true) = c.kind { true } else { false } }
        var kept = constraints.filter { isPrimaryKey($0) && !$0.notValid }
        var merged: [Constraint] = []
        for constraint in constraints where constraint.kind.ownsIndex && !isPrimaryKey(constraint) && !constraint.notValid {
            let duplicate = kept.contains {
                $0.kind.columns == constraint.kind.columns && nullsNotDistinct($0) == nullsNotDistinct(constraint)
                    && $0.deferrable == constraint.deferrable
            }
            if duplicate { merged.append(constraint) } else { kept.append(constraint) }
        }
        return merged
    }

    package static func createIndex(_ table: QualifiedName, _ index: TableIndex, concurrently: Bool) -> Statement {
        var sql = "CREATE \(index.unique ? "UNIQUE " : "")INDEX \(concurrently ? "CONCURRENTLY " : "")\(ident(index.name)) ON \(name(table))"
        if let method = index.method { sql += " USING \(method)" }
        let elements = index.elements.map { element in
            switch element {
            case .column(let column): ident(column)
            case .expression(let text): "(\(text))"
            }
        }
        sql += " (\(elements.joined(separator: ", ")))"
        if !index.include.isEmpty { sql += " INCLUDE (\(list(index.include)))" }
        if index.nullsNotDistinct { sql += " NULLS NOT DISTINCT" }
        if let predicate = index.predicate { sql += " WHERE \(predicate)" }
        return Statement(sql + ";", transactional: !concurrently)
    }

    /// ` (SEQUENCE NAME schema.name)` for an identity's sequence, which PostgreSQL would
    /// otherwise name after the table and column as they are now (pg_dump writes it too).
    package static func sequenceName(_ sequence: String?, of table: QualifiedName) -> String {
        sequence.map { " (SEQUENCE NAME \(name(table.renamed($0))))" } ?? ""
    }

    package static func alterColumn(_ change: AlterColumn) -> [Statement] {
        let prefix = "ALTER TABLE \(name(change.table)) ALTER COLUMN \(ident(change.column))"
        var statements = dropDependents(change.dependents, of: change.table)
        // An identity goes first when it is dropped (so the column may become nullable)
        // and last when it is added (the column must be NOT NULL without a default first).
        if case .some(.none) = change.identity { statements.append(Statement("\(prefix) DROP IDENTITY;")) }
        // With a type change, a default that is set or dropped goes first, so the old one is
        // never cast to the new type; a new one follows the type.
        let defaultFirst = change.type != nil && change.defaultExpression != nil
        if defaultFirst { statements.append(Statement("\(prefix) DROP DEFAULT;")) }
        if let t = change.type {
            statements.append(Statement("\(prefix) TYPE \(type(t))\(change.using.map { " USING \($0)" } ?? "");"))
        }
        if let nullable = change.nullable { statements.append(Statement("\(prefix) \(nullable ? "DROP" : "SET") NOT NULL;")) }
        switch change.defaultExpression {
        case .some(.some(let expression)): statements.append(Statement("\(prefix) SET DEFAULT \(expression);"))
        case .some(.none) where !defaultFirst: statements.append(Statement("\(prefix) DROP DEFAULT;"))
        case .some(.none), .none: break
        }
        if case .some(.some(let identity)) = change.identity {
            if let sequence = change.identitySequence {
                statements.append(Statement("\(prefix) ADD GENERATED \(identity.sql) AS IDENTITY\(sequenceName(sequence, of: change.table));"))
            } else {
                statements.append(Statement("\(prefix) SET GENERATED \(identity.sql);"))
            }
        }
        statements += createDependents(change.dependents, of: change.table)
        if let text = change.comment {
            statements += comment(.column(change.table, change.column), text, skipNil: false)
        }
        return statements
    }

    /// The object of a `COMMENT ON` statement.
    package static func commentObject(_ target: CommentTarget) -> String {
        switch target {
        case .schema(let s): "SCHEMA \(ident(s))"
        case .table(let t): "TABLE \(name(t))"
        case .column(let t, let c): "COLUMN \(name(t)).\(ident(c))"
        case .view(let v): "VIEW \(name(v))"
        case .materializedView(let v): "MATERIALIZED VIEW \(name(v))"
        case .index(let i): "INDEX \(name(i))"
        case .type(let t): "TYPE \(name(t))"
        case .sequence(let s): "SEQUENCE \(name(s))"
        }
    }

    package static func comment(_ target: CommentTarget, _ text: String?, skipNil: Bool) -> [Statement] {
        if text == nil && skipNil { return [] }
        return [Statement("COMMENT ON \(commentObject(target)) IS \(text.map(Quoting.literal) ?? "NULL");")]
    }
}
