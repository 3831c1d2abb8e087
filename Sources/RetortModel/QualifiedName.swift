import RetortSQL
/// A schema-qualified name. `schema` is always set (the model's default is `public`).
public struct QualifiedName: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var schema: String
    public var name: String

    public init(schema: String, name: String) {
        self.schema = schema
        self.name = name
    }

    public static func < (a: QualifiedName, b: QualifiedName) -> Bool {
        (a.schema, a.name) < (b.schema, b.name)
    }

    /// `billing.invoices`, or just `students` in the default schema.
    public var description: String { schema == defaultSchema ? name : "\(schema).\(name)" }

    package func renamed(_ newName: String) -> QualifiedName { QualifiedName(schema: schema, name: newName) }
}

/// The schema names live in when the input does not qualify them.
public let defaultSchema = "public"

extension Quoting {
    /// `schema.name`, with the default schema left implicit.
    public static func qualified(_ name: QualifiedName) -> String {
        name.schema == defaultSchema ? identifier(name.name) : identifier(name.schema) + "." + identifier(name.name)
    }
}

extension String {
    /// Lower case for ASCII letters only, as PostgreSQL folds unquoted identifiers.
    package func asciiLowercased() -> String {
        String(decoding: utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
    }
}
