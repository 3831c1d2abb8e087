import RetortSQL

/// SQL fragments compared as PostgreSQL reads them: by parse tree, positions dropped, so
/// whitespace, keyword case, redundant parentheses and quoting that changes nothing are
/// never a difference. Text that does not parse (never admitted by the reader) compares
/// as written.
package enum SQLStructure {
    package static func expression(_ text: String?) -> String? {
        text.map { SQLExpression.parsed($0)?.structure.canonicalText ?? $0 }
    }

    package static func query(_ text: String) -> String {
        SQLQuery.parsed(text)?.structure.canonicalText ?? text
    }
}

extension Column {
    /// The column with its expressions in structural form, for comparison only.
    package var structural: Column {
        var copy = self
        copy.defaultExpression = SQLStructure.expression(defaultExpression)
        copy.generated = SQLStructure.expression(generated)
        return copy
    }
}

extension ConstraintKind {
    package var structural: ConstraintKind {
        if case .check(let expression) = self { return .check(expression: SQLStructure.expression(expression)!) }
        return self
    }
}

extension Constraint {
    package var structural: Constraint {
        var copy = self
        copy.kind = kind.structural
        return copy
    }
}

extension TableIndex {
    package var structural: TableIndex {
        var copy = self
        copy.elements = elements.map { if case .expression(let text) = $0 { .expression(SQLStructure.expression(text)!) } else { $0 } }
        copy.predicate = SQLStructure.expression(predicate)
        return copy
    }
}

extension Table {
    package var structural: Table {
        var copy = self
        copy.columns = columns.map(\.structural)
        copy.constraints = constraints.map(\.structural)
        copy.indexes = indexes.map(\.structural)
        return copy
    }
}

extension View {
    package var structural: View {
        var copy = self
        copy.body = SQLStructure.query(body)
        return copy
    }
}
