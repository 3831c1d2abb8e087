/// Schemas, extensions, enums, sequences, views, comments and raw SQL.
extension HistoryGenerator {
    // MARK: - Schemas, extensions, enums, sequences

    package mutating func createSchema() -> Bool {
        let schemas = model.schemas
        let name = newIdentifier("s", typeSafe: true) { !schemas.contains($0) }
        model.schemas.append(name)
        let comment = random.chance(40) ? attribute("comment", WildText.value(&random)) : ""
        emit("<create-schema\(attribute("name", name))\(comment)/>")
        return true
    }

    package mutating func dropSchema() -> Bool {
        guard let schema = random.pickIfAny(model.schemas.dropFirst().filter(model.schemaIsEmpty)) else { return false }
        model.schemas.removeAll { $0 == schema }
        emit("<drop-schema\(attribute("name", schema))/>")
        return true
    }

    package mutating func createExtension() -> Bool {
        guard !model.citext else { return false }
        model.citext = true
        emit("<create-extension name=\"citext\"/>")
        return true
    }

    /// Drops citext after turning the columns that use it into text columns.
    package mutating func dropExtension() -> Bool {
        let users = model.tables.indices.flatMap { t in model.tables[t].columns.indices.filter { model.tables[t].columns[$0].type == .citext }.map { (t, $0) } }
        guard model.citext, users.allSatisfy({ !model.viewUses(model.tables[$0.0].name, column: model.tables[$0.0].columns[$0.1].name) }) else { return false }
        for (t, c) in users {
            model.tables[t].columns[c].type = .text
            emit("<alter-column\(attribute("table", model.tables[t].name.xml))\(attribute("column", model.tables[t].columns[c].name)) type=\"text\"/>")
        }
        model.citext = false
        emit("<drop-extension name=\"citext\"/>")
        return true
    }

    package mutating func newEnumValue(for values: [String]) -> String {
        while true {
            counter += 1
            let value = random.chance(50) ? WildText.value(&random) + " \(counter)" : "v\(counter)"
            if !values.contains(value) { return value }
        }
    }

    package mutating func createEnum() -> Bool {
        let name = newObjectName("e", in: random.pick(model.schemas), typeSafe: true)
        var values: [String] = []
        for _ in 0..<random.between(1...4) { values.append(newEnumValue(for: values)) }
        model.enums.append(HistoryModel.Enumeration(name: name, values: values))
        model.take(name)
        let items = values.map { "<value>\(WildText.xmlText($0))</value>" }.joined()
        emit("<create-enum\(attribute("name", name.xml))>\(items)</create-enum>")
        return true
    }

    package mutating func dropEnum() -> Bool {
        guard let type = random.pickIfAny(model.enums.filter { model.columnsUsing($0.name).isEmpty }) else { return false }
        model.enums.removeAll { $0.name == type.name }
        model.release(type.name)
        emit("<drop-enum\(attribute("name", type.name.xml))/>")
        return true
    }

    package mutating func addEnumValue() -> Bool {
        guard let at = random.pickIfAny(Array(model.enums.indices)) else { return false }
        let type = model.enums[at]
        let value = newEnumValue(for: type.values)
        var placement = ""
        let neighbour = random.pick(type.values)
        let position = type.values.firstIndex(of: neighbour)!
        switch random.below(3) {
        case 0:
            placement = attribute("before", neighbour)
            model.enums[at].values.insert(value, at: position)
            note("add-enum-value before")
        case 1:
            placement = attribute("after", neighbour)
            model.enums[at].values.insert(value, at: position + 1)
            note("add-enum-value after")
        default:
            model.enums[at].values.append(value)
        }
        emit("<add-enum-value\(attribute("enum", type.name.xml))\(attribute("value", value))\(placement)/>")
        return true
    }

    package mutating func renameEnumValue() -> Bool {
        guard let at = random.pickIfAny(Array(model.enums.indices)) else { return false }
        let type = model.enums[at]
        // Retort refuses to rename a value that a check compares an enum column with.
        let compared = Set(model.tables.flatMap { $0.constraints.compactMap(\.enumValue) })
        guard let from = random.pickIfAny(type.values.filter { !compared.contains($0) }) else { return false }
        let to = newEnumValue(for: type.values)
        model.enums[at].values[type.values.firstIndex(of: from)!] = to
        emit("<rename-enum-value\(attribute("enum", type.name.xml))\(attribute("from", from))\(attribute("to", to))/>")
        return true
    }

    package mutating func createSequence() -> Bool {
        let name = newObjectName("seq", in: random.pick(model.schemas))
        model.sequences.append(name)
        model.take(name)
        var options = ""
        if random.chance(50) { options += attribute("type", random.pick(["smallint", "integer", "bigint"])) }
        let increment = random.chance(30) ? random.pick([2, 10, -1]) : nil
        // A descending sequence starts at or below its maximum, -1.
        if random.chance(50) { options += attribute("start", String(random.between(1...1000) * ((increment ?? 1) < 0 ? -1 : 1))) }
        if let increment { options += attribute("increment", String(increment)) }
        if random.chance(30) { options += attribute("comment", WildText.value(&random)) }
        emit("<create-sequence\(attribute("name", name.xml))\(options)/>")
        return true
    }

    package mutating func dropSequence() -> Bool {
        guard let name = random.pickIfAny(model.sequences) else { return false }
        model.sequences.removeAll { $0 == name }
        model.release(name)
        emit("<drop-sequence\(attribute("name", name.xml))/>")
        return true
    }


    // MARK: - Views, comments, raw SQL

    package mutating func createView() -> Bool {
        let candidates = model.tables.filter { $0.columns.contains { $0.type.family != .enumeration } }
        guard let table = random.pickIfAny(candidates) else { return false }
        let usable = table.columns.filter { $0.type.family != .enumeration }
        var columns = [random.pick(usable).name]
        if random.chance(50), let second = random.pickIfAny(usable.filter { !columns.contains($0.name) }) { columns.append(second.name) }
        let name = newObjectName("v", in: random.pick(model.schemas))
        let materialized = random.chance(30)
        model.take(name)
        model.views.append(HistoryModel.View(name: name, table: table.name, columns: columns, materialized: materialized))
        var body = "SELECT \(columns.map { ident($0) }.joined(separator: ", ")) FROM \(qualified(table.name))"
        if random.chance(40) { body += "\nWHERE \(ident(columns[0])) IS NOT NULL" }
        if materialized { note("create-view materialized") }
        let comment = random.chance(20) ? attribute("comment", WildText.value(&random)) : ""
        emit("<create-view\(attribute("name", name.xml))\(materialized ? " materialized=\"true\"" : "")\(comment)>\(WildText.xmlText(body))</create-view>")
        return true
    }

    package mutating func dropView() -> Bool {
        guard let view = random.pickIfAny(model.views) else { return false }
        model.views.removeAll { $0.name == view.name }
        model.release(view.name)
        emit("<drop-view\(attribute("name", view.name.xml))\(view.materialized ? " materialized=\"true\"" : "")/>")
        return true
    }

    package mutating func comment() -> Bool {
        var targets: [(feature: String, attributes: String)] = []
        for table in model.tables {
            targets.append(("comment table", attribute("table", table.name.xml)))
            if let column = random.pickIfAny(table.columns) {
                targets.append(("comment column", attribute("table", table.name.xml) + attribute("column", column.name)))
            }
            for index in table.indexes { targets.append(("comment index", attribute("index", table.name.renamed(index.name).xml))) }
            for column in table.columns where column.serial {
                targets.append(("comment sequence", attribute("sequence", table.name.renamed(column.sequence!).xml)))
            }
        }
        targets += model.views.map { ("comment view", attribute("view", $0.name.xml)) }
        targets += model.enums.map { ("comment enum", attribute("enum", $0.name.xml)) }
        targets += model.schemas.map { ("comment schema", attribute("schema", $0)) }
        targets += model.sequences.map { ("comment sequence", attribute("sequence", $0.xml)) }
        // Half the time a kind of object that has had the fewest comments, so every kind gets some.
        let fewest = targets.map { features[$0.feature, default: 0] }.min()
        guard let target = random.pickIfAny(random.chance(50) ? targets.filter { features[$0.feature, default: 0] == fewest } : targets) else { return false }
        note(target.feature)
        let text = random.chance(15) ? "" : WildText.value(&random)
        if text.isEmpty || text.first!.isWhitespace || text.last!.isWhitespace || random.chance(40) {
            emit("<comment\(target.attributes)\(attribute("text", text))/>")
        } else {
            emit("<comment\(target.attributes)>\(WildText.xmlText(text))</comment>")
        }
        return true
    }

    package mutating func rawSQL() -> Bool {
        guard let table = random.pickIfAny(model.tables), let column = random.pickIfAny(table.columns.filter { $0.identity != "always" }) else { return false }
        let t = qualified(table.name), c = ident(column.name)
        let text = WildText.literal(WildText.value(&random), &random)
        let (forward, reverse): (String, String?) = random.pick([
            ("UPDATE \(t) SET \(c) = \(c) WHERE false", "UPDATE \(t) SET \(c) = \(c) WHERE \(c) IS NULL AND false"),
            ("DELETE FROM \(t) WHERE \(text) = 'no such value'", ""),
            ("DO $$BEGIN PERFORM 1; END$$", "DO $x$BEGIN PERFORM \(text); END$x$"),
            ("VACUUM \(t)", ""),
            ("ANALYZE \(t);\nUPDATE \(t) SET \(c) = \(c) WHERE false;", "ANALYZE \(t)"),
        ])
        note(reverse?.isEmpty == true ? "sql empty reverse" : "sql forward and reverse")
        let reverseElement = reverse.map { $0.isEmpty ? "<reverse/>" : "<reverse>\(WildText.xmlText($0))</reverse>" } ?? ""
        emit("<sql><forward>\(WildText.xmlText(forward))</forward>\(reverseElement)</sql>")
        return true
    }
}
