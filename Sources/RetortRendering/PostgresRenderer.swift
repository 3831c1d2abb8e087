import RetortSQL
import RetortModel
import RetortState
/// Renders resolved operations as PostgreSQL 15 DDL. Rendering cannot fail: the state
/// machine validated everything first. Identifiers and literals are quoted here and
/// nowhere else; expressions are emitted as written.
public enum PostgresRenderer {
    package static func name(_ q: QualifiedName) -> String { Quoting.qualified(q) }

    /// The statements of an operation the state machine resolved.
    public static func render(_ resolved: ResolvedOperation) -> [Statement] { render(resolved.operation) }

    /// Operations made here from resolved parts: a state's objects, rebound foreign keys,
    /// dependents dropped and re-created.
    static func render(_ operation: Operation) -> [Statement] {
        switch operation {
        case .createSchema(let info):
            return [Statement(.createSchema(info.name), ["CREATE SCHEMA", .identifier(info.name)])]
                + comment(.schema(info.name), info.comment, skipNil: true)
        case .dropSchema(let schema):
            return [Statement(.dropSchema(schema), ["DROP SCHEMA", .identifier(schema)])]
        case .createExtension(let ext):
            var body: [SQLPiece] = ["CREATE EXTENSION", .identifier(ext.name)]
            if let schema = ext.schema { body += ["SCHEMA", .identifier(schema)] }
            if let version = ext.version { body += ["VERSION", .literal(version)] }
            return [Statement(.createExtension(ext.name), body)]
        case .dropExtension(let ext):
            return [Statement(.dropExtension(ext), ["DROP EXTENSION", .identifier(ext)])]
        case .createEnum(let type):
            return [createEnum(type.name, type.values)] + comment(.type(type.name), type.comment, skipNil: true)
        case .dropEnum(let type):
            return [Statement(.dropType(type), ["DROP TYPE", .name(type)])]
        case .addEnumValue(let type, let value, let placement):
            // Outside a transaction: a value cannot be used until the transaction that added
            // it commits. IF NOT EXISTS lets a run that failed after it be run again.
            var body: [SQLPiece] = ["ALTER TYPE", .name(type), "ADD VALUE IF NOT EXISTS", .literal(value)]
            switch placement {
            case .before(let other): body += ["BEFORE", .literal(other)]
            case .after(let other): body += ["AFTER", .literal(other)]
            case nil: break
            }
            return [Statement(.alterType(type), body, transactional: false)]
        case .renameEnumValue(let type, let from, let to):
            return [Statement(.alterType(type), ["ALTER TYPE", .name(type), "RENAME VALUE", .literal(from), "TO", .literal(to)])]
        case .rebuildEnum(let type, let values, let comment, let usages):
            return rebuildEnum(type, values, comment, usages)
        case .createSequence(let sequence):
            return createSequence(sequence) + ownedBy(sequence)
        case .dropSequence(let sequence):
            return [Statement(.dropSequence(sequence), ["DROP SEQUENCE", .name(sequence)])]
        case .createTable(let table, let sequences):
            return sequences.flatMap(createSequence) + createTable(table) + sequences.flatMap(ownedBy)
        case .dropTable(let table):
            return [Statement(.dropTable(table), ["DROP TABLE", .name(table)])]
        case .renameTable(let table, let to):
            return [alterTable(table, ["RENAME TO", .identifier(to)])]
        case .addColumn(let table, let column, let sequence):
            return (sequence.map(createSequence) ?? [])
                + [alterTable(table, ["ADD COLUMN"] + columnDefinition(column, of: table))]
                + (sequence.map(ownedBy) ?? [])
                + comment(.column(table, column.name), column.comment, skipNil: true)
        case .dropColumn(let table, let column):
            return [alterTable(table, ["DROP COLUMN", .identifier(column)])]
        case .renameColumn(let table, let from, let to):
            return [alterTable(table, ["RENAME COLUMN", .identifier(from), "TO", .identifier(to)])]
        case .alterColumn(let change):
            return alterColumn(change)
        case .addConstraint(let table, let constraint):
            return [alterTable(table, ["ADD"] + constraintDefinition(constraint) + (constraint.notValid ? ["NOT VALID"] : []))]
        case .validateConstraint(let table, let constraint):
            return [alterTable(table, ["VALIDATE CONSTRAINT", .identifier(constraint)])]
        case .dropConstraint(let table, let constraint, let rebinding):
            return rebind(rebinding, around: alterTable(table, ["DROP CONSTRAINT", .identifier(constraint)]))
        case .renameConstraint(let table, let from, let to):
            return [alterTable(table, ["RENAME CONSTRAINT", .identifier(from), "TO", .identifier(to)])]
        case .createIndex(let table, let index, let concurrently):
            return [createIndex(table, index, concurrently: concurrently)]
                + comment(.index(table.renamed(index.name)), index.comment, skipNil: true)
        case .dropIndex(let index, let concurrently, let rebinding):
            // Concurrently, outside a transaction: IF EXISTS lets a run that failed after it
            // (or during it, which can leave the index INVALID) be run again.
            let drop = Statement(.dropIndex(index), ["DROP INDEX"] + (concurrently ? ["CONCURRENTLY IF EXISTS"] : []) + [.name(index)], transactional: !concurrently)
            return rebind(rebinding, around: drop)
        case .renameIndex(let index, let to):
            return [Statement(.alterIndex(index), ["ALTER INDEX", .name(index), "RENAME TO", .identifier(to)])]
        case .createView(let view):
            return [Statement(.createView(view.name), ["CREATE", view.materialized ? "MATERIALIZED VIEW" : "VIEW", .name(view.name), "AS", .query(view.body)])]
                + comment(view.materialized ? .materializedView(view.name) : .view(view.name), view.comment, skipNil: true)
        case .dropView(let view, let materialized):
            return [Statement(.dropView(view), ["DROP", materialized ? "MATERIALIZED VIEW" : "VIEW", .name(view)])]
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
        Statement(.check, ["DO", .block([BlockLine(0, ["BEGIN"]), BlockLine(1, ["RAISE EXCEPTION", .literal(message), .glue(";")]), BlockLine(0, ["END"])])])
    }

    /// Raw SQL as PostgreSQL splits it, one statement each, in a transaction block or not
    /// as PostgreSQL requires (SPEC §2.1). The text is kept as written, comments before a
    /// statement included; the `;` follows its last token, so no comment can swallow it.
    package static func rawStatements(_ sql: String) -> [Statement] {
        guard let script = SQLScript.parsed(sql) else {
            var text = sql.trimmingWhitespace()
            if text.hasSuffix(";") { text.removeLast() }
            return [Statement(.raw(tag: ""), [.verbatim(text)])]
        }
        return script.statements.map { Statement(.raw(tag: $0.tag), [.verbatim($0.text)], transactional: !$0.refusedInTransaction) }
    }

    // MARK: - Pieces

    package static func alterTable(_ table: QualifiedName, _ action: [SQLPiece]) -> Statement {
        Statement(.alterTable(table), ["ALTER TABLE", .name(table)] + action)
    }

    /// `(a, b)`.
    package static func columns(_ names: [String]) -> SQLPiece {
        .group([.list(names.map { [.identifier($0)] })])
    }

    package static func createEnum(_ type: QualifiedName, _ values: [String]) -> Statement {
        Statement(.createType(type), ["CREATE TYPE", .name(type), "AS ENUM", .group([.list(values.map { [.literal($0)] })])])
    }

    package static func rebuildEnum(_ type: QualifiedName, _ values: [String], _ comment: String?, _ usages: [EnumUsage]) -> [Statement] {
        let old = type.renamed(PostgresNaming.clip(Array(type.name.utf8), to: 52) + "_retort_old")
        var statements = [Statement(.alterType(type), ["ALTER TYPE", .name(type), "RENAME TO", .identifier(old.name)]), createEnum(type, values)]
            + self.comment(.type(type), comment, skipNil: true)
        for usage in usages {
            let column: [SQLPiece] = ["ALTER COLUMN", .identifier(usage.column)]
            statements += dropDependents(usage.dependents, of: usage.table)
            if usage.defaultExpression != nil { statements.append(alterTable(usage.table, column + ["DROP DEFAULT"])) }
            let array = SQLType(base: "", arrayDepth: usage.arrayDepth).description
            let newType = SQLType(base: "", arrayDepth: usage.arrayDepth, userType: type)
            statements.append(alterTable(usage.table, column + [
                "TYPE", .type(newType), "USING", .identifier(usage.column), .glue("::text\(array)::"), .type(newType),
            ]))
            if let expression = usage.defaultExpression { statements.append(alterTable(usage.table, column + ["SET DEFAULT", .expression(expression)])) }
            statements += createDependents(usage.dependents, of: usage.table)
        }
        statements.append(Statement(.dropType(old), ["DROP TYPE", .name(old)]))
        return statements
    }

    package static func dropDependents(_ dependents: ExpressionDependents, of table: QualifiedName) -> [Statement] {
        dependents.indexes.map { Statement(.dropIndex(table.renamed($0.name)), ["DROP INDEX", .name(table.renamed($0.name))]) }
            + dependents.checks.map { alterTable(table, ["DROP CONSTRAINT", .identifier($0.name)]) }
    }

    /// The checks (NOT VALID ones again NOT VALID), then the indexes with their comments.
    package static func createDependents(_ dependents: ExpressionDependents, of table: QualifiedName) -> [Statement] {
        dependents.checks.flatMap { render(.addConstraint(table, $0)) }
            + dependents.indexes.flatMap { render(.createIndex(table, $0, concurrently: false)) }
    }

    package static func createSequence(_ sequence: SchemaSequence) -> [Statement] {
        var body: [SQLPiece] = ["CREATE SEQUENCE", .name(sequence.name)]
        if let t = sequence.type { body += ["AS", .type(t)] }
        if let increment = sequence.increment { body += ["INCREMENT BY", .integer(increment)] }
        if let minValue = sequence.minValue { body += ["MINVALUE", .integer(minValue)] }
        if let maxValue = sequence.maxValue { body += ["MAXVALUE", .integer(maxValue)] }
        if let start = sequence.start { body += ["START WITH", .integer(start)] }
        if let cache = sequence.cache { body += ["CACHE", .integer(cache)] }
        if sequence.cycle { body.append("CYCLE") }
        return [Statement(.createSequence(sequence.name), body)] + comment(.sequence(sequence.name), sequence.comment, skipNil: true)
    }

    package static func ownedBy(_ sequence: SchemaSequence) -> [Statement] {
        guard let owner = sequence.ownedBy else { return [] }
        return [Statement(.alterSequence(sequence.name), ["ALTER SEQUENCE", .name(sequence.name), "OWNED BY", .column(owner.table, owner.column)])]
    }

    package static func columnDefinition(_ column: Column, of table: QualifiedName) -> [SQLPiece] {
        var body: [SQLPiece] = [.identifier(column.name), .type(column.type)]
        if let identity = column.identity { body += ["GENERATED", .keyword(identity.sql), "AS IDENTITY"] + sequenceName(column.identitySequence, of: table) }
        if let generated = column.generated { body += ["GENERATED ALWAYS AS", .group([.expression(generated)]), "STORED"] }
        if let expression = column.defaultExpression { body += ["DEFAULT", .expression(expression)] }
        if !column.nullable { body.append("NOT NULL") }
        return body
    }

    package static func constraintDefinition(_ constraint: Constraint) -> [SQLPiece] {
        var body: [SQLPiece] = ["CONSTRAINT", .identifier(constraint.name)]
        switch constraint.kind {
        case .primaryKey(let names): body += ["PRIMARY KEY", columns(names)]
        case .unique(let names, let nnd): body += ["UNIQUE"] + (nnd ? ["NULLS NOT DISTINCT"] : []) + [columns(names)]
        case .check(let expression): body += ["CHECK", .group([.expression(expression)])]
        case .foreignKey(let fk):
            body += ["FOREIGN KEY", columns(fk.columns), "REFERENCES", .name(fk.referencedTable), columns(fk.referencedColumns)]
            if fk.match == .full { body.append("MATCH FULL") }
            if fk.onUpdate != .noAction { body += ["ON UPDATE", .keyword(fk.onUpdate.sql)] }
            if fk.onDelete != .noAction { body += ["ON DELETE", .keyword(fk.onDelete.sql)] }
        }
        switch constraint.deferrable {
        case .immediate: body.append("DEFERRABLE")
        case .deferred: body.append("DEFERRABLE INITIALLY DEFERRED")
        case nil: break
        }
        return body
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
        let elements = table.columns.map { columnDefinition($0, of: table.name) } + inline.map(constraintDefinition)
        var statements = [Statement(.createTable(table.name), ["CREATE TABLE", .name(table.name), .lines(elements)])]
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
        var body: [SQLPiece] = ["CREATE"] + (index.unique ? ["UNIQUE"] : []) + ["INDEX"] + (concurrently ? ["CONCURRENTLY"] : [])
        body += [.identifier(index.name), "ON", .name(table)]
        if let method = index.method { body += ["USING", .identifier(method)] }
        body.append(.group([.list(index.elements.map { element in
            switch element {
            case .column(let column): [.identifier(column)]
            case .expression(let text): [.group([.expression(text)])]
            }
        })]))
        if !index.include.isEmpty { body += ["INCLUDE", columns(index.include)] }
        if index.nullsNotDistinct { body.append("NULLS NOT DISTINCT") }
        if let predicate = index.predicate { body += ["WHERE", .expression(predicate)] }
        return Statement(.createIndex(table: table, index: index.name), body, transactional: !concurrently)
    }

    /// `(SEQUENCE NAME schema.name)` for an identity's sequence, which PostgreSQL would
    /// otherwise name after the table and column as they are now (pg_dump writes it too).
    package static func sequenceName(_ sequence: String?, of table: QualifiedName) -> [SQLPiece] {
        sequence.map { [.group(["SEQUENCE NAME", .name(table.renamed($0))])] } ?? []
    }

    package static func alterColumn(_ change: AlterColumn) -> [Statement] {
        func alter(_ action: [SQLPiece]) -> Statement { alterTable(change.table, ["ALTER COLUMN", .identifier(change.column)] + action) }
        var statements = dropDependents(change.dependents, of: change.table)
        // An identity goes first when it is dropped (so the column may become nullable)
        // and last when it is added (the column must be NOT NULL without a default first).
        if case .some(.none) = change.identity { statements.append(alter(["DROP IDENTITY"])) }
        // With a type change, a default that is set or dropped goes first, so the old one is
        // never cast to the new type; a new one follows the type.
        let defaultFirst = change.type != nil && change.defaultExpression != nil
        if defaultFirst { statements.append(alter(["DROP DEFAULT"])) }
        if let t = change.type {
            statements.append(alter(["TYPE", .type(t)] + (change.using.map { ["USING", .expression($0)] } ?? [])))
        }
        if let nullable = change.nullable { statements.append(alter([nullable ? "DROP NOT NULL" : "SET NOT NULL"])) }
        switch change.defaultExpression {
        case .some(.some(let expression)): statements.append(alter(["SET DEFAULT", .expression(expression)]))
        case .some(.none) where !defaultFirst: statements.append(alter(["DROP DEFAULT"]))
        case .some(.none), .none: break
        }
        if case .some(.some(let identity)) = change.identity {
            if let sequence = change.identitySequence {
                statements.append(alter(["ADD GENERATED", .keyword(identity.sql), "AS IDENTITY"] + sequenceName(sequence, of: change.table)))
            } else {
                statements.append(alter(["SET GENERATED", .keyword(identity.sql)]))
            }
        }
        statements += createDependents(change.dependents, of: change.table)
        if let text = change.comment {
            statements += comment(.column(change.table, change.column), text, skipNil: false)
        }
        return statements
    }

    /// The object of a `COMMENT ON` statement.
    package static func commentObject(_ target: CommentTarget) -> [SQLPiece] {
        switch target {
        case .schema(let s): ["SCHEMA", .identifier(s)]
        case .table(let t): ["TABLE", .name(t)]
        case .column(let t, let c): ["COLUMN", .column(t, c)]
        case .view(let v): ["VIEW", .name(v)]
        case .materializedView(let v): ["MATERIALIZED VIEW", .name(v)]
        case .index(let i): ["INDEX", .name(i)]
        case .type(let t): ["TYPE", .name(t)]
        case .sequence(let s): ["SEQUENCE", .name(s)]
        }
    }

    package static func comment(_ target: CommentTarget, _ text: String?, skipNil: Bool) -> [Statement] {
        if text == nil && skipNil { return [] }
        return [Statement(.comment(target), ["COMMENT ON"] + commentObject(target) + ["IS", text.map(SQLPiece.literal) ?? "NULL"])]
    }
}
