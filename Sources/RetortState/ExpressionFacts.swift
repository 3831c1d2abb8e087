import RetortSQL

/// What the state machine asks of the SQL expressions it stores as text (checks, defaults,
/// index expressions and predicates), answered from PostgreSQL's own parse tree. Text the
/// reader admitted always parses; text that does not (never expected) is left unchanged
/// and names nothing.
package enum ExpressionFacts {
    /// Names of the columns `text` refers to, with repetitions, in order.
    package static func referencedNames(_ text: String) -> [String] {
        SQLExpression.parsed(text)?.columnNames ?? []
    }

    /// The columns of `columns` that `text` refers to, in order of first appearance.
    package static func columnsReferenced(in text: String, among columns: [String]) -> [String] {
        SQLExpression.parsed(text)?.columns(among: columns) ?? []
    }

    /// `text` with its references to `columns` spelled as `quote_ident` spells them.
    package static func canonicalizingReferences(in text: String, to columns: [String]) -> String {
        SQLExpression.parsed(text)?.canonicalizingReferences(to: columns) ?? text
    }

    /// `text` with every reference to column `from` renamed to `to` (already quoted).
    package static func renamingColumn(in text: String, from: String, to quotedTo: String) -> String {
        SQLExpression.parsed(text)?.renamingColumn(from: from, to: quotedTo) ?? text
    }

    /// An enum default's constant renamed (`'active'`, `'active'::status`), else nil.
    package static func renamingLiteral(in expression: String, from: String, to: String) -> String? {
        SQLExpression.parsed(expression)?.renamingLiteral(from: from, to: to)
    }

    /// Whether `expression` holds a string constant whose value is `value`.
    package static func containsString(_ value: String, in expression: String) -> Bool {
        SQLExpression.parsed(expression)?.containsString(value) ?? false
    }

    /// The name PostgreSQL gives an index expression's column (`FigureIndexColname`).
    package static func figureColumnName(_ text: String) -> String {
        SQLExpression.parsed(text)?.indexColumnName ?? "expr"
    }

    /// Whether two expressions read the same to PostgreSQL (spelling aside).
    package static func same(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        guard let x = SQLExpression.parsed(a), let y = SQLExpression.parsed(b) else { return false }
        return x.structure == y.structure
    }
}
