import RetortSQL
/// Tables and their columns.
extension HistoryGenerator {
    // MARK: - Tables

    /// A column for `table` with a fresh name; `allowSerial` when the column may own a sequence.
    package mutating func newColumn(in table: HistoryModel.Table, type: HistoryModel.ColumnType? = nil, taken: [String] = []) -> HistoryModel.Column {
        let name = newIdentifier("c") { candidate in table.column(candidate) == nil && !taken.contains(candidate) }
        var column = HistoryModel.Column(name: name, type: type ?? randomType())
        if type == nil && column.type.isIdentityCapable && random.chance(20) {
            if random.chance(50) { column.identity = random.pick(["always", "by-default"]); column.nullable = false } else { column.serial = true; column.nullable = false }
            return column
        }
        if random.chance(30) { column.nullable = false }
        if random.chance(35) { column.defaultSQL = defaultValue(for: column.type) }
        if random.chance(20) { column.comment = WildText.value(&random) }
        return column
    }

    /// The `<column>` element of `column`, with inline constraint attributes appended by the caller.
    package mutating func columnElement(_ column: HistoryModel.Column, extra: String = "") -> String {
        var type = column.type.spelling(&random)
        if column.serial { type = column.type == .bigint ? "bigserial" : (column.type == .smallint ? "smallserial" : "serial") }
        var element = "<column\(attribute("name", column.name))\(attribute("type", type))"
        if !column.nullable && column.identity == nil && !column.serial { element += " nullable=\"false\"" }
        if let value = column.defaultSQL { element += attribute("default", value) }
        if let identity = column.identity { element += attribute("identity", identity) }
        if let comment = column.comment { element += attribute("comment", comment) }
        return element + extra + "/>"
    }

    /// Names the sequence an identity or serial column owns, as PostgreSQL does.
    package mutating func nameSequence(of column: inout HistoryModel.Column, in table: HistoryModel.Name) {
        guard column.identity != nil || column.serial else { return }
        let name = model.chooseRelationName(table, column.name, "seq", isConstraint: false)
        column.sequence = name
        model.take(table.renamed(name))
    }

    /// A key of another table (or of `table` itself) a foreign key can reference, with the
    /// referenced columns' types.
    package mutating func referenceableKey(from table: HistoryModel.Table?) -> (table: HistoryModel.Table, columns: [String])? {
        let candidates = (model.tables + (table.map { [$0] } ?? [])).flatMap { target in
            target.referenceableKeys.filter { key in
                key.allSatisfy { column in
                    let type = target.column(column)!.type
                    return type.family != .enumeration && type != .citext
                }
            }.map { (target, $0) }
        }
        return random.pickIfAny(candidates)
    }

    package mutating func referentialActions() -> String {
        var text = ""
        if random.chance(40) { text += attribute("on-delete", random.pick(["cascade", "SET NULL", "restrict", "no action", "set default"])) }
        if random.chance(25) { text += attribute("on-update", random.pick(["cascade", "Restrict"])) }
        return text
    }

    package mutating func createTable() -> Bool {
        let name = newObjectName("t", in: random.pick(model.schemas))
        var table = HistoryModel.Table(name: name)
        for _ in 0..<random.between(1...5) { table.columns.append(newColumn(in: table)) }
        for i in table.columns.indices { nameSequence(of: &table.columns[i], in: name) }
        model.take(name)
        var children: [String] = []
        var columnExtras = Array(repeating: "", count: table.columns.count)
        var chosen = Set<String>()

        // Checks first: PostgreSQL names them when it creates the table, before its indexes.
        if random.chance(40), let (check, columns, enumValue) = checkExpression(on: table) {
            var element = "<check\(attribute("expression", check))"
            let explicit = random.chance(30) ? newObjectName("ck", in: name.schema).name : nil
            if let explicit { element += attribute("name", explicit) }
            let chosenName = explicit ?? model.chooseConstraintName(table.name, columns.count == 1 ? columns[0] : nil, "check", also: chosen)
            chosen.insert(chosenName)
            table.constraints.append(.init(name: chosenName, kind: .check, columns: columns, enumValue: enumValue))
            children.append(element + "/>")
        }
        // Keys on plain columns, now and then on an enum column, never on an array.
        let keyable = table.columns.indices.filter { table.columns[$0].type.family != .enumeration || random.chance(30) }
            .filter { if case .enumeration(_, true) = table.columns[$0].type { false } else { true } }
        if random.chance(70), let first = random.pickIfAny(keyable) {
            let columns = random.chance(25) ? Array(Set([first, random.pick(keyable)])).sorted() : [first]
            let keyNames = columns.map { table.columns[$0].name }
            let pkName = model.chooseRelationName(name, nil, "pkey", isConstraint: true, also: chosen)
            chosen.insert(pkName)
            model.take(name.renamed(pkName))
            table.constraints.append(.init(name: pkName, kind: .primaryKey, columns: keyNames))
            for at in columns { table.columns[at].nullable = false }
            if columns.count == 1 && random.chance(50) {
                columnExtras[columns[0]] += " primary-key=\"true\""
            } else {
                children.append("<primary-key\(attribute("columns", list(keyNames)))/>")
            }
        }
        if random.chance(40), let at = random.pickIfAny(keyable) {
            let keyNames = [table.columns[at].name]
            let keyName = model.chooseRelationName(name, HistoryModel.columnPart(keyNames), "key", isConstraint: true, also: chosen)
            chosen.insert(keyName)
            model.take(name.renamed(keyName))
            table.constraints.append(.init(name: keyName, kind: .unique, columns: keyNames))
            columnExtras[at] += " unique=\"true\""
        }
        if random.chance(30), let (target, key) = referenceableKey(from: nil) {
            var columns: [String] = []
            for referenced in key {
                var column = newColumn(in: table, type: target.column(referenced)!.type, taken: columns)
                column.defaultSQL = nil
                table.columns.append(column)
                columnExtras.append("")
                columns.append(column.name)
            }
            let fkName = model.chooseConstraintName(name, HistoryModel.columnPart(columns), "fkey", also: chosen)
            chosen.insert(fkName)
            table.constraints.append(.init(name: fkName, kind: .foreignKey, columns: columns, referencedTable: target.name, referencedColumns: key))
            let references = "\(target.name.xml)(\(list(key)))"
            if columns.count == 1 && random.chance(50) {
                columnExtras[columnExtras.count - 1] += attribute("references", references) + referentialActions()
            } else {
                children.append("<foreign-key\(attribute("columns", list(columns)))\(attribute("references", references))\(referentialActions())/>")
            }
        }
        for constraint in table.constraints where !constraint.ownsIndex { model.takeConstraintName(name.renamed(constraint.name)) }
        for constraint in table.constraints where constraint.ownsIndex { model.takeConstraintName(name.renamed(constraint.name)) }
        if random.chance(40), let index = newIndex(on: table, inCreateTable: true) {
            table.indexes.append(index.model)
            children.append(index.element)
        }
        if table.columns.contains(where: \.serial) { note("create-table serial") }
        if table.columns.contains(where: { $0.identity != nil }) { note("create-table identity") }
        let comment = random.chance(30) ? attribute("comment", WildText.value(&random)) : ""
        var lines: [String] = []
        for (i, column) in table.columns.enumerated() { lines.append(columnElement(column, extra: columnExtras[i])) }
        model.tables.append(table)
        emit("<create-table\(attribute("name", name.xml))\(comment)>" + (lines + children).map { "\n      " + $0 }.joined() + "\n    </create-table>")
        return true
    }

    /// The change of a branch revision: a table in `public` with built-in types, short names
    /// (no name derived from them can be one the other branch derives) and nothing that
    /// depends on what the other branch changed.
    package mutating func createBranchTable() {
        let name = newObjectName("b", in: "public", long: false)
        var table = HistoryModel.Table(name: name)
        var lines: [String] = []
        for _ in 0..<random.between(1...3) {
            let column = newIdentifier("c", long: false) { candidate in table.column(candidate) == nil }
            let type: HistoryModel.ColumnType = random.pick([.integer, .text])
            table.columns.append(HistoryModel.Column(name: column, type: type, nullable: true))
            lines.append("<column\(attribute("name", column))\(attribute("type", type.spelling(&random)))/>")
        }
        model.take(name)
        if random.chance(60) {
            let key = table.columns[0].name
            let keyName = model.chooseRelationName(name, nil, "pkey", isConstraint: true)
            table.constraints.append(.init(name: keyName, kind: .primaryKey, columns: [key]))
            table.columns[0].nullable = false
            model.take(name.renamed(keyName))
            model.takeConstraintName(name.renamed(keyName))
            lines.append("<primary-key\(attribute("columns", key))/>")
        }
        model.tables.append(table)
        emit("<create-table\(attribute("name", name.xml))>" + lines.map { "\n      " + $0 }.joined() + "\n    </create-table>")
    }

    /// Tables no other table's foreign key and no view needs.
    package var droppableTables: [HistoryModel.Table] {
        model.tables.filter { table in
            model.viewsUsing(table.name).isEmpty && !model.foreignKeys(referencing: table.name).contains { $0.0 != table.name }
        }
    }

    package mutating func dropTable() -> Bool {
        guard let table = random.pickIfAny(droppableTables) else { return false }
        releaseNames(of: table)
        model.tables.removeAll { $0.name == table.name }
        emit("<drop-table\(attribute("name", table.name.xml))/>", orSQL: "DROP TABLE \(sqlName(table.name))", names: [table.name.schema, table.name.name])
        return true
    }

    package mutating func releaseNames(of table: HistoryModel.Table) {
        model.release(table.name)
        for column in table.columns { if let sequence = column.sequence { model.release(table.name.renamed(sequence)) } }
        for constraint in table.constraints { releaseConstraint(constraint, of: table.name) }
        for index in table.indexes { model.release(table.name.renamed(index.name)) }
    }

    package mutating func releaseConstraint(_ constraint: HistoryModel.Constraint, of table: HistoryModel.Name) {
        model.releaseConstraintName(table.renamed(constraint.name))
        if constraint.ownsIndex { model.release(table.renamed(constraint.name)) }
    }

    package mutating func renameTable() -> Bool {
        guard let table = random.pickIfAny(model.tables.filter { model.viewsUsing($0.name).isEmpty }) else { return false }
        let target = newObjectName("t", in: table.name.schema)
        model.release(table.name)
        model.take(target)
        for t in model.tables.indices {
            for c in model.tables[t].constraints.indices where model.tables[t].constraints[c].referencedTable == table.name {
                model.tables[t].constraints[c].referencedTable = target
            }
        }
        model.tables[model.tableIndex(table.name)!].name = target
        emit("<rename-table\(attribute("from", table.name.xml))\(attribute("to", target.name))/>",
             orSQL: "ALTER TABLE \(sqlName(table.name)) RENAME TO \(Quoting.identifier(target.name))", names: [table.name.schema, table.name.name, target.name])
        return true
    }

    package mutating func addColumn() -> Bool {
        guard let at = random.pickIfAny(Array(model.tables.indices)), model.tables[at].columns.count < 9 else { return false }
        var table = model.tables[at]
        var column = newColumn(in: table)
        var extra = ""
        var constraints: [HistoryModel.Constraint] = []
        if column.identity == nil && !column.serial && random.chance(20), let (target, key) = referenceableKey(from: nil), key.count == 1 {
            column.type = target.column(key[0])!.type
            column.defaultSQL = nil
            extra += attribute("references", "\(target.name.xml)(\(key[0]))") + referentialActions()
            constraints.append(.init(name: "", kind: .foreignKey, columns: [column.name], referencedTable: target.name, referencedColumns: key))
        }
        nameSequence(of: &column, in: table.name)
        // Retort adds the primary key or unique constraint first, then the foreign key.
        if column.type.family != .enumeration && table.primaryKey == nil && random.chance(30) {
            extra += " primary-key=\"true\""
            column.nullable = false
            let name = model.chooseRelationName(table.name, nil, "pkey", isConstraint: true)
            constraints.insert(.init(name: name, kind: .primaryKey, columns: [column.name]), at: 0)
            model.take(table.name.renamed(name))
            model.takeConstraintName(table.name.renamed(name))
        } else if column.type.family != .enumeration && random.chance(25) {
            extra += " unique=\"true\""
            let name = model.chooseRelationName(table.name, column.name, "key", isConstraint: true)
            constraints.insert(.init(name: name, kind: .unique, columns: [column.name]), at: 0)
            model.take(table.name.renamed(name))
            model.takeConstraintName(table.name.renamed(name))
        }
        if let last = constraints.last, last.kind == .foreignKey {
            let name = model.chooseConstraintName(table.name, column.name, "fkey")
            constraints[constraints.count - 1].name = name
            model.takeConstraintName(table.name.renamed(name))
        }
        table.columns.append(column)
        table.constraints += constraints
        model.tables[at] = table
        emit("<add-column\(attribute("table", table.name.xml))>\(columnElement(column, extra: extra))</add-column>")
        return true
    }

    /// Whether PostgreSQL lets `column` of `table` be dropped or renamed or change type
    /// without CASCADE: no view uses it and no foreign key references it.
    package func columnIsFree(_ table: HistoryModel.Table, _ column: String) -> Bool {
        !model.viewUses(table.name, column: column) && !model.columnIsReferencedByForeignKey(table.name, column)
    }

    package mutating func dropColumn() -> Bool {
        let candidates = model.tables.indices.flatMap { t in
            model.tables[t].columns.map(\.name).filter { columnIsFree(model.tables[t], $0) }.map { (t, $0) }
        }.filter { model.tables[$0.0].columns.count > 1 }
        guard let (at, name) = random.pickIfAny(candidates) else { return false }
        var table = model.tables[at]
        if let sequence = table.column(name)!.sequence { model.release(table.name.renamed(sequence)) }
        for constraint in table.constraints where constraint.columns.contains(name) { releaseConstraint(constraint, of: table.name) }
        for index in table.indexes where index.columns.contains(name) { model.release(table.name.renamed(index.name)) }
        table.constraints.removeAll { $0.columns.contains(name) }
        table.indexes.removeAll { $0.columns.contains(name) }
        table.columns.removeAll { $0.name == name }
        model.tables[at] = table
        emit("<drop-column\(attribute("table", table.name.xml))\(attribute("column", name))/>",
             orSQL: "ALTER TABLE \(sqlName(table.name)) DROP COLUMN \(Quoting.identifier(name))", names: [table.name.schema, table.name.name, name])
        return true
    }

    package mutating func renameColumn() -> Bool {
        let candidates = model.tables.indices.flatMap { t in
            model.tables[t].columns.map(\.name).filter { !model.viewUses(model.tables[t].name, column: $0) }.map { (t, $0) }
        }
        guard let (at, from) = random.pickIfAny(candidates) else { return false }
        let tableName = model.tables[at].name
        let table = model.tables[at]
        let to = newIdentifier("c") { table.column($0) == nil }
        func renamed(_ names: [String]) -> [String] { names.map { $0 == from ? to : $0 } }
        model.tables[at].columns[model.tables[at].columns.firstIndex { $0.name == from }!].name = to
        for c in model.tables[at].constraints.indices { model.tables[at].constraints[c].columns = renamed(model.tables[at].constraints[c].columns) }
        for i in model.tables[at].indexes.indices {
            model.tables[at].indexes[i].columns = renamed(model.tables[at].indexes[i].columns)
            model.tables[at].indexes[i].uniqueKey = model.tables[at].indexes[i].uniqueKey.map(renamed)
        }
        for t in model.tables.indices {
            for c in model.tables[t].constraints.indices where model.tables[t].constraints[c].referencedTable == tableName {
                model.tables[t].constraints[c].referencedColumns = renamed(model.tables[t].constraints[c].referencedColumns)
            }
        }
        emit("<rename-column\(attribute("table", tableName.xml))\(attribute("from", from))\(attribute("to", to))/>",
             orSQL: "ALTER TABLE \(sqlName(tableName)) RENAME COLUMN \(Quoting.identifier(from)) TO \(Quoting.identifier(to))", names: [tableName.schema, tableName.name, from, to])
        return true
    }

    // MARK: - Altering a column

    /// Types `column` may change to, and whether the change narrows (and so says `using`).
    package func typeChanges(of column: HistoryModel.Column, referencedByExpressions: Bool) -> [(HistoryModel.ColumnType, narrowing: Bool)] {
        var result: [(HistoryModel.ColumnType, Bool)] = []
        switch column.type {
        case .smallint: result = [(.integer, false), (.bigint, false)]
        case .integer: result = [(.bigint, false), (.smallint, true)]
        case .bigint: result = [(.integer, true)]
        case .numeric(let p, let s): result = [(.numeric(p + 4, s), false)] + (p - 2 >= s + 3 ? [(.numeric(p - 2, s), true)] : [])
        case .varchar(let n): result = [(.varchar(n + 40), false), (.varchar(max(50, n - 30)), n - 30 >= 50), (.text, false)]
        case .text: result = [(.varchar(120), true)] + (model.citext ? [(.citext, false)] : [])
        case .citext: result = [(.text, false)]
        case .boolean, .date, .enumeration: break
        }
        if column.identity == nil && !column.serial && column.defaultSQL == nil && !referencedByExpressions {
            switch column.type.family {
            case .integer: result.append((.text, true))
            case .text: result.append((.integer, true))
            case .enumeration: if case .enumeration(_, false) = column.type { result.append((.text, true)) }
            case .numeric, .boolean, .date: break
            }
        }
        if column.identity != nil || column.serial { result = result.filter { $0.0.isIdentityCapable } }
        return result.filter { $0.0 != column.type }
    }

    package mutating func alterColumn() -> Bool {
        let all = model.tables.indices.flatMap { t in model.tables[t].columns.indices.map { (t, $0) } }
        // Now and then a column with an identity or a default, which the rarer changes need.
        let focus = all.filter { random.chance(50) ? model.tables[$0.0].columns[$0.1].identity != nil : model.tables[$0.0].columns[$0.1].defaultSQL != nil }
        guard let (at, c) = random.pickIfAny(random.chance(30) && !focus.isEmpty ? focus : all) else { return false }
        let table = model.tables[at]
        var column = table.columns[c]
        let quoted = ident(column.name)
        var changes = ""
        var changed: [String] = []
        let inKey = table.constraints.contains { $0.kind == .primaryKey && $0.columns.contains(column.name) }
        let inForeignKey = table.constraints.contains { $0.kind == .foreignKey && $0.columns.contains(column.name) }
            || model.columnIsReferencedByForeignKey(table.name, column.name)
        let inExpressions = table.constraints.contains { $0.kind == .check && $0.columns.contains(column.name) }
            || table.indexes.contains { $0.columns.contains(column.name) && $0.uniqueKey == nil }

        if random.chance(35), !inForeignKey, !model.viewUses(table.name, column: column.name),
           let (type, narrowing) = random.pickIfAny(typeChanges(of: column, referencedByExpressions: inExpressions)) {
            changes += attribute("type", type.spelling(&random))
            if narrowing || column.type.family != type.family || random.chance(20) {
                let target = type.spelling(&random)
                changes += attribute("using", "\(quoted)::\(target)")
                note("alter-column type narrowing with using")
            } else {
                note("alter-column type widening")
            }
            column.type = type
            changed.append("type")
        }
        if random.chance(30) {
            if column.nullable {
                column.nullable = false
                changes += " nullable=\"false\""
                changed.append("nullable")
            } else if !inKey && column.identity == nil {
                column.nullable = true
                changes += " nullable=\"true\""
                changed.append("nullable")
            }
        }
        if column.identity == nil && random.chance(30) {
            if column.defaultSQL != nil && random.chance(50) {
                column.defaultSQL = nil
                changes += " drop-default=\"true\""
                note("alter-column drop-default")
                changed.append("default")
            } else if let value = defaultValue(for: column.type) {
                column.defaultSQL = value
                changes += attribute("default", value)
                note("alter-column default")
                changed.append("default")
            }
        }
        if random.chance(column.identity == nil ? 30 : 60) && !changed.contains("default") {
            if let identity = column.identity {
                if random.chance(50) {
                    column.identity = nil
                    if let sequence = column.sequence { model.release(table.name.renamed(sequence)) }
                    column.sequence = nil
                    changes += " drop-identity=\"true\""
                    note("alter-column drop-identity")
                } else {
                    column.identity = identity == "always" ? "by-default" : "always"
                    changes += attribute("identity", column.identity!)
                    note("alter-column identity")
                }
                changed.append("identity")
            } else if column.type.isIdentityCapable && column.defaultSQL == nil && !column.serial && !changed.contains("nullable") {
                if column.nullable {
                    column.nullable = false
                    changes += " nullable=\"false\""
                    changed.append("nullable")
                }
                column.identity = random.pick(["always", "by-default"])
                nameSequence(of: &column, in: table.name)
                changes += attribute("identity", column.identity!)
                note("alter-column identity")
                changed.append("identity")
            }
        }
        if random.chance(25) || changed.isEmpty {
            let text = random.chance(25) ? "" : WildText.value(&random)
            column.comment = text.isEmpty ? nil : text
            changes += attribute("comment", text)
            note("alter-column comment")
            changed.append("comment")
        }
        if changed.contains("nullable") { note("alter-column nullable") }
        model.tables[at].columns[c] = column
        emit("<alter-column\(attribute("table", table.name.xml))\(attribute("column", column.name))\(changes)/>")
        return true
    }
}
