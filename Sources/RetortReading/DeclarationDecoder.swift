import RetortSQL
import RetortModel
/// Turns parsed XML into declarations: model files into the operations that build the
/// declared schema, revision files into `Revision` values.
package struct DeclarationDecoder {
    package let schema: String

    package init(schema: String = defaultSchema) { self.schema = schema }

    // MARK: - Tables

    package static let tableChildren = ["column", "primary-key", "unique", "check", "foreign-key", "index"]
    package static let columnAttributes = ["name", "type", "nullable", "default", "identity", "generated", "primary-key", "unique",
                                   "references", "on-delete", "on-update", "comment", "renamed-from"]

    /// A `<table>` or `<create-table>`: the table and, separately, its foreign keys (so a
    /// model can declare tables in any order).
    package func table(_ node: XMLNode, attributes extra: [String] = []) throws -> (Table, foreignKeys: [Constraint]) {
        let reader = try ElementReader(node, allowed: ["name", "comment", "renamed-from"] + extra)
        var table = Table(name: try reader.qualified("name", defaultSchema: schema))
        table.comment = try reader.optional("comment")
        table.origin = Origin(node.location)
        table.renamedFrom = RenameHint(try reader.optional("renamed-from"))
        var foreignKeys: [Constraint] = []
        var columnPrimaryKey: [String] = []
        let allowed = Self.tableChildren + (node.name == "create-table" ? ["lint-allow"] : [])
        for child in try reader.children(allowed: allowed) where child.name != "lint-allow" {
            switch child.name {
            case "column":
                let (column, constraints, isKey) = try self.column(child, table: table.name)
                table.columns.append(column)
                if isKey {
                    if !columnPrimaryKey.isEmpty {
                        throw Diagnostic(.badValue, at: child.location, "several columns say primary-key=\"true\"; declare a composite key with <primary-key columns=\"...\"/>")
                    }
                    columnPrimaryKey.append(column.name)
                }
                for constraint in constraints {
                    if constraint.foreignKey != nil { foreignKeys.append(constraint) } else { table.constraints.append(constraint) }
                }
            case "index":
                table.indexes.append(try index(child))
            default:
                let constraint = try self.constraint(child)
                if constraint.foreignKey != nil { foreignKeys.append(constraint) } else { table.constraints.append(constraint) }
            }
        }
        if !columnPrimaryKey.isEmpty {
            if table.constraints.contains(where: { if case .primaryKey = $0.kind { true } else { false } }) {
                throw Diagnostic(.badValue, at: node.location, "table \(q(table.name.description)) declares its primary key twice")
            }
            table.constraints.insert(Constraint(name: "", kind: .primaryKey(columns: columnPrimaryKey), origin: table.origin), at: 0)
        }
        return (table, foreignKeys)
    }

    /// A `<column>` and the constraints its attributes declare (primary key aside).
    package func column(_ node: XMLNode, table: QualifiedName) throws -> (Column, [Constraint], primaryKey: Bool) {
        let reader = try ElementReader(node, allowed: Self.columnAttributes)
        _ = try reader.children(allowed: [])
        let typeText = try reader.required("type")
        guard let spelling = TypeSpelling.parse(typeText) else { throw reader.fail("malformed type '\(typeText)'") }
        var column = Column(name: try reader.required("name"), type: SQLType(base: spelling.words, modifiers: spelling.modifiers, arrayDepth: spelling.arrayDepth))
        column.origin = Origin(node.location)
        column.renamedFrom = RenameHint(try reader.optional("renamed-from"))
        let primaryKey = try reader.bool("primary-key") ?? false
        column.nullable = try reader.bool("nullable") ?? !primaryKey
        if primaryKey && column.nullable { throw reader.fail("a primary-key column cannot be nullable") }
        column.defaultExpression = try reader.sql("default", as: .defaultValue)
        column.identity = try reader.choice("identity", [("always", Identity.always), ("by-default", .byDefault)])
        column.generated = try reader.sql("generated", as: .generated)
        column.comment = try reader.optional("comment")
        if column.generated != nil && (column.defaultExpression != nil || column.identity != nil) {
            throw reader.fail("a generated column cannot have a default or an identity")
        }
        var constraints: [Constraint] = []
        if try reader.bool("unique") == true {
            constraints.append(Constraint(name: "", kind: .unique(columns: [column.name], nullsNotDistinct: false), origin: column.origin))
        }
        if let references = try reader.optional("references") {
            var fk = try parseReferences(references, reader: reader)
            fk.columns = [column.name]
            fk.onDelete = try reader.choice("on-delete", Self.actions) ?? .noAction
            fk.onUpdate = try reader.choice("on-update", Self.actions) ?? .noAction
            constraints.append(Constraint(name: "", kind: .foreignKey(fk), origin: column.origin))
        } else if node.attribute("on-delete") != nil || node.attribute("on-update") != nil {
            throw reader.fail("on-delete and on-update need references=\"table(column)\"")
        }
        return (column, constraints, primaryKey)
    }

    package static let actions = ReferentialAction.allCases.map { ($0.rawValue, $0) }

    /// `students(id)`, `billing.invoices(id, line)` or just `students` (its primary key).
    package func parseReferences(_ text: String, reader: ElementReader) throws -> ForeignKey {
        var name = text.trimmingWhitespace()
        var columns: [String] = []
        if let open = name.firstIndex(of: "(") {
            guard name.hasSuffix(")") else { throw reader.fail("references must look like table(column, ...), not '\(text)'") }
            columns = name[name.index(after: open)..<name.index(before: name.endIndex)].split(separator: ",").map { $0.trimmingWhitespace() }
            if columns.isEmpty || columns.contains(where: \.isEmpty) { throw reader.fail("references must look like table(column, ...), not '\(text)'") }
            name = name[..<open].trimmingWhitespace()
        }
        let table = try reader.parseQualified(name, attribute: "references", defaultSchema: schema)
        return ForeignKey(columns: [], referencedTable: table, referencedColumns: columns)
    }

    /// `<primary-key>`, `<unique>`, `<check>`, `<foreign-key>` and their `add-*` forms
    /// (which also name the `table`).
    package func constraint(_ node: XMLNode, extra: [String] = []) throws -> Constraint {
        let kindName = node.name.hasPrefix("add-") ? String(node.name.dropFirst(4)) : node.name
        var allowed = ["name"] + extra + (node.name.hasPrefix("add-") ? [] : ["renamed-from"])
        switch kindName {
        case "primary-key": allowed += ["columns", "deferrable"]
        case "unique": allowed += ["columns", "nulls-not-distinct", "deferrable"]
        case "check": allowed += ["expression", "not-valid"]
        default: allowed += ["columns", "references", "on-delete", "on-update", "deferrable", "match", "not-valid"]
        }
        let reader = try ElementReader(node, allowed: allowed)
        _ = try reader.children(allowed: node.name.hasPrefix("add-") ? ["lint-allow"] : [])
        var constraint = Constraint(name: try reader.optional("name") ?? "", kind: .check(expression: ""))
        constraint.origin = Origin(node.location)
        constraint.renamedFrom = RenameHint(try reader.optional("renamed-from"))
        switch kindName {
        case "primary-key":
            constraint.kind = .primaryKey(columns: try reader.list("columns") ?? { throw reader.fail("<\(node.name)> needs attribute 'columns'", id: "missing-attribute") }())
        case "unique":
            constraint.kind = .unique(columns: try reader.list("columns") ?? { throw reader.fail("<\(node.name)> needs attribute 'columns'", id: "missing-attribute") }(),
                                      nullsNotDistinct: try reader.bool("nulls-not-distinct") ?? false)
        case "check":
            _ = try reader.required("expression")
            constraint.kind = .check(expression: try reader.sql("expression", as: .check)!)
        default:
            var fk = try parseReferences(try reader.required("references"), reader: reader)
            fk.columns = try reader.list("columns") ?? { throw reader.fail("<\(node.name)> needs attribute 'columns'", id: "missing-attribute") }()
            fk.onDelete = try reader.choice("on-delete", Self.actions) ?? .noAction
            fk.onUpdate = try reader.choice("on-update", Self.actions) ?? .noAction
            fk.match = try reader.choice("match", ForeignKeyMatch.allCases.map { ($0.rawValue, $0) }) ?? .simple
            constraint.kind = .foreignKey(fk)
        }
        if allowed.contains("deferrable") {
            constraint.deferrable = try reader.choice("deferrable", [("true", Deferrable.immediate), ("false", nil), ("initially-deferred", .deferred)]) ?? nil
        }
        if allowed.contains("not-valid") { constraint.notValid = try reader.bool("not-valid") ?? false }
        return constraint
    }

    package static let indexAttributes = ["name", "columns", "expression", "unique", "method", "where", "include", "nulls-not-distinct", "comment"]

    package func index(_ node: XMLNode, extra: [String] = []) throws -> TableIndex {
        let reader = try ElementReader(node, allowed: Self.indexAttributes + extra + (node.name == "index" ? ["renamed-from"] : []))
        _ = try reader.children(allowed: node.name == "create-index" ? ["lint-allow"] : [])
        let columns = try reader.list("columns")
        let expression = try reader.sql("expression", as: .indexExpression)
        var elements: [IndexElement]
        switch (columns, expression) {
        case (let columns?, nil): elements = columns.map { .column($0) }
        case (nil, let expression?):
            if expression.trimmingWhitespace().isEmpty { throw reader.fail("attribute 'expression' is empty") }
            elements = [.expression(expression.trimmingWhitespace())]
        case (nil, nil): throw reader.fail("<\(node.name)> needs attribute 'columns' or 'expression'", id: "missing-attribute")
        default: throw reader.fail("<\(node.name)> takes 'columns' or 'expression', not both")
        }
        var index = TableIndex(name: try reader.optional("name") ?? "", elements: elements)
        index.unique = try reader.bool("unique") ?? false
        index.method = try reader.choice("method", ["btree", "hash", "gist", "gin", "spgist", "brin"].map { ($0, $0) })
        if index.method == "btree" { index.method = nil }
        index.predicate = try reader.sql("where", as: .predicate)
        index.include = try reader.list("include") ?? []
        index.nullsNotDistinct = try reader.bool("nulls-not-distinct") ?? false
        index.comment = try reader.optional("comment")
        index.origin = Origin(node.location)
        index.renamedFrom = RenameHint(try reader.optional("renamed-from"))
        return index
    }

    // MARK: - Other objects

    package func enumType(_ node: XMLNode) throws -> EnumType {
        let reader = try ElementReader(node, allowed: ["name", "comment"])
        var values: [String] = []
        var renames = ValueRenames()
        for child in try reader.children(allowed: ["value", "lint-allow"]) where child.name == "value" {
            let valueReader = try ElementReader(child, allowed: node.name == "enum" ? ["renamed-from"] : [])
            let text = try valueReader.text()
            if text.isEmpty { throw valueReader.fail("an enum value cannot be empty") }
            if text.utf8.count > 63 { throw valueReader.fail("enum value '\(text)' is \(text.utf8.count) bytes long; PostgreSQL's limit is 63") }
            values.append(text)
            if let old = try valueReader.optional("renamed-from") { renames.from[text] = old }
        }
        return EnumType(name: try reader.qualified("name", defaultSchema: schema), values: values,
                        comment: try reader.optional("comment"), origin: Origin(node.location), valueRenames: renames)
    }

    package func sequence(_ node: XMLNode, extra: [String] = []) throws -> SchemaSequence {
        let reader = try ElementReader(node, allowed: ["name", "type", "start", "increment", "min-value", "max-value", "cache", "cycle", "comment"] + extra)
        _ = try reader.children(allowed: extra.isEmpty ? [] : ["lint-allow"])
        var sequence = SchemaSequence(name: try reader.qualified("name", defaultSchema: schema))
        if let type = try reader.optional("type") {
            guard let spelling = TypeSpelling.parse(type), spelling.arrayDepth == 0 else { throw reader.fail("malformed type '\(type)'") }
            sequence.type = SQLType(base: spelling.words, modifiers: spelling.modifiers)
        }
        sequence.start = try reader.integer("start")
        sequence.increment = try reader.integer("increment")
        if sequence.increment == 0 { throw reader.fail("a sequence's increment cannot be 0") }
        sequence.minValue = try reader.integer("min-value")
        sequence.maxValue = try reader.integer("max-value")
        sequence.cache = try reader.integer("cache")
        sequence.cycle = try reader.bool("cycle") ?? false
        sequence.comment = try reader.optional("comment")
        sequence.origin = Origin(node.location)
        return sequence
    }

    package func view(_ node: XMLNode) throws -> View {
        let reader = try ElementReader(node, allowed: ["name", "materialized", "comment"])
        var body = ""
        for child in try reader.children(allowed: ["lint-allow"]) where child.name != "lint-allow" { _ = child }
        if node.text.trimmingWhitespace().isEmpty { throw reader.fail("<\(node.name)> needs its query as text") }
        body = try ElementReader.sqlText(node.text, of: node, as: .viewBody)
        return View(name: try reader.qualified("name", defaultSchema: schema), body: body,
                    materialized: try reader.bool("materialized") ?? false, comment: try reader.optional("comment"), origin: Origin(node.location))
    }

    package func extensionDeclaration(_ node: XMLNode) throws -> Extension {
        let reader = try ElementReader(node, allowed: ["name", "schema", "version"])
        _ = try reader.children(allowed: ["lint-allow"])
        return Extension(name: try reader.required("name"), schema: try reader.optional("schema"),
                         version: try reader.optional("version"), origin: Origin(node.location))
    }
}
