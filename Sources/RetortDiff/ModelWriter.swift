import RetortModel
import RetortSQL
import RetortState

/// Writes a schema state as model declaration files, one `<schema>` file per schema, each
/// object as the element a person would write: serial columns as `serial`, foreign keys
/// inside their table, names of the public schema unqualified. Objects come in catalog
/// order (extensions, enums, sequences, tables, views by name), so the same state always
/// gives the same bytes.
public enum ModelWriter {
    /// File name → contents.
    public static func files(for state: SchemaState) -> [String: String] {
        var bodies: [String: [String]] = [:]
        var comments: [String: String] = [:]
        func add(_ schema: String, _ lines: [String]) { bodies[schema, default: []] += lines.map { "  " + $0 } }
        // What every database has (the public schema) is not declared.
        let given = SchemaState().catalog.objects
        let objects = state.sortedObjects.filter { given[$0.key] != $0.value }
        let serials = serialSequences(objects)
        for (_, object) in objects {
            switch object {
            case .schema(let info):
                bodies[info.name, default: []] += []
                if let comment = info.comment { comments[info.name] = comment }
            case .extension(let e):
                add(defaultSchema, RevisionWriter.tag("extension", [("name", e.name), ("schema", e.schema), ("version", e.version)]))
            case .enumType(let type):
                add(type.name.schema, RevisionWriter.tag("enum", [("name", local(type.name)), ("comment", type.comment)],
                                                         children: type.values.flatMap { RevisionWriter.tag("value", [], body: $0) }))
            case .sequence(let s):
                if serials[s.name] != nil { continue }
                add(s.name.schema, RevisionWriter.tag("sequence", [
                    ("name", local(s.name)), ("type", s.type?.description), ("start", s.start.map(String.init)),
                    ("increment", s.increment.map(String.init)), ("min-value", s.minValue.map(String.init)),
                    ("max-value", s.maxValue.map(String.init)), ("cache", s.cache.map(String.init)),
                    ("cycle", RevisionWriter.flag(s.cycle)), ("comment", s.comment)]))
            case .table(let table):
                var children: [String] = []
                for column in table.columns {
                    let serial = serials.values.first { $0.ownedBy == ColumnReference(table: table.name, column: column.name) }
                    children += RevisionWriter.columnElement(column, serial: serial)
                }
                for constraint in table.constraints {
                    children += RevisionWriter.constraintElement(constraint, qualified: table.name.schema != defaultSchema)
                }
                for index in table.indexes { children += RevisionWriter.indexElement(index) }
                add(table.name.schema, RevisionWriter.tag("table", [("name", local(table.name)), ("comment", table.comment)], children: children))
            case .view(let view):
                add(view.name.schema, RevisionWriter.tag("view", [("name", local(view.name)), ("materialized", RevisionWriter.flag(view.materialized)),
                                                               ("comment", view.comment)], body: view.body))
            }
        }
        var files: [String: String] = [:]
        for (schema, lines) in bodies where !(lines.isEmpty && schema == defaultSchema && comments[schema] == nil) {
            var head = "<schema name=\(RevisionWriter.attr(schema))"
            if let comment = comments[schema] { head += " comment=\(RevisionWriter.attr(comment))" }
            let text = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>", head + " format=\"1\">"] + lines + ["</schema>"]
            files[fileName(schema, taken: Set(files.keys))] = text.joined(separator: "\n") + "\n"
        }
        return files
    }

    /// Sequences that are a serial column's: owned by the column, which defaults to their
    /// `nextval`, with nothing set that `serial` would not set.
    static func serialSequences(_ objects: [(key: ObjectKey, value: SchemaObject)]) -> [QualifiedName: SchemaSequence] {
        var tables: [QualifiedName: Table] = [:]
        for (_, object) in objects { if case .table(let t) = object { tables[t.name] = t } }
        var result: [QualifiedName: SchemaSequence] = [:]
        for (_, object) in objects {
            guard case .sequence(let s) = object, let owner = s.ownedBy, let table = tables[owner.table],
                  let column = table.column(owner.column), s.start == nil, s.increment == nil, s.minValue == nil,
                  s.maxValue == nil, s.cache == nil, !s.cycle, s.comment == nil, s.type == column.type,
                  [SQLType.integer, .bigint, .smallint].contains(column.type),
                  column.defaultExpression == "nextval(\(Quoting.literal(Quoting.qualified(s.name)))::regclass)" else { continue }
            result[s.name] = s
        }
        return result
    }

    /// A name as a model file writes it: qualified unless it is in `public`.
    static func local(_ name: QualifiedName) -> String {
        name.schema == defaultSchema ? name.name : name.description
    }

    static func fileName(_ schema: String, taken: Set<String>) -> String {
        let safe = String(schema.unicodeScalars.map { scalar -> Character in
            (scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-")) ? Character(scalar) : "_"
        })
        var name = (safe.isEmpty || safe == "retort" ? "schema_" + safe : safe) + ".xml"
        var n = 2
        while taken.contains(name) { name = "\(safe)_\(n).xml"; n += 1 }
        return name
    }
}
