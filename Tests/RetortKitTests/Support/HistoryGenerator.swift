/// Random but valid revision histories, reproducible from a seed: revision files that
/// together use every operation of SPEC §2.3, each valid for Retort and for PostgreSQL 15
/// because the generator tracks the schema the way PostgreSQL does (`HistoryModel`). Mostly
/// a line; now and then a revision on a branch of its own (a new, independent table) and a
/// merge revision that joins the two heads.
///
/// Revisions are produced one at a time and never depend on how many will follow, so the
/// first n revisions of a seed are the same whatever the history's length: a failing history
/// shrinks to a prefix by generating fewer revisions.
///
/// Tables stay empty (raw SQL only touches no rows), so NOT NULL columns without defaults,
/// narrowing type changes and validations are always accepted by the server. Identifiers and
/// values come from `WildText`, so quoting is exercised by every operation. Unnamed
/// constraints and indexes are later dropped, renamed, validated and commented on by the name
/// PostgreSQL gives them, predicted by `HistoryModel`.
struct HistoryGenerator {
    struct Revision {
        var id: String
        var stem: String
        var xml: String
    }

    enum Operation: String, CaseIterable {
        case createSchema = "create-schema", dropSchema = "drop-schema"
        case createExtension = "create-extension", dropExtension = "drop-extension"
        case createEnum = "create-enum", dropEnum = "drop-enum"
        case addEnumValue = "add-enum-value", renameEnumValue = "rename-enum-value"
        case createSequence = "create-sequence", dropSequence = "drop-sequence"
        case createTable = "create-table", dropTable = "drop-table", renameTable = "rename-table"
        case addColumn = "add-column", dropColumn = "drop-column", renameColumn = "rename-column"
        case alterColumn = "alter-column"
        case addPrimaryKey = "add-primary-key", addUnique = "add-unique", addCheck = "add-check"
        case addForeignKey = "add-foreign-key", validateConstraint = "validate-constraint"
        case dropConstraint = "drop-constraint", renameConstraint = "rename-constraint"
        case createIndex = "create-index", dropIndex = "drop-index", renameIndex = "rename-index"
        case createView = "create-view", dropView = "drop-view"
        case comment, sql
    }

    /// Variants the histories must contain besides every operation (a test checks them).
    static let requiredFeatures = [
        "add-enum-value before", "add-enum-value after", "alter-column type widening",
        "alter-column type narrowing with using", "alter-column nullable", "alter-column default",
        "alter-column drop-default", "alter-column identity", "alter-column drop-identity",
        "alter-column comment", "add-check not-valid", "add-foreign-key not-valid",
        "validate-constraint check", "validate-constraint foreign-key",
        "create-index concurrently", "create-index unique", "create-index partial", "create-index expression",
        "drop-constraint unnamed", "rename-constraint unnamed", "drop-index unnamed", "rename-index unnamed",
        "comment table", "comment column", "comment view", "comment index", "comment enum",
        "comment schema", "comment sequence", "sql forward and reverse", "sql empty reverse",
        "create-table serial", "create-table identity", "create-view materialized", "branch", "merge",
    ] + Operation.allCases.map(\.rawValue)

    /// Every how many revisions a branch starts.
    static let branchEvery = 25

    private var random: SplitMix64
    private(set) var model = HistoryModel()
    /// How often each operation and feature was used.
    private(set) var features: [String: Int] = [:]
    private var produced = 0
    private var counter = 0
    /// The ids the next revision builds on: the last revision, or after a branch revision
    /// the two heads the next one merges.
    private var heads: [String] = []
    /// The parents of the last revision, where a branch forks from.
    private var lastParents: [String] = []
    /// The current revision's operation elements.
    private var elements: [String] = []

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    /// The first `count` revisions of `seed`'s history, and the features they use.
    static func history(seed: UInt64, count: Int) -> (revisions: [Revision], features: [String: Int]) {
        var generator = HistoryGenerator(seed: seed)
        let revisions = (0..<count).map { _ in generator.nextRevision() }
        return (revisions, generator.features)
    }

    mutating func nextRevision() -> Revision {
        produced += 1
        elements = []
        let id = "r" + String(produced).leftPadded(to: 4)
        var parents = heads
        if heads.count == 2 {
            note("merge")
            performOperations(random.between(0...3))
            heads = [id]
        } else if produced % Self.branchEvery == 0 && lastParents.count == 1 {
            // A sibling of the last revision, so the two become heads.
            parents = lastParents
            note("branch")
            createBranchTable()
            heads.append(id)
        } else {
            performOperations(random.between(1...4))
            heads = [id]
        }
        lastParents = parents
        let parent = parents.isEmpty ? "" : " parent=\"\(parents.joined(separator: " "))\""
        let message = WildText.xmlAttribute("revision \(produced): " + WildText.value(&random))
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <revision id="\(id)"\(parent) message="\(message)" format="1">
              <upgrade>
            \(elements.map { "    " + $0 }.joined(separator: "\n"))
              </upgrade>
            </revision>

            """
        return Revision(id: id, stem: "\(String(produced).leftPadded(to: 4))_generated", xml: xml)
    }

    // MARK: - Choosing

    private mutating func performOperations(_ wanted: Int) {
        var attempts = 0
        while elements.count < wanted && attempts < 500 {
            attempts += 1
            if random.chance(25) {
                performLeastUsed()
            } else {
                _ = perform(chooseOperation())
            }
        }
    }

    /// Works towards the least used of `requiredFeatures` (an operation or a variant of
    /// one), so every history holds all of them: tries its operation on copies of the
    /// generator until one produces the feature, and keeps that copy.
    private mutating func performLeastUsed() {
        let byUse = Self.requiredFeatures.enumerated()
            .sorted { (features[$0.element, default: 0], $0.offset) < (features[$1.element, default: 0], $1.offset) }
            .map(\.element)
        for feature in byUse.prefix(6) {
            // Branches and merges come at fixed intervals, not from operations.
            guard let operation = Operation(rawValue: String(feature.prefix { $0 != " " })) else { continue }
            for _ in 0..<8 {
                _ = random.next()
                var attempt = self
                if attempt.perform(operation), attempt.features[feature, default: 0] > features[feature, default: 0] {
                    self = attempt
                    return
                }
            }
        }
    }

    /// An operation by weight: mostly columns, constraints and indexes, tables kept between a few and a dozen.
    private mutating func chooseOperation() -> Operation {
        let tableCount = model.tables.count
        let weighted: [(Operation, Int)] = Operation.allCases.map { operation in
            let weight: Int = switch operation {
            case .createTable: tableCount < 4 ? 30 : (tableCount > 10 ? 2 : 8)
            case .dropTable: tableCount > 8 ? 10 : 2
            case .alterColumn: 20
            case .addColumn, .createIndex, .addCheck, .addForeignKey, .addUnique: 8
            case .comment, .renameColumn, .dropColumn, .dropConstraint, .renameConstraint: 5
            default: 3
            }
            return (operation, weight)
        }
        var roll = random.below(weighted.reduce(0) { $0 + $1.1 })
        for (operation, weight) in weighted {
            if roll < weight { return operation }
            roll -= weight
        }
        return .sql
    }

    /// Appends `operation` to the revision if it applies to the schema; returns whether it did.
    private mutating func perform(_ operation: Operation) -> Bool {
        let done: Bool = switch operation {
        case .createSchema: createSchema()
        case .dropSchema: dropSchema()
        case .createExtension: createExtension()
        case .dropExtension: dropExtension()
        case .createEnum: createEnum()
        case .dropEnum: dropEnum()
        case .addEnumValue: addEnumValue()
        case .renameEnumValue: renameEnumValue()
        case .createSequence: createSequence()
        case .dropSequence: dropSequence()
        case .createTable: createTable()
        case .dropTable: dropTable()
        case .renameTable: renameTable()
        case .addColumn: addColumn()
        case .dropColumn: dropColumn()
        case .renameColumn: renameColumn()
        case .alterColumn: alterColumn()
        case .addPrimaryKey: addPrimaryKey()
        case .addUnique: addUnique()
        case .addCheck: addCheck()
        case .addForeignKey: addForeignKey()
        case .validateConstraint: validateConstraint()
        case .dropConstraint: dropConstraint()
        case .renameConstraint: renameConstraint()
        case .createIndex: createIndex()
        case .dropIndex: dropIndex()
        case .renameIndex: renameIndex()
        case .createView: createView()
        case .dropView: dropView()
        case .comment: comment()
        case .sql: rawSQL()
        }
        if done { note(operation.rawValue) }
        return done
    }

    private mutating func note(_ feature: String) { features[feature, default: 0] += 1 }

    private mutating func emit(_ element: String) { elements.append(element) }

    // MARK: - Names and values

    /// A new identifier that `isFree` accepts, around a base word unique to this history.
    private mutating func newIdentifier(_ prefix: String, typeSafe: Bool = false, long: Bool = true, isFree: (String) -> Bool) -> String {
        while true {
            counter += 1
            let name = WildText.identifier("\(prefix)\(counter)", &random, typeSafe: typeSafe, long: long)
            if isFree(name) { return name }
        }
    }

    /// A name for a new relation, type or explicitly named constraint in `schema`.
    private mutating func newObjectName(_ prefix: String, in schema: String, typeSafe: Bool = false, long: Bool = true) -> HistoryModel.Name {
        let model = self.model
        let name = newIdentifier(prefix, typeSafe: typeSafe, long: long) {
            let candidate = HistoryModel.Name(schema: schema, name: $0)
            return !model.isTaken(candidate) && !model.constraintNameUsed(candidate)
        }
        return HistoryModel.Name(schema: schema, name: name)
    }

    private mutating func ident(_ name: String) -> String { WildText.sqlIdentifier(name, &random) }

    private mutating func qualified(_ name: HistoryModel.Name) -> String {
        name.schema == "public" && random.chance(50) ? ident(name.name) : ident(name.schema) + "." + ident(name.name)
    }

    /// ` name="value"` with the value escaped for an attribute.
    private func attribute(_ name: String, _ value: String) -> String { " \(name)=\"\(WildText.xmlAttribute(value))\"" }

    private func list(_ names: [String]) -> String { names.joined(separator: ", ") }

    /// A literal of `type` that PostgreSQL accepts as a default.
    private mutating func defaultValue(for type: HistoryModel.ColumnType) -> String? {
        switch type {
        case .smallint, .integer, .bigint: return random.pick(["0", "1", "42", "-7"])
        case .numeric: return random.pick(["0", "1.5", "-2.25"])
        case .text, .varchar, .citext: return WildText.literal(WildText.value(&random), &random)
        case .boolean: return random.pick(["true", "false"])
        case .date: return random.pick(["CURRENT_DATE", "'2024-02-29'"])
        case .enumeration(let name, let array):
            if array { return "'{}'" }
            return WildText.literal(random.pick(model.enums.first { $0.name == name }!.values), &random)
        }
    }


    private mutating func randomType() -> HistoryModel.ColumnType {
        var choices: [HistoryModel.ColumnType] = [.smallint, .integer, .integer, .bigint, .bigint, .numeric(10, 2), .text, .text,
                                                   .varchar(random.pick([50, 80, 120])), .boolean, .date]
        if model.citext && random.chance(50) { choices.append(.citext) }
        if let type = random.pickIfAny(model.enums) { choices.append(.enumeration(type.name, array: random.chance(25))) }
        return random.pick(choices)
    }

    // MARK: - Schemas, extensions, enums, sequences

    private mutating func createSchema() -> Bool {
        let schemas = model.schemas
        let name = newIdentifier("s", typeSafe: true) { !schemas.contains($0) }
        model.schemas.append(name)
        let comment = random.chance(40) ? attribute("comment", WildText.value(&random)) : ""
        emit("<create-schema\(attribute("name", name))\(comment)/>")
        return true
    }

    private mutating func dropSchema() -> Bool {
        guard let schema = random.pickIfAny(model.schemas.dropFirst().filter(model.schemaIsEmpty)) else { return false }
        model.schemas.removeAll { $0 == schema }
        emit("<drop-schema\(attribute("name", schema))/>")
        return true
    }

    private mutating func createExtension() -> Bool {
        guard !model.citext else { return false }
        model.citext = true
        emit("<create-extension name=\"citext\"/>")
        return true
    }

    /// Drops citext after turning the columns that use it into text columns.
    private mutating func dropExtension() -> Bool {
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

    private mutating func newEnumValue(for values: [String]) -> String {
        while true {
            counter += 1
            let value = random.chance(50) ? WildText.value(&random) + " \(counter)" : "v\(counter)"
            if !values.contains(value) { return value }
        }
    }

    private mutating func createEnum() -> Bool {
        let name = newObjectName("e", in: random.pick(model.schemas), typeSafe: true)
        var values: [String] = []
        for _ in 0..<random.between(1...4) { values.append(newEnumValue(for: values)) }
        model.enums.append(HistoryModel.Enumeration(name: name, values: values))
        model.take(name)
        let items = values.map { "<value>\(WildText.xmlText($0))</value>" }.joined()
        emit("<create-enum\(attribute("name", name.xml))>\(items)</create-enum>")
        return true
    }

    private mutating func dropEnum() -> Bool {
        guard let type = random.pickIfAny(model.enums.filter { model.columnsUsing($0.name).isEmpty }) else { return false }
        model.enums.removeAll { $0.name == type.name }
        model.release(type.name)
        emit("<drop-enum\(attribute("name", type.name.xml))/>")
        return true
    }

    private mutating func addEnumValue() -> Bool {
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

    private mutating func renameEnumValue() -> Bool {
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

    private mutating func createSequence() -> Bool {
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

    private mutating func dropSequence() -> Bool {
        guard let name = random.pickIfAny(model.sequences) else { return false }
        model.sequences.removeAll { $0 == name }
        model.release(name)
        emit("<drop-sequence\(attribute("name", name.xml))/>")
        return true
    }

    // MARK: - Tables

    /// A column for `table` with a fresh name; `allowSerial` when the column may own a sequence.
    private mutating func newColumn(in table: HistoryModel.Table, type: HistoryModel.ColumnType? = nil, taken: [String] = []) -> HistoryModel.Column {
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
    private mutating func columnElement(_ column: HistoryModel.Column, extra: String = "") -> String {
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
    private mutating func nameSequence(of column: inout HistoryModel.Column, in table: HistoryModel.Name) {
        guard column.identity != nil || column.serial else { return }
        let name = model.chooseRelationName(table, column.name, "seq", isConstraint: false)
        column.sequence = name
        model.take(table.renamed(name))
    }

    /// A key of another table (or of `table` itself) a foreign key can reference, with the
    /// referenced columns' types.
    private mutating func referenceableKey(from table: HistoryModel.Table?) -> (table: HistoryModel.Table, columns: [String])? {
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

    private mutating func referentialActions() -> String {
        var text = ""
        if random.chance(40) { text += attribute("on-delete", random.pick(["cascade", "SET NULL", "restrict", "no action", "set default"])) }
        if random.chance(25) { text += attribute("on-update", random.pick(["cascade", "Restrict"])) }
        return text
    }

    private mutating func createTable() -> Bool {
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
    private mutating func createBranchTable() {
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
    private var droppableTables: [HistoryModel.Table] {
        model.tables.filter { table in
            model.viewsUsing(table.name).isEmpty && !model.foreignKeys(referencing: table.name).contains { $0.0 != table.name }
        }
    }

    private mutating func dropTable() -> Bool {
        guard let table = random.pickIfAny(droppableTables) else { return false }
        releaseNames(of: table)
        model.tables.removeAll { $0.name == table.name }
        emit("<drop-table\(attribute("name", table.name.xml))/>")
        return true
    }

    private mutating func releaseNames(of table: HistoryModel.Table) {
        model.release(table.name)
        for column in table.columns { if let sequence = column.sequence { model.release(table.name.renamed(sequence)) } }
        for constraint in table.constraints { releaseConstraint(constraint, of: table.name) }
        for index in table.indexes { model.release(table.name.renamed(index.name)) }
    }

    private mutating func releaseConstraint(_ constraint: HistoryModel.Constraint, of table: HistoryModel.Name) {
        model.releaseConstraintName(table.renamed(constraint.name))
        if constraint.ownsIndex { model.release(table.renamed(constraint.name)) }
    }

    private mutating func renameTable() -> Bool {
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
        emit("<rename-table\(attribute("from", table.name.xml))\(attribute("to", target.name))/>")
        return true
    }

    private mutating func addColumn() -> Bool {
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
    private func columnIsFree(_ table: HistoryModel.Table, _ column: String) -> Bool {
        !model.viewUses(table.name, column: column) && !model.columnIsReferencedByForeignKey(table.name, column)
    }

    private mutating func dropColumn() -> Bool {
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
        emit("<drop-column\(attribute("table", table.name.xml))\(attribute("column", name))/>")
        return true
    }

    private mutating func renameColumn() -> Bool {
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
        emit("<rename-column\(attribute("table", tableName.xml))\(attribute("from", from))\(attribute("to", to))/>")
        return true
    }

    // MARK: - Altering a column

    /// Types `column` may change to, and whether the change narrows (and so says `using`).
    private func typeChanges(of column: HistoryModel.Column, referencedByExpressions: Bool) -> [(HistoryModel.ColumnType, narrowing: Bool)] {
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

    private mutating func alterColumn() -> Bool {
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

    // MARK: - Constraints

    /// A check on one or two columns of `table`, the columns it names and the enum value it
    /// compares with, if any.
    private mutating func checkExpression(on table: HistoryModel.Table) -> (String, [String], enumValue: String?)? {
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

    private mutating func addPrimaryKey() -> Bool {
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

    private mutating func addUnique() -> Bool {
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

    private mutating func addCheck() -> Bool {
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

    private mutating func addForeignKey() -> Bool {
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

    private mutating func validateConstraint() -> Bool {
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
    private func keyIsReferenced(_ table: HistoryModel.Table, _ columns: [String]) -> Bool {
        model.foreignKeys(referencing: table.name).contains { Set($0.1.referencedColumns) == Set(columns) }
    }

    private mutating func dropConstraint() -> Bool {
        let candidates = model.tables.indices.flatMap { t in
            model.tables[t].constraints.indices.filter { c in
                let constraint = model.tables[t].constraints[c]
                return !(constraint.ownsIndex && keyIsReferenced(model.tables[t], constraint.columns))
            }.map { (t, $0) }
        }
        guard let (at, c) = random.pickIfAny(candidates) else { return false }
        let constraint = model.tables[at].constraints.remove(at: c)
        releaseConstraint(constraint, of: model.tables[at].name)
        if constraint.name.hasSuffix(["_pkey", "_key", "_check", "_fkey"]) { note("drop-constraint unnamed") }
        emit("<drop-constraint\(attribute("table", model.tables[at].name.xml))\(attribute("name", constraint.name))/>")
        return true
    }

    private mutating func renameConstraint() -> Bool {
        let candidates = model.tables.indices.flatMap { t in model.tables[t].constraints.indices.map { (t, $0) } }
        guard let (at, c) = random.pickIfAny(candidates) else { return false }
        let table = model.tables[at]
        let old = table.constraints[c]
        let new = newObjectName("con", in: table.name.schema).name
        releaseConstraint(old, of: table.name)
        model.tables[at].constraints[c].name = new
        model.takeConstraintName(table.name.renamed(new))
        if old.ownsIndex { model.take(table.name.renamed(new)) }
        if old.name.hasSuffix(["_pkey", "_key", "_check", "_fkey"]) { note("rename-constraint unnamed") }
        emit("<rename-constraint\(attribute("table", table.name.xml))\(attribute("from", old.name))\(attribute("to", new))/>")
        return true
    }

    // MARK: - Indexes

    /// A new index on `table` with its predicted name, as a `create-index` (or, in a
    /// `create-table`, an `<index>`) element without the closing `/>`.
    private mutating func newIndex(on table: HistoryModel.Table, inCreateTable: Bool) -> (model: HistoryModel.Index, element: String)? {
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

    private mutating func createIndex() -> Bool {
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

    private var regularIndexes: [(Int, Int)] {
        model.tables.indices.flatMap { t in
            model.tables[t].indexes.indices.filter { i in
                model.tables[t].indexes[i].uniqueKey.map { !keyIsReferenced(model.tables[t], $0) } ?? true
            }.map { (t, $0) }
        }
    }

    private mutating func dropIndex() -> Bool {
        guard let (at, i) = random.pickIfAny(regularIndexes) else { return false }
        let table = model.tables[at]
        let index = model.tables[at].indexes.remove(at: i)
        model.release(table.name.renamed(index.name))
        if index.name.hasSuffix("_idx") { note("drop-index unnamed") }
        let concurrently = random.chance(30) ? " concurrently=\"true\"" : ""
        emit("<drop-index\(attribute("name", table.name.renamed(index.name).xml))\(concurrently)/>")
        return true
    }

    private mutating func renameIndex() -> Bool {
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

    // MARK: - Views, comments, raw SQL

    private mutating func createView() -> Bool {
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

    private mutating func dropView() -> Bool {
        guard let view = random.pickIfAny(model.views) else { return false }
        model.views.removeAll { $0.name == view.name }
        model.release(view.name)
        emit("<drop-view\(attribute("name", view.name.xml))\(view.materialized ? " materialized=\"true\"" : "")/>")
        return true
    }

    private mutating func comment() -> Bool {
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

    private mutating func rawSQL() -> Bool {
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

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }

    func hasSuffix(_ suffixes: [String]) -> Bool { suffixes.contains { hasSuffix($0) } }
}
