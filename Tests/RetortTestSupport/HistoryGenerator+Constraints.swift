/// Constraints and indexes.
extension HistoryGenerator {
    // MARK: - Constraints

    /// A check on one or two columns of `table`, the columns it names and the enum value it
    /// compares with, if any.
    package mutating func checkExpression(on table: HistoryModel.Table) -> (String, [String], enumValue: String?)? {
        guard let column = random.pickIfAny(table.columns) else { return nil }
        let c = ident(column.name)
        if random.chance(15), let other = random.pickIfAny(table.columns.filter { $0.name != column.name }) {
            return ("\(c) IS NOT NULL OR \(ident(other.name)) IS NULL", [column.name, other.name], nil)
        }
        switch column.type {
        case .smallint, .integer, .bigint, .numeric:
            return (random.pick(["\(c) > -100", "\(c) BETWEEN -1000 AND 100000", "abs(\(c)) < 1000000"]), [column.name], nil)
        case .text, .varchar, .citext:
            let literal = WildText.literal(WildText.value(&random), &random)
            return (random.pick(["length(\(c)) < 500", "\(c) <> \(literal)", "\(literal) <> \(c)::text"]), [column.name], nil)
        case .enumeration(let type, false):
            guard let value = random.pickIfAny(model.enums.first { $0.name == type }!.values), random.chance(50) else { return ("\(c) IS NOT NULL", [column.name], nil) }
            return ("\(c) <> \(WildText.literal(value, &random))", [column.name], value)
        case .boolean, .date, .enumeration:
            return ("\(c) IS NOT NULL", [column.name], nil)
        }
    }

    package mutating func addPrimaryKey() -> Bool {
        let candidates = model.tables.indices.filter { model.tables[$0].primaryKey == nil && !model.tables[$0].columns.isEmpty }
        guard let at = random.pickIfAny(candidates) else { return false }
        let table = model.tables[at]
        let keyable = table.columns.filter { if case .enumeration(_, true) = $0.type { false } else { true } }
        guard let first = random.pickIfAny(keyable) else { return false }
        var columns = [first.name]
        if random.chance(25), let second = random.pickIfAny(keyable.filter { $0.name != first.name }) { columns.append(second.name) }
        let explicit = random.chance(30) ? newObjectName("pk", in: table.name.schema).name : nil
        let name = explicit ?? model.chooseRelationName(table.name, nil, "pkey", isConstraint: true)
        model.take(table.name.renamed(name))
        model.takeConstraintName(table.name.renamed(name))
        model.tables[at].constraints.append(.init(name: name, kind: .primaryKey, columns: columns))
        for i in model.tables[at].columns.indices where columns.contains(model.tables[at].columns[i].name) { model.tables[at].columns[i].nullable = false }
        emit("<add-primary-key\(attribute("table", table.name.xml))\(attribute("columns", list(columns)))\(explicit.map { attribute("name", $0) } ?? "")/>")
        return true
    }

    package mutating func addUnique() -> Bool {
        guard let at = random.pickIfAny(Array(model.tables.indices)) else { return false }
        let table = model.tables[at]
        let keyable = table.columns.filter { if case .enumeration(_, true) = $0.type { false } else { true } }
        guard let first = random.pickIfAny(keyable) else { return false }
        var columns = [first.name]
        if let existing = table.constraints.first(where: \.ownsIndex), random.chance(20) {
            columns = existing.columns  // the same key twice, as PostgreSQL allows through ALTER TABLE
        } else if random.chance(30), let second = random.pickIfAny(keyable.filter { $0.name != first.name }) {
            columns.append(second.name)
        }
        let explicit = random.chance(30) ? newObjectName("uq", in: table.name.schema).name : nil
        let name = explicit ?? model.chooseRelationName(table.name, HistoryModel.columnPart(columns), "key", isConstraint: true)
        model.take(table.name.renamed(name))
        model.takeConstraintName(table.name.renamed(name))
        var options = ""
        let deferrable = random.chance(15)
        if deferrable { options += " deferrable=\"\(random.pick(["true", "initially-deferred"]))\"" }
        if random.chance(15) { options += " nulls-not-distinct=\"true\"" }
        model.tables[at].constraints.append(.init(name: name, kind: .unique, columns: columns, deferrable: deferrable))
        emit("<add-unique\(attribute("table", table.name.xml))\(attribute("columns", list(columns)))\(explicit.map { attribute("name", $0) } ?? "")\(options)/>")
        return true
    }

    package mutating func addCheck() -> Bool {
        guard let at = random.pickIfAny(Array(model.tables.indices)), let (expression, columns, enumValue) = checkExpression(on: model.tables[at]) else { return false }
        let table = model.tables[at]
        let explicit = random.chance(30) ? newObjectName("ck", in: table.name.schema).name : nil
        let name = explicit ?? model.chooseConstraintName(table.name, columns.count == 1 ? columns[0] : nil, "check")
        model.takeConstraintName(table.name.renamed(name))
        let notValid = random.chance(40)
        if notValid { note("add-check not-valid") }
        model.tables[at].constraints.append(.init(name: name, kind: .check, columns: columns, notValid: notValid, enumValue: enumValue))
        emit("<add-check\(attribute("table", table.name.xml))\(attribute("expression", expression))\(explicit.map { attribute("name", $0) } ?? "")\(notValid ? " not-valid=\"true\"" : "")/>")
        return true
    }

    package mutating func addForeignKey() -> Bool {
        guard let at = random.pickIfAny(Array(model.tables.indices)), let (target, key) = referenceableKey(from: model.tables[at]) else { return false }
        var table = model.tables[at]
        // Columns of the referenced types: existing ones that match, else new ones.
        var columns: [String] = []
        for referenced in key {
            let type = target.column(referenced)!.type
            if let existing = random.pickIfAny(table.columns.filter { $0.type == type && !columns.contains($0.name) && $0.identity == nil }), random.chance(60) {
                columns.append(existing.name)
            } else {
                var column = newColumn(in: table, type: type, taken: columns)
                column.defaultSQL = nil
                table.columns.append(column)
                columns.append(column.name)
                emit("<add-column\(attribute("table", table.name.xml))>\(columnElement(column))</add-column>")
            }
        }
        let explicit = random.chance(30) ? newObjectName("fk", in: table.name.schema).name : nil
        let name = explicit ?? model.chooseConstraintName(table.name, HistoryModel.columnPart(columns), "fkey")
        model.takeConstraintName(table.name.renamed(name))
        let notValid = random.chance(40)
        if notValid { note("add-foreign-key not-valid") }
        var options = referentialActions()
        if random.chance(15) { options += " match=\"full\"" }
        if random.chance(15) { options += " deferrable=\"\(random.pick(["true", "initially-deferred"]))\"" }
        if notValid { options += " not-valid=\"true\"" }
        let references = target.name == table.name && random.chance(30) && key == table.primaryKey?.columns ? target.name.xml : "\(target.name.xml)(\(list(key)))"
        table.constraints.append(.init(name: name, kind: .foreignKey, columns: columns, referencedTable: target.name, referencedColumns: key, notValid: notValid))
        model.tables[at] = table
        emit("<add-foreign-key\(attribute("table", table.name.xml))\(attribute("columns", list(columns)))\(attribute("references", references))\(explicit.map { attribute("name", $0) } ?? "")\(options)/>")
        return true
    }

    package mutating func validateConstraint() -> Bool {
        let candidates = model.tables.indices.flatMap { t in model.tables[t].constraints.indices.filter { model.tables[t].constraints[$0].notValid }.map { (t, $0) } }
        guard let (at, c) = random.pickIfAny(candidates) else { return false }
        let constraint = model.tables[at].constraints[c]
        model.tables[at].constraints[c].notValid = false
        note(constraint.kind == .check ? "validate-constraint check" : "validate-constraint foreign-key")
        emit("<validate-constraint\(attribute("table", model.tables[at].name.xml))\(attribute("name", constraint.name))/>")
        return true
    }

    /// Whether some foreign key references exactly the columns of this key (PostgreSQL ties
    /// the foreign key to one such index and refuses to drop it).
    package func keyIsReferenced(_ table: HistoryModel.Table, _ columns: [String]) -> Bool {
        model.foreignKeys(referencing: table.name).contains { Set($0.1.referencedColumns) == Set(columns) }
    }

    package mutating func dropConstraint() -> Bool {
        let candidates = model.tables.indices.flatMap { t in
            model.tables[t].constraints.indices.filter { c in
                let constraint = model.tables[t].constraints[c]
                return !(constraint.ownsIndex && keyIsReferenced(model.tables[t], constraint.columns))
            }.map { (t, $0) }
        }
        guard let (at, c) = random.pickIfAny(candidates) else { return false }
        let constraint = model.tables[at].constraints.remove(at: c)
        releaseConstraint(constraint, of: model.tables[at].name)
        if constraint.name.hasAnySuffix(["_pkey", "_key", "_check", "_fkey"]) { note("drop-constraint unnamed") }
        emit("<drop-constraint\(attribute("table", model.tables[at].name.xml))\(attribute("name", constraint.name))/>")
        return true
    }

    package mutating func renameConstraint() -> Bool {
        let candidates = model.tables.indices.flatMap { t in model.tables[t].constraints.indices.map { (t, $0) } }
        guard let (at, c) = random.pickIfAny(candidates) else { return false }
        let table = model.tables[at]
        let old = table.constraints[c]
        let new = newObjectName("con", in: table.name.schema).name
        releaseConstraint(old, of: table.name)
        model.tables[at].constraints[c].name = new
        model.takeConstraintName(table.name.renamed(new))
        if old.ownsIndex { model.take(table.name.renamed(new)) }
        if old.name.hasAnySuffix(["_pkey", "_key", "_check", "_fkey"]) { note("rename-constraint unnamed") }
        emit("<rename-constraint\(attribute("table", table.name.xml))\(attribute("from", old.name))\(attribute("to", new))/>")
        return true
    }

    // MARK: - Indexes

    /// A new index on `table` with its predicted name, as a `create-index` (or, in a
    /// `create-table`, an `<index>`) element without the closing `/>`.
    package mutating func newIndex(on table: HistoryModel.Table, inCreateTable: Bool) -> (model: HistoryModel.Index, element: String)? {
        let indexable = table.columns.filter { if case .enumeration(_, true) = $0.type { false } else { true } }
        guard let first = random.pickIfAny(indexable) else { return nil }
        var element = inCreateTable ? "<index" : "<create-index\(attribute("table", table.name.xml))"
        var columns: [String] = []
        var partNames: [String] = []
        var uniqueKey: [String]?
        let unique = random.chance(30)
        if unique { element += " unique=\"true\"" }
        if random.chance(35) {
            let c = ident(first.name)
            let expression: String
            switch first.type.family {
            case .text:
                (expression, partNames) = random.pick([("lower(\(c))", ["lower"]), ("\(c)::text", [first.name]), ("coalesce(\(c), '')", ["coalesce"])])
            case .integer, .numeric:
                (expression, partNames) = random.pick([("\(c) + 1", ["expr"]), ("abs(\(c))", ["abs"]), ("\(c)::numeric", [first.name])])
            case .boolean, .date, .enumeration:
                (expression, partNames) = ("(\(c))", [first.name])
            }
            columns = [first.name]
            element += attribute("expression", expression)
            note("create-index expression")
        } else {
            columns = [first.name]
            if random.chance(30), let second = random.pickIfAny(indexable) { columns.append(second.name) }
            partNames = columns
            element += attribute("columns", list(columns))
            if !unique && columns.count == 1 && random.chance(15) {
                element += " method=\"hash\""
            } else if random.chance(20), let included = random.pickIfAny(indexable.filter { !columns.contains($0.name) }) {
                element += attribute("include", included.name)
                partNames.append(included.name)
                columns.append(included.name)
            } else if unique {
                uniqueKey = columns
            }
        }
        if random.chance(25), let other = random.pickIfAny(table.columns) {
            element += attribute("where", "\(ident(other.name)) IS NOT NULL")
            columns.append(other.name)
            uniqueKey = nil
            note("create-index partial")
        }
        if uniqueKey.map({ Set($0).count != $0.count }) ?? false { uniqueKey = nil }
        let explicit = random.chance(30) ? newObjectName("ix", in: table.name.schema).name : nil
        let name = explicit ?? model.chooseRelationName(table.name, HistoryModel.indexPart(partNames), "idx", isConstraint: false)
        if let explicit { element += attribute("name", explicit) }
        if random.chance(15) { element += attribute("comment", WildText.value(&random)) }
        model.take(table.name.renamed(name))
        if unique { note("create-index unique") }
        return (HistoryModel.Index(name: name, columns: columns, uniqueKey: unique ? uniqueKey : nil), element + "/>")
    }

    package mutating func createIndex() -> Bool {
        guard let at = random.pickIfAny(Array(model.tables.indices)), var (index, element) = newIndex(on: model.tables[at], inCreateTable: false) else { return false }
        if random.chance(30) {
            element = String(element.dropLast(2)) + " concurrently=\"true\"/>"
            note("create-index concurrently")
        }
        index.columns = Array(Set(index.columns)).sorted()
        model.tables[at].indexes.append(index)
        emit(element)
        return true
    }

    package var regularIndexes: [(Int, Int)] {
        model.tables.indices.flatMap { t in
            model.tables[t].indexes.indices.filter { i in
                model.tables[t].indexes[i].uniqueKey.map { !keyIsReferenced(model.tables[t], $0) } ?? true
            }.map { (t, $0) }
        }
    }

    package mutating func dropIndex() -> Bool {
        guard let (at, i) = random.pickIfAny(regularIndexes) else { return false }
        let table = model.tables[at]
        let index = model.tables[at].indexes.remove(at: i)
        model.release(table.name.renamed(index.name))
        if index.name.hasSuffix("_idx") { note("drop-index unnamed") }
        let concurrently = random.chance(30) ? " concurrently=\"true\"" : ""
        emit("<drop-index\(attribute("name", table.name.renamed(index.name).xml))\(concurrently)/>")
        return true
    }

    package mutating func renameIndex() -> Bool {
        guard let (at, i) = random.pickIfAny(regularIndexes) else { return false }
        let table = model.tables[at]
        let old = table.indexes[i].name
        let new = newObjectName("ix", in: table.name.schema).name
        model.release(table.name.renamed(old))
        model.take(table.name.renamed(new))
        model.tables[at].indexes[i].name = new
        if old.hasSuffix("_idx") { note("rename-index unnamed") }
        emit("<rename-index\(attribute("from", table.name.renamed(old).xml))\(attribute("to", new))/>")
        return true
    }
}
