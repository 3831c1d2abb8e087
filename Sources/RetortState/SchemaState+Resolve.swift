import RetortSQL
import RetortModel
/// Turning declarations as written into resolved schema objects: canonical types, serial
/// expansion, and the names PostgreSQL would give unnamed constraints and indexes.
extension SchemaState {
    package func resolveNewTable(_ table: Table, ownedSequences: [SchemaSequence], _ context: inout ApplyContext) throws -> (Table, [SchemaSequence]) {
        try context.checkName(table.name)
        try requireSchema(table.name.schema, &context)
        try requireFreeRelation(table.name, &context)
        var chosen = Set<String>()
        var sequences = ownedSequences
        for sequence in ownedSequences {
            try requireFreeRelation(sequence.name, &context)
            chosen.insert(sequence.name.name)
        }
        var resolved = table
        resolved.columns = []
        resolved.constraints = []
        resolved.indexes = []
        for column in table.columns {
            if let existing = resolved.column(column.name) {
                throw context.fail(.columnDuplicate, "column \(q(column.name)) is declared twice in table \(q(table.name.description))\(existing.origin.addedAt)")
            }
            let (c, sequence) = try resolveColumn(column, table: table.name, chosen: &chosen, &context)
            resolved.columns.append(c)
            if let sequence { sequences.append(sequence) }
        }
        let names = resolved.columns.map(\.name)
        for column in resolved.columns { try requireGenerationColumns(of: column, in: resolved, &context) }
        for i in resolved.columns.indices {
            resolved.columns[i].generated = resolved.columns[i].generated.map { ExpressionFacts.canonicalizingReferences(in: $0, to: names) }
        }
        // Primary keys first, as PostgreSQL names index-backed constraints before the others;
        // foreign keys after the indexes, which one of them may reference.
        let ordered = table.constraints.filter { $0.kind.ownsIndex } + table.constraints.filter { !$0.kind.ownsIndex && $0.foreignKey == nil }
        for constraint in ordered {
            let c = try resolveConstraint(constraint, in: resolved, chosen: &chosen, &context)
            if case .primaryKey(let columns) = c.kind {
                for column in columns { resolved.columns[resolved.columnIndex(column)!].nullable = false }
            }
            resolved.constraints.append(c)
        }
        for index in table.indexes {
            resolved.indexes.append(try resolveIndex(index, in: resolved, chosen: &chosen, &context))
        }
        for constraint in table.constraints where constraint.foreignKey != nil {
            resolved.constraints.append(try resolveConstraint(constraint, in: resolved, chosen: &chosen, &context))
        }
        return (resolved, sequences)
    }

    /// Resolves a column's type; a serial column becomes an integer column with a sequence
    /// it owns and a `nextval` default, exactly as PostgreSQL expands it.
    package func resolveColumn(_ column: Column, table: QualifiedName, chosen: inout Set<String>, _ context: inout ApplyContext) throws -> (Column, SchemaSequence?) {
        try context.checkIdentifier(column.name)
        var resolved = column
        let serialType: SQLType? = switch column.type.userType == nil ? column.type.base.asciiLowercased() : "" {
        case "serial", "serial4": .integer
        case "bigserial", "serial8": .bigint
        case "smallserial", "serial2": .smallint
        default: nil
        }
        guard let serialType else {
            resolved.type = try resolveType(column.type, &context)
            if column.identity != nil && column.defaultExpression != nil {
                throw context.fail(.defaultAndIdentity, "column \(q(column.name)) cannot have both a default and an identity")
            }
            if column.identity != nil {
                resolved.nullable = false
                resolved.identitySequence = try identitySequenceName(column.identitySequence, table: table, column: column.name, chosen: &chosen, &context)
            } else {
                resolved.identitySequence = nil
            }
            return (resolved, nil)
        }
        if column.defaultExpression != nil || column.identity != nil {
            throw context.fail(.serialWithDefault, "serial column \(q(column.name)) cannot also have a default or an identity")
        }
        let name = PostgresNaming.choose(table.name, column.name, "seq") {
            relationNameTaken(table.renamed($0)) || chosen.contains($0)
        }
        chosen.insert(name)
        let sequenceName = table.renamed(name)
        resolved.type = serialType
        resolved.nullable = false
        resolved.defaultExpression = "nextval(\(Quoting.literal(Quoting.qualified(sequenceName)))::regclass)"
        var sequence = SchemaSequence(name: sequenceName)
        sequence.type = serialType
        sequence.ownedBy = ColumnReference(table: table, column: column.name)
        sequence.origin = column.origin
        return (resolved, sequence)
    }

    /// The sequence of a new identity on `column`: `given` (re-creating a dropped one) if it
    /// is free, else the name PostgreSQL chooses, `table_column_seq` made unique.
    package func identitySequenceName(_ given: String?, table: QualifiedName, column: String, chosen: inout Set<String>,
                              _ context: inout ApplyContext) throws -> String {
        let name: String
        if let given {
            if chosen.contains(given) { throw context.fail(.sequenceDuplicate, "a sequence named \(q(table.renamed(given).description)) is declared twice") }
            try requireFreeRelation(table.renamed(given), &context)
            name = given
        } else {
            name = PostgresNaming.choose(table.name, column, "seq") { relationNameTaken(table.renamed($0)) || chosen.contains($0) }
        }
        chosen.insert(name)
        return name
    }

    package func resolveConstraint(_ constraint: Constraint, in table: Table, chosen: inout Set<String>, _ context: inout ApplyContext) throws -> Constraint {
        var resolved = constraint
        let columns = resolved.kind.columns
        for column in columns { _ = try requireColumn(table, column, &context) }
        if let duplicate = firstDuplicate(columns) { throw context.fail(.columnListedTwice, "column \(q(duplicate)) is listed twice") }
        switch constraint.kind {
        case .primaryKey:
            if let existing = table.constraints.first(where: { if case .primaryKey = $0.kind { true } else { false } }) {
                throw context.fail(.primaryKeyExists, "table \(q(table.name.description)) already has a primary key \(q(existing.name))\(existing.origin.addedAt)")
            }
            if constraint.notValid { throw context.fail(.notValidUnsupported, "a primary key cannot be NOT VALID") }
        case .unique:
            if constraint.notValid { throw context.fail(.notValidUnsupported, "a unique constraint cannot be NOT VALID") }
        case .check(let expression):
            if expression.trimmingWhitespace().isEmpty { throw context.fail(.checkEmpty, "check constraint has an empty expression") }
            try requireColumns(referencedBy: expression, in: table, "the check expression", &context)
            resolved.kind = .check(expression: ExpressionFacts.canonicalizingReferences(in: expression, to: table.columns.map(\.name)))
        case .foreignKey(var fk):
            let target: Table
            if fk.referencedTable == table.name { target = table } else { target = try requireTable(fk.referencedTable, &context) }
            if fk.referencedColumns.isEmpty {
                guard let pk = target.constraints.first(where: { if case .primaryKey = $0.kind { true } else { false } }) else {
                    throw context.fail(.foreignKeyNoPrimaryKey, "table \(q(target.name.description)) has no primary key for the foreign key to reference; name its columns")
                }
                fk.referencedColumns = pk.kind.columns
            }
            for column in fk.referencedColumns { _ = try requireColumn(target, column, &context) }
            if fk.referencedColumns.count != fk.columns.count {
                throw context.fail(.foreignKeyArity, "foreign key has \(fk.columns.count) column(s) but references \(fk.referencedColumns.count)")
            }
            if !uniqueKeys(of: target).contains(where: { Set($0) == Set(fk.referencedColumns) }) {
                throw context.fail(.foreignKeyNoUniqueKey, "there is no unique constraint matching columns (\(fk.referencedColumns.joined(separator: ", "))) of table \(q(target.name.description)) for the foreign key to reference")
            }
            resolved.kind = .foreignKey(fk)
        }
        let schema = table.name
        if resolved.name.isEmpty {
            let part: String?
            switch resolved.kind {
            case .primaryKey: part = nil
            case .check(let expression):
                let referenced = ExpressionFacts.columnsReferenced(in: expression, among: table.columns.map(\.name))
                part = referenced.count == 1 ? referenced[0] : nil
            case .unique, .foreignKey: part = PostgresNaming.columnPart(columns)
            }
            let ownsIndex = resolved.kind.ownsIndex
            resolved.name = PostgresNaming.choose(table.name.name, part, resolved.kind.nameLabel) { candidate in
                chosen.contains(candidate) || constraintNameTaken(schema.renamed(candidate))
                    || table.constraintIndex(candidate) != nil
                    || (ownsIndex && (relationNameTaken(schema.renamed(candidate)) || table.indexIndex(candidate) != nil))
            }
        } else {
            try context.checkIdentifier(resolved.name)
            if let existing = table.constraints.first(where: { $0.name == resolved.name }) {
                throw context.fail(.constraintExists, "table \(q(table.name.description)) already has a constraint named \(q(resolved.name))\(existing.origin.addedAt)")
            }
            if resolved.kind.ownsIndex {
                if chosen.contains(resolved.name) || table.indexIndex(resolved.name) != nil {
                    throw context.fail(.relationExists, "a relation named \(q(resolved.name)) already exists")
                }
                try requireFreeRelation(schema.renamed(resolved.name), &context)
            }
        }
        chosen.insert(resolved.name)
        resolved.origin = Origin(context.location)
        return resolved
    }

    /// PostgreSQL resolves every column an expression names when it stores the expression;
    /// a name the table lacks is an error there, so it is one here. The table's own name
    /// alone is its whole row. Of the system columns only `tableoid` may be named, and not
    /// in an index.
    package func requireColumns(referencedBy text: String, in table: Table, _ what: String, _ context: inout ApplyContext) throws {
        guard let expression = SQLExpression.parsed(text) else { return }
        for reference in expression.columnReferences where table.columnIndex(reference.name) == nil {
            if !reference.qualified, reference.name == table.name.name { continue }
            if reference.name == "tableoid", what != "the index expression", what != "the where predicate" { continue }
            if Self.systemColumns.contains(reference.name) {
                throw context.fail(.columnNotUsable, "\(what) cannot use system column \(q(reference.name))")
            }
            throw context.fail(.columnMissing, "\(what) names column \(q(reference.name)), which table \(q(table.name.description)) does not have\(didYouMean(reference.name, among: table.columns.map(\.name)))")
        }
    }

    static let systemColumns: Set<String> = ["tableoid", "ctid", "xmin", "xmax", "cmin", "cmax"]

    /// A generated column's expression names only the table's ordinary columns (PostgreSQL:
    /// not another generated column, not the whole row).
    package func requireGenerationColumns(of column: Column, in table: Table, _ context: inout ApplyContext) throws {
        guard let generated = column.generated, let expression = SQLExpression.parsed(generated) else { return }
        for reference in expression.columnReferences {
            if let other = table.column(reference.name), other.generated != nil {
                throw context.fail(.columnNotUsable, "the generation expression of column \(q(column.name)) cannot use generated column \(q(other.name))")
            }
            if table.columnIndex(reference.name) == nil, !reference.qualified, reference.name == table.name.name {
                throw context.fail(.columnNotUsable, "the generation expression of column \(q(column.name)) cannot use the whole row of table \(q(table.name.description))")
            }
        }
        try requireColumns(referencedBy: generated, in: table, "the generation expression of column \(q(column.name))", &context)
    }

    package func resolveIndex(_ index: TableIndex, in table: Table, chosen: inout Set<String>, _ context: inout ApplyContext) throws -> TableIndex {
        var resolved = index
        if index.elements.isEmpty { throw context.fail(.indexEmpty, "an index needs columns or an expression") }
        for column in index.columnNames + index.include { _ = try requireColumn(table, column, &context) }
        for case .expression(let text) in index.elements { try requireColumns(referencedBy: text, in: table, "the index expression", &context) }
        if let predicate = index.predicate { try requireColumns(referencedBy: predicate, in: table, "the where predicate", &context) }
        let columns = table.columns.map(\.name)
        resolved.elements = index.elements.map {
            if case .expression(let text) = $0 { .expression(ExpressionFacts.canonicalizingReferences(in: text, to: columns)) } else { $0 }
        }
        resolved.predicate = index.predicate.map { ExpressionFacts.canonicalizingReferences(in: $0, to: columns) }
        if resolved.name.isEmpty {
            let schema = table.name
            resolved.name = PostgresNaming.choose(table.name.name, PostgresNaming.indexColumnPart(resolved.elements, include: index.include), "idx") {
                chosen.contains($0) || relationNameTaken(schema.renamed($0)) || table.indexIndex($0) != nil
                    || (table.constraintIndex($0).map { table.constraints[$0].kind.ownsIndex } ?? false)
            }
        } else {
            try context.checkIndexName(resolved.name)
            if chosen.contains(resolved.name) || table.indexIndex(resolved.name) != nil {
                throw context.fail(.indexDuplicate, "an index named \(q(resolved.name)) is declared twice")
            }
            try requireFreeRelation(table.name.renamed(resolved.name), &context)
        }
        chosen.insert(resolved.name)
        resolved.origin = Origin(context.location)
        return resolved
    }

    package mutating func alterColumn(_ change: AlterColumn, _ context: inout ApplyContext) throws -> AppliedOperation {
        // What the state machine fills in is computed again: a replayed operation (a merge
        // replays the other branch's) carries what another state gave it.
        var forward = change
        forward.identitySequence = nil
        forward.dependents = ExpressionDependents()
        var table = try requireTable(change.table, &context)
        let at = try requireColumn(table, change.column, &context)
        if let using = change.using { try requireColumns(referencedBy: using, in: table, "the using expression", &context) }
        let old = table.columns[at]
        var column = old
        var inverse = AlterColumn(table: change.table, column: change.column)
        if let type = change.type {
            let resolved = try resolveType(type, &context)
            if resolved != old.type {
                try refuseIfViewsUse(change.table, column: change.column, "alter the type of column \(q(change.column)) of table \(q(change.table.description))", &context)
            }
            forward.type = resolved
            column.type = resolved
            if resolved != old.type { inverse.type = old.type }
            if resolved.category != old.type.category {
                inverse.using = "\(Quoting.identifier(change.column))::\(old.type.render { Quoting.qualified($0) })"
            }
            if resolved.base != old.type.base || resolved.arrayDepth != old.type.arrayDepth || resolved.userType != old.type.userType {
                forward.dependents = table.expressionDependents(of: change.column)
            }
        }
        if let nullable = change.nullable {
            if nullable, table.constraints.contains(where: { if case .primaryKey(let cols) = $0.kind { cols.contains(change.column) } else { false } }) {
                throw context.fail(.columnInPrimaryKey, "column \(q(change.column)) is in the primary key of table \(q(change.table.description)) and must stay NOT NULL")
            }
            if nullable, old.identity != nil, change.identity == nil {
                throw context.fail(.identityMustBeNotNull, "column \(q(change.column)) is an identity column and must stay NOT NULL")
            }
            column.nullable = nullable
            if nullable != old.nullable { inverse.nullable = old.nullable }
        }
        if let newDefault = change.defaultExpression {
            if newDefault != nil, (change.identity ?? old.identity) != nil {
                throw context.fail(.identityWithDefault, "column \(q(change.column)) is an identity column and cannot have a default")
            }
            if newDefault == nil, old.defaultExpression == nil {
                throw context.fail(.defaultMissing, "column \(q(change.column)) of table \(q(change.table.description)) has no default to drop")
            }
            column.defaultExpression = newDefault
            if newDefault != old.defaultExpression { inverse.defaultExpression = .some(old.defaultExpression) }
        }
        if let identity = change.identity {
            if identity != nil {
                if old.identity == nil {
                    if column.nullable {
                        throw context.fail(.identityNeedsNotNull, "column \(q(change.column)) must be NOT NULL before it can become an identity column (add nullable=\"false\")")
                    }
                    if column.defaultExpression != nil {
                        throw context.fail(.identityHasDefault, "column \(q(change.column)) has a default; drop it before adding an identity")
                    }
                }
            } else if old.identity == nil {
                throw context.fail(.identityMissing, "column \(q(change.column)) is not an identity column")
            }
            column.identity = identity
            if identity != old.identity { inverse.identity = .some(old.identity) }
            if identity != nil && old.identity == nil {
                var chosen = Set<String>()
                column.identitySequence = try identitySequenceName(change.identitySequence, table: change.table, column: change.column,
                                                                   chosen: &chosen, &context)
                forward.identitySequence = column.identitySequence
            } else if identity == nil {
                column.identitySequence = nil
                inverse.identitySequence = old.identitySequence
            }
        }
        if let comment = change.comment {
            column.comment = comment
            if comment != old.comment { inverse.comment = .some(old.comment) }
        }
        if change.isEmpty { throw context.fail(.alterColumnEmpty, "nothing to change; give type, nullable, default, drop-default, identity or comment") }
        // Through a type change PostgreSQL keeps a default as the old expression cast to the
        // new type ('x'::text on a varchar column), not as CREATE TABLE would parse it, and
        // refuses one that does not cast: the type change sets the default again.
        if column.type != old.type, forward.defaultExpression == nil, column.defaultExpression != nil {
            forward.defaultExpression = .some(column.defaultExpression)
        }
        table.columns[at] = column
        self[.relation(change.table)] = .table(table)
        unregisterIdentitySequence(of: old, in: change.table)
        registerIdentitySequence(of: column, in: change.table)
        return done(.alterColumn(forward), inverse.isEmpty ? [] : [.alterColumn(inverse)])
    }
}

extension Table {
    /// This table with column `from` called `to` everywhere it is named: constraints,
    /// indexes and the expressions PostgreSQL keeps as parse trees (and so renames too).
    package func renamingColumn(_ from: String, to: String) -> Table {
        var table = self
        let quoted = Quoting.identifier(to)
        func rename(_ names: [String]) -> [String] { names.map { $0 == from ? to : $0 } }
        func renameExpression(_ text: String) -> String { ExpressionFacts.renamingColumn(in: text, from: from, to: quoted) }
        for i in table.columns.indices {
            if table.columns[i].name == from { table.columns[i].name = to }
            table.columns[i].defaultExpression = table.columns[i].defaultExpression.map(renameExpression)
            table.columns[i].generated = table.columns[i].generated.map(renameExpression)
        }
        for i in table.constraints.indices {
            switch table.constraints[i].kind {
            case .primaryKey(let columns): table.constraints[i].kind = .primaryKey(columns: rename(columns))
            case .unique(let columns, let nnd): table.constraints[i].kind = .unique(columns: rename(columns), nullsNotDistinct: nnd)
            case .check(let expression): table.constraints[i].kind = .check(expression: renameExpression(expression))
            case .foreignKey(var fk):
                fk.columns = rename(fk.columns)
                if fk.referencedTable == name { fk.referencedColumns = rename(fk.referencedColumns) }
                table.constraints[i].kind = .foreignKey(fk)
            }
        }
        for i in table.indexes.indices {
            table.indexes[i].elements = table.indexes[i].elements.map {
                switch $0 {
                case .column(let c): .column(c == from ? to : c)
                case .expression(let e): .expression(renameExpression(e))
                }
            }
            table.indexes[i].include = rename(table.indexes[i].include)
            table.indexes[i].predicate = table.indexes[i].predicate.map(renameExpression)
        }
        return table
    }

    /// This table with foreign keys to `target` following a rename of its column.
    package func renamingReferencedColumn(of target: QualifiedName, _ from: String, to: String) -> Table {
        var table = self
        for i in table.constraints.indices {
            if case .foreignKey(var fk) = table.constraints[i].kind, fk.referencedTable == target {
                fk.referencedColumns = fk.referencedColumns.map { $0 == from ? to : $0 }
                table.constraints[i].kind = .foreignKey(fk)
            }
        }
        return table
    }
}
