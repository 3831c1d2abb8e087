import RetortSQL
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
package struct HistoryGenerator {
    package struct Revision {
        package var id: String
        package var stem: String
        package var xml: String
    }

    package enum Operation: String, CaseIterable {
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
    package static let requiredFeatures = [
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

    /// Every how many revisions a branch starts, unless a generator is told otherwise.
    package static let branchEvery = 25
    package var branchEvery = HistoryGenerator.branchEvery

    package var random: SplitMix64
    package var model = HistoryModel()
    /// How often each operation and feature was used.
    package var features: [String: Int] = [:]
    package var produced = 0
    package var counter = 0
    /// The ids the next revision builds on: the last revision, or after a branch revision
    /// the two heads the next one merges.
    package var heads: [String] = []
    /// The parents of the last revision, where a branch forks from.
    package var lastParents: [String] = []
    /// The current revision's operation elements.
    package var elements: [String] = []

    package init(seed: UInt64) { random = SplitMix64(seed: seed) }

    /// The first `count` revisions of `seed`'s history, and the features they use.
    package static func history(seed: UInt64, count: Int) -> (revisions: [Revision], features: [String: Int]) {
        var generator = HistoryGenerator(seed: seed)
        let revisions = (0..<count).map { _ in generator.nextRevision() }
        return (revisions, generator.features)
    }

    package mutating func nextRevision() -> Revision {
        produced += 1
        elements = []
        let id = "r" + String(produced).leftPadded(to: 4)
        var parents = heads
        if heads.count == 2 {
            note("merge")
            performOperations(random.between(0...3))
            heads = [id]
        } else if produced % branchEvery == 0 && lastParents.count == 1 {
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

    package mutating func performOperations(_ wanted: Int) {
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
    package mutating func performLeastUsed() {
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
    package mutating func chooseOperation() -> Operation {
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
    package mutating func perform(_ operation: Operation) -> Bool {
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

    package mutating func note(_ feature: String) { features[feature, default: 0] += 1 }

    package mutating func emit(_ element: String) { elements.append(element) }

    /// The element, or for a share of the operations the raw DDL that says the same, which
    /// Retort must read as that operation (when every name can be spelled in its attributes).
    package mutating func emit(_ element: String, orSQL sql: String, names: [String]) {
        if random.chance(25), names.allSatisfy({ name in !name.contains(where: { ",.()".contains($0) }) }) {
            note("raw ddl")
            emit("<sql>\(WildText.xmlText(sql))</sql>")
        } else {
            emit(element)
        }
    }

    /// `schema.name` spelled as SQL.
    package func sqlName(_ name: HistoryModel.Name) -> String { Quoting.identifier(name.schema) + "." + Quoting.identifier(name.name) }

    // MARK: - Names and values

    /// A new identifier that `isFree` accepts, around a base word unique to this history.
    package mutating func newIdentifier(_ prefix: String, typeSafe: Bool = false, long: Bool = true, isFree: (String) -> Bool) -> String {
        while true {
            counter += 1
            let name = WildText.identifier("\(prefix)\(counter)", &random, typeSafe: typeSafe, long: long)
            if isFree(name) { return name }
        }
    }

    /// A name for a new relation, type or explicitly named constraint in `schema`.
    package mutating func newObjectName(_ prefix: String, in schema: String, typeSafe: Bool = false, long: Bool = true) -> HistoryModel.Name {
        let model = self.model
        let name = newIdentifier(prefix, typeSafe: typeSafe, long: long) {
            let candidate = HistoryModel.Name(schema: schema, name: $0)
            return !model.isTaken(candidate) && !model.constraintNameUsed(candidate)
        }
        return HistoryModel.Name(schema: schema, name: name)
    }

    package mutating func ident(_ name: String) -> String { WildText.sqlIdentifier(name, &random) }

    package mutating func qualified(_ name: HistoryModel.Name) -> String {
        name.schema == "public" && random.chance(50) ? ident(name.name) : ident(name.schema) + "." + ident(name.name)
    }

    /// ` name="value"` with the value escaped for an attribute.
    package func attribute(_ name: String, _ value: String) -> String { " \(name)=\"\(WildText.xmlAttribute(value))\"" }

    package func list(_ names: [String]) -> String { names.joined(separator: ", ") }

    /// A literal of `type` that PostgreSQL accepts as a default.
    package mutating func defaultValue(for type: HistoryModel.ColumnType) -> String? {
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


    package mutating func randomType() -> HistoryModel.ColumnType {
        var choices: [HistoryModel.ColumnType] = [.smallint, .integer, .integer, .bigint, .bigint, .numeric(10, 2), .text, .text,
                                                   .varchar(random.pick([50, 80, 120])), .boolean, .date]
        if model.citext && random.chance(50) { choices.append(.citext) }
        if let type = random.pickIfAny(model.enums) { choices.append(.enumeration(type.name, array: random.chance(25))) }
        return random.pick(choices)
    }
}

extension String {
    package func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }

    package func hasAnySuffix(_ suffixes: [String]) -> Bool { suffixes.contains { hasSuffix($0) } }
}
