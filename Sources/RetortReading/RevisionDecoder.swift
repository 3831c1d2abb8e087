import RetortSQL
import RetortModel
/// Decodes revision files, model declarations and project settings.
extension DeclarationDecoder {
    package static let operationNames = [
        "create-schema", "drop-schema", "create-extension", "drop-extension", "create-enum", "drop-enum",
        "add-enum-value", "rename-enum-value", "create-sequence", "drop-sequence", "create-table", "drop-table",
        "rename-table", "add-column", "drop-column", "rename-column", "alter-column", "add-primary-key",
        "add-unique", "add-check", "add-foreign-key", "validate-constraint", "drop-constraint",
        "rename-constraint", "create-index", "drop-index", "rename-index", "create-view", "drop-view",
        "comment", "sql", "rebuild-enum",
    ]

    package func revision(_ root: XMLNode, stem: String, hash: String) throws -> Revision {
        guard root.name == "revision" else {
            throw Diagnostic(.unknownElement, at: root.location, "a revision file's root element must be <revision>, not <\(root.name)>")
        }
        let reader = try ElementReader(root, allowed: ["id", "parent", "message", "format", "branch-labels", "depends-on"])
        try checkFormat(reader)
        let id = try reader.required("id")
        try checkRevisionId(id, reader)
        let parents = (try reader.optional("parent") ?? "").split(whereSeparator: \.isWhitespace).map(String.init)
        let dependsOn = (try reader.optional("depends-on") ?? "").split(whereSeparator: \.isWhitespace).map(String.init)
        let labels = (try reader.optional("branch-labels") ?? "").split(whereSeparator: { $0.isWhitespace || $0 == "," }).map(String.init)
        var upgrade: [Step]?
        var downgrade: [Step]?
        var allows: [LintAllow] = []
        for child in try reader.children(allowed: ["upgrade", "downgrade", "lint-allow"]) {
            switch child.name {
            case "upgrade":
                if upgrade != nil { throw Diagnostic(.duplicateElement, at: child.location, "a revision has one <upgrade>") }
                upgrade = try steps(child)
            case "downgrade":
                if downgrade != nil { throw Diagnostic(.duplicateElement, at: child.location, "a revision has one <downgrade>") }
                downgrade = try steps(child)
            default:
                allows.append(try lintAllow(child))
            }
        }
        guard let upgrade else { throw Diagnostic(.missingElement, at: root.location, "revision \(id) has no <upgrade>") }
        return Revision(id: id, parents: parents, message: try reader.optional("message") ?? "", branchLabels: labels,
                        dependsOn: dependsOn, stem: stem, location: root.location, upgrade: upgrade, downgrade: downgrade,
                        allows: allows, sourceHash: hash, digest: RevisionDigest(root))
    }

    package func checkFormat(_ reader: ElementReader) throws {
        if let format = try reader.optional("format"), format != "1" {
            throw reader.fail("format \(format) is not supported; this Retort reads format 1")
        }
    }

    package func checkRevisionId(_ id: String, _ reader: ElementReader) throws {
        let valid = id.utf8.count <= 32 && id.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 95 }
        if !valid { throw reader.fail("revision id '\(id)' must match [A-Za-z0-9_]{1,32}") }
        if ["base", "head", "heads"].contains(id) { throw reader.fail("'\(id)' is a reserved word, not a revision id") }
    }

    package func steps(_ node: XMLNode) throws -> [Step] {
        _ = try ElementReader(node, allowed: [])
        var result: [Step] = []
        for child in try ElementReader(node, allowed: []).children(allowed: Self.operationNames) {
            result += try operation(child)
        }
        return result
    }

    package func lintAllow(_ node: XMLNode) throws -> LintAllow {
        let reader = try ElementReader(node, allowed: ["rule", "reason"])
        _ = try reader.children(allowed: [])
        return LintAllow(rule: try reader.required("rule"), reason: try reader.optional("reason"), location: node.location)
    }

    package func allows(_ node: XMLNode) throws -> [LintAllow] {
        try node.children.filter { $0.name == "lint-allow" }.map(lintAllow)
    }

    /// One operation element; a few expand to several steps (a column's inline constraints).
    package func operation(_ node: XMLNode) throws -> [Step] {
        let location = node.location
        let suppressions = try allows(node)
        func step(_ operation: Operation) -> [Step] { [Step(operation, at: location, allows: suppressions)] }
        func simple(_ allowed: [String]) throws -> ElementReader {
            let reader = try ElementReader(node, allowed: allowed)
            _ = try reader.children(allowed: ["lint-allow"])
            return reader
        }
        switch node.name {
        case "create-schema":
            let r = try simple(["name", "comment"])
            return step(.createSchema(SchemaInfo(name: try r.required("name"), comment: try r.optional("comment"))))
        case "drop-schema":
            return step(.dropSchema(try simple(["name"]).required("name")))
        case "create-extension":
            return step(.createExtension(try extensionDeclaration(node)))
        case "drop-extension":
            return step(.dropExtension(try simple(["name"]).required("name")))
        case "create-enum":
            return step(.createEnum(try enumType(node)))
        case "drop-enum":
            return step(.dropEnum(try simple(["name"]).qualified("name", defaultSchema: schema)))
        case "add-enum-value":
            let r = try simple(["enum", "value", "before", "after"])
            let before = try r.optional("before"), after = try r.optional("after")
            if before != nil && after != nil { throw r.fail("give 'before' or 'after', not both") }
            return step(.addEnumValue(try r.qualified("enum", defaultSchema: schema), value: try r.required("value"),
                                      placement: before.map { .before($0) } ?? after.map { .after($0) }))
        case "rebuild-enum":
            let type = try enumType(node)
            return step(.rebuildEnum(type.name, values: type.values, comment: type.comment, usages: []))
        case "rename-enum-value":
            let r = try simple(["enum", "from", "to"])
            return step(.renameEnumValue(try r.qualified("enum", defaultSchema: schema), from: try r.required("from"), to: try r.required("to")))
        case "create-sequence":
            return step(.createSequence(try sequence(node, extra: [])))
        case "drop-sequence":
            return step(.dropSequence(try simple(["name"]).qualified("name", defaultSchema: schema)))
        case "create-table":
            let (table, foreignKeys) = try self.table(node)
            var withKeys = table
            withKeys.constraints += foreignKeys
            return step(.createTable(withKeys, ownedSequences: []))
        case "drop-table":
            return step(.dropTable(try simple(["name"]).qualified("name", defaultSchema: schema)))
        case "rename-table":
            let r = try simple(["from", "to"])
            return step(.renameTable(try r.qualified("from", defaultSchema: schema), to: try r.required("to")))
        case "add-column":
            let r = try ElementReader(node, allowed: ["table"])
            let table = try r.qualified("table", defaultSchema: schema)
            let columns = try r.children(allowed: ["column", "lint-allow"]).filter { $0.name == "column" }
            guard columns.count == 1 else { throw r.fail("<add-column> holds exactly one <column>", id: "missing-element") }
            let (column, constraints, primaryKey) = try self.column(columns[0], table: table)
            var result = step(.addColumn(table, column, ownedSequence: nil))
            if primaryKey {
                result.append(Step(.addConstraint(table, Constraint(name: "", kind: .primaryKey(columns: [column.name]))), at: location, allows: suppressions))
            }
            result += constraints.map { Step(.addConstraint(table, $0), at: location, allows: suppressions) }
            return result
        case "drop-column":
            let r = try simple(["table", "column"])
            return step(.dropColumn(try r.qualified("table", defaultSchema: schema), try r.required("column")))
        case "rename-column":
            let r = try simple(["table", "from", "to"])
            return step(.renameColumn(try r.qualified("table", defaultSchema: schema), from: try r.required("from"), to: try r.required("to")))
        case "alter-column":
            return step(.alterColumn(try alterColumn(node)))
        case "add-primary-key", "add-unique", "add-check", "add-foreign-key":
            let table = try ElementReader(node, allowed: Array(Set(node.attributes.map(\.name)))).qualified("table", defaultSchema: schema)
            return step(.addConstraint(table, try constraint(node, extra: ["table"])))
        case "validate-constraint", "drop-constraint":
            let r = try simple(["table", "name"])
            let table = try r.qualified("table", defaultSchema: schema)
            let name = try r.required("name")
            return step(node.name == "drop-constraint" ? .dropConstraint(table, name) : .validateConstraint(table, name))
        case "rename-constraint":
            let r = try simple(["table", "from", "to"])
            return step(.renameConstraint(try r.qualified("table", defaultSchema: schema), from: try r.required("from"), to: try r.required("to")))
        case "create-index":
            let table = try ElementReader(node, allowed: Self.indexAttributes + ["table", "concurrently"]).qualified("table", defaultSchema: schema)
            let concurrently = try ElementReader(node, allowed: Self.indexAttributes + ["table", "concurrently"]).bool("concurrently") ?? false
            return step(.createIndex(table, try index(node, extra: ["table", "concurrently"]), concurrently: concurrently))
        case "drop-index":
            let r = try simple(["name", "concurrently"])
            return step(.dropIndex(try r.qualified("name", defaultSchema: schema), concurrently: try r.bool("concurrently") ?? false))
        case "rename-index":
            let r = try simple(["from", "to"])
            return step(.renameIndex(try r.qualified("from", defaultSchema: schema), to: try r.required("to")))
        case "create-view":
            return step(.createView(try view(node)))
        case "drop-view":
            let r = try simple(["name", "materialized"])
            return step(.dropView(try r.qualified("name", defaultSchema: schema), materialized: try r.bool("materialized") ?? false))
        case "comment":
            return step(try comment(node))
        case "sql":
            return try rawSteps(node, suppressions)
        default:
            throw Diagnostic(.unknownElement, at: location, "unknown operation <\(node.name)>\(didYouMean(node.name, among: Self.operationNames))")
        }
    }

    package func alterColumn(_ node: XMLNode) throws -> AlterColumn {
        let r = try ElementReader(node, allowed: ["table", "column", "type", "using", "nullable", "default", "drop-default", "identity", "drop-identity", "comment"])
        _ = try r.children(allowed: ["lint-allow"])
        var change = AlterColumn(table: try r.qualified("table", defaultSchema: schema), column: try r.required("column"))
        if let type = try r.optional("type") {
            guard let spelling = TypeSpelling.parse(type), spelling.serial == nil else { throw r.fail("malformed type '\(type)'") }
            change.type = SQLType(base: spelling.words, modifiers: spelling.modifiers, arrayDepth: spelling.arrayDepth)
        }
        change.using = try r.sql("using", as: .using)
        if change.using != nil && change.type == nil { throw r.fail("'using' needs 'type'") }
        change.nullable = try r.bool("nullable")
        let newDefault = try r.sql("default", as: .defaultValue)
        let dropDefault = try r.bool("drop-default") ?? false
        if newDefault != nil && dropDefault { throw r.fail("give 'default' or drop-default=\"true\", not both") }
        if let newDefault { change.defaultExpression = .some(newDefault) } else if dropDefault { change.defaultExpression = .some(nil) }
        let identity = try r.choice("identity", [("always", Identity.always), ("by-default", .byDefault)])
        let dropIdentity = try r.bool("drop-identity") ?? false
        if identity != nil && dropIdentity { throw r.fail("give 'identity' or drop-identity=\"true\", not both") }
        if let identity { change.identity = .some(identity) } else if dropIdentity { change.identity = .some(nil) }
        if let comment = try r.optional("comment") { change.comment = .some(comment.isEmpty ? nil : comment) }
        if change.isEmpty { throw r.fail("<alter-column> changes nothing; give type, nullable, default, drop-default, identity, drop-identity or comment") }
        return change
    }

    package func comment(_ node: XMLNode) throws -> Operation {
        let targets = ["table", "column", "view", "index", "enum", "schema", "sequence"]
        let r = try ElementReader(node, allowed: targets + ["text"])
        let text: String
        if let attribute = try r.optional("text") {
            if node.children.contains(where: { $0.name != "lint-allow" }) || !node.text.trimmingWhitespace().isEmpty {
                throw r.fail("give the comment as text or as attribute 'text', not both")
            }
            text = attribute
        } else {
            _ = try r.children(allowed: ["lint-allow"])
            text = node.text.trimmingWhitespace()
        }
        let given = targets.filter { node.attribute($0) != nil }
        let target: CommentTarget
        switch Set(given) {
        case ["table"]: target = .table(try r.qualified("table", defaultSchema: schema))
        case ["table", "column"]: target = .column(try r.qualified("table", defaultSchema: schema), try r.required("column"))
        case ["view"]: target = .view(try r.qualified("view", defaultSchema: schema))
        case ["index"]: target = .index(try r.qualified("index", defaultSchema: schema))
        case ["enum"]: target = .type(try r.qualified("enum", defaultSchema: schema))
        case ["schema"]: target = .schema(try r.required("schema"))
        case ["sequence"]: target = .sequence(try r.qualified("sequence", defaultSchema: schema))
        default: throw r.fail("<comment> names one object: table (with column), view, index, enum, schema or sequence")
        }
        return .comment(target, text.isEmpty ? nil : text)
    }

    package func rawSQL(_ node: XMLNode) throws -> RawSQL {
        let reader = try ElementReader(node, allowed: [])
        let parts = try reader.children(allowed: ["forward", "reverse", "lint-allow"]).filter { $0.name != "lint-allow" }
        if parts.isEmpty {
            if node.text.trimmingWhitespace().isEmpty { throw reader.fail("<sql> is empty") }
            return try script(node.text, of: node, reverse: nil)
        }
        if !node.text.trimmingWhitespace().isEmpty { throw reader.fail("<sql> holds either text or <forward>/<reverse>, not both") }
        var forward: XMLNode?
        var reverse: XMLNode?
        for part in parts {
            _ = try ElementReader(part, allowed: []).text()
            if part.name == "forward" {
                if forward != nil { throw Diagnostic(.duplicateElement, at: part.location, "<sql> has one <forward>") }
                forward = part
            } else {
                if reverse != nil { throw Diagnostic(.duplicateElement, at: part.location, "<sql> has one <reverse>") }
                reverse = part
            }
        }
        guard let forward, !forward.text.trimmingWhitespace().isEmpty else { throw reader.fail("<sql> needs a non-empty <forward>", id: "missing-element") }
        var reverseText: String?
        if let reverse {
            reverseText = reverse.text.trimmingWhitespace().isEmpty ? "" : try ElementReader.sqlText(reverse.text, of: reverse, as: .script)
        }
        return try script(forward.text, of: forward, reverse: reverseText)
    }

    /// `<sql>` as steps. Without a `<reverse>`, each DDL statement Retort has an operation
    /// for becomes that operation, at the statement's position, so it is validated, applied,
    /// linted and inverted like the element; the statements between stay raw SQL. With a
    /// `<reverse>`, the author's downgrade stands for the whole: it stays one raw step.
    package func rawSteps(_ node: XMLNode, _ suppressions: [LintAllow]) throws -> [Step] {
        var raw = try rawSQL(node)
        guard let script = SQLScript.parsed(raw.forward) else { return [Step(.sql(raw), at: node.location, allows: suppressions)] }
        let ddl = RawDDL(raw.forward, schema: schema)
        if let reverse = raw.reverse {
            raw.effects = effects(of: script, ddl, at: node.location)
            if let reversed = SQLScript.parsed(reverse) { raw.reverseEffects = effects(of: reversed, RawDDL(reverse, schema: schema), at: node.location) }
            return [Step(.sql(raw), at: node.location, allows: suppressions)]
        }
        var result: [Step] = []
        var pending: [(statement: SQLScript.Statement, location: SourceLocation)] = []
        func flush() {
            guard let first = pending.first else { return }
            var chunk = RawSQL(forward: pending.map(\.statement.text).joined(separator: ";\n"), reverse: nil)
            chunk.statementOrigins = pending.map { Origin($0.location) }
            result.append(Step(.sql(chunk), at: first.location, allows: suppressions))
            pending = []
        }
        for (n, statement) in script.statements.enumerated() {
            let at = raw.location(ofStatement: n, or: node.location)
            if let elements = ddl.elements(for: statement, at: at),
               let steps = try? elements.flatMap({ try operation($0) }) {
                flush()
                result += steps.map { step in
                    var translated = Step(step.operation, at: at, allows: suppressions)
                    translated.fromSQL = true
                    return translated
                }
            } else {
                pending.append((statement, at))
            }
        }
        flush()
        return result
    }

    /// The operations the DDL statements of `script` stand for (the others do nothing to the schema Retort knows).
    package func effects(of script: SQLScript, _ ddl: RawDDL, at location: SourceLocation) -> [Operation] {
        script.statements.flatMap { statement -> [Operation] in
            guard let elements = ddl.elements(for: statement, at: location),
                  let steps = try? elements.flatMap({ try operation($0) }) else { return [] }
            return steps.map(\.operation)
        }
    }

    /// Raw SQL checked by PostgreSQL's parser, each statement's position kept.
    package func script(_ text: String, of element: XMLNode, reverse: String?) throws -> RawSQL {
        _ = try ElementReader(element, allowed: element.attributes.map(\.name))
        let forward = try ElementReader.sqlText(text, of: element, as: .script)
        let lead = text.utf8.count - String(text.drop(while: \.isWhitespace)).utf8.count
        let statements = SQLScript.parsed(forward)?.statements ?? []
        var raw = RawSQL(forward: forward, reverse: reverse)
        raw.statementOrigins = statements.map { Origin(element.location(ofText: lead + $0.range.lowerBound)) }
        return raw
    }

    // MARK: - Models and settings

    /// A model file's declarations as operations that build them on an empty schema,
    /// ordered so dependencies come first: schemas, extensions, enums, sequences, tables,
    /// then foreign keys and views.
    package func model(_ root: XMLNode) throws -> ModelDeclarations {
        guard root.name == "schema" else {
            throw Diagnostic(.unknownElement, at: root.location, "a model file's root element must be <schema>, not <\(root.name)>")
        }
        let reader = try ElementReader(root, allowed: ["name", "format", "comment"])
        try checkFormat(reader)
        let schemaName = try reader.optional("name") ?? defaultSchema
        let decoder = DeclarationDecoder(schema: schemaName)
        var declarations = ModelDeclarations()
        if schemaName != defaultSchema || root.attribute("comment") != nil {
            declarations.schemas.append(Step(.createSchema(SchemaInfo(name: schemaName, comment: try reader.optional("comment"), origin: Origin(root.location))), at: root.location))
        }
        for child in try reader.children(allowed: ["extension", "enum", "sequence", "table", "view"]) {
            let at = child.location
            switch child.name {
            case "extension": declarations.extensions.append(Step(.createExtension(try decoder.extensionDeclaration(child)), at: at))
            case "enum": declarations.enums.append(Step(.createEnum(try decoder.enumType(child)), at: at))
            case "sequence": declarations.sequences.append(Step(.createSequence(try decoder.sequence(child)), at: at))
            case "view": declarations.views.append(Step(.createView(try decoder.view(child)), at: at))
            default:
                let (table, foreignKeys) = try decoder.table(child)
                declarations.tables.append(Step(.createTable(table, ownedSequences: []), at: at))
                declarations.foreignKeys += foreignKeys.map { Step(.addConstraint(table.name, $0), at: $0.origin.location ?? at) }
            }
        }
        return declarations
    }

    package func settings(_ root: XMLNode) throws -> ProjectSettings {
        guard root.name == "project" else {
            throw Diagnostic(.unknownElement, at: root.location, "retort.xml's root element must be <project>, not <\(root.name)>")
        }
        let reader = try ElementReader(root, allowed: ["name", "format"])
        try checkFormat(reader)
        var settings = ProjectSettings()
        settings.location = root.location
        if let name = try reader.optional("name") { settings.name = name }
        for child in try reader.children(allowed: ["target", "version-table", "output", "lint"]) {
            switch child.name {
            case "target":
                let r = try ElementReader(child, allowed: ["postgres"])
                if let version = try r.integer("postgres") {
                    guard (12...17).contains(version) else { throw r.fail("target postgres must be 12 to 17, not \(version)") }
                    settings.targetPostgres = Int(version)
                }
            case "version-table":
                let r = try ElementReader(child, allowed: ["name", "schema"])
                let name = try r.optional("name") ?? settings.versionTable.name
                let schema = try r.optional("schema") ?? defaultSchema
                for part in [name, schema] where part.isEmpty || part.utf8.count > 63 {
                    throw r.fail("version table name '\(part)' must be 1 to 63 bytes")
                }
                settings.versionTable = QualifiedName(schema: schema, name: name)
            case "output":
                let r = try ElementReader(child, allowed: ["dir", "transaction", "guard", "lock-timeout"])
                if let dir = try r.optional("dir") {
                    if dir.trimmingWhitespace().isEmpty { throw r.fail("attribute 'dir' is empty") }
                    settings.outputDirectory = dir
                }
                settings.transaction = try r.choice("transaction", TransactionMode.allCases.map { ($0.rawValue, $0) }) ?? .perRevision
                settings.guardEnabled = try r.bool("guard") ?? true
                if let timeout = try r.optional("lock-timeout") {
                    guard timeout.range(of: #"^[0-9]+(ms|s|min)?$"#, options: .regularExpression) != nil else {
                        throw r.fail("lock-timeout must look like 5s, 500ms or 1min, not '\(timeout)'")
                    }
                    settings.lockTimeout = timeout
                }
            default:
                let r = try ElementReader(child, allowed: [])
                for rule in try r.children(allowed: ["rule"]) {
                    let rr = try ElementReader(rule, allowed: ["id", "severity"])
                    let severity = try rr.choice("severity", ["off", "info", "warning", "error"].map { ($0, $0) })
                    settings.lintSeverities[try rr.required("id")] = severity ?? "error"
                }
            }
        }
        return settings
    }
}

/// The operations that build a project's model declarations, by dependency group.
public struct ModelDeclarations: Sendable {
    package var schemas: [Step] = []
    package var extensions: [Step] = []
    package var enums: [Step] = []
    package var sequences: [Step] = []
    package var tables: [Step] = []
    package var foreignKeys: [Step] = []
    package var views: [Step] = []
    /// How many model files declared these (a project may have files that declare nothing:
    /// its schema is then empty, which is not the same as having no models).
    public var fileCount = 0

    package mutating func merge(_ other: ModelDeclarations) {
        fileCount += 1
        schemas += other.schemas
        extensions += other.extensions
        enums += other.enums
        sequences += other.sequences
        tables += other.tables
        foreignKeys += other.foreignKeys
        views += other.views
    }

    package var steps: [Step] { schemas + extensions + enums + sequences + tables + foreignKeys + views }
}
