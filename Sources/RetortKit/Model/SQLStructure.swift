import RetortSQL

/// SQL fragments compared as PostgreSQL reads them: by parse tree, positions dropped, so
/// whitespace, keyword case, redundant parentheses and quoting that changes nothing are
/// never a difference. Text that does not parse (never admitted by the reader) compares
/// as written.
enum SQLStructure {
    static func expression(_ text: String?) -> String? {
        text.map { SQLExpression.parsed($0)?.structure.canonicalText ?? $0 }
    }

    static func query(_ text: String) -> String {
        SQLQuery.parsed(text)?.structure.canonicalText ?? text
    }
}

extension Column {
    /// The column with its expressions in structural form, for comparison only.
    var structural: Column {
        var copy = self
        copy.defaultExpression = SQLStructure.expression(defaultExpression)
        copy.generated = SQLStructure.expression(generated)
        return copy
    }
}

extension ConstraintKind {
    var structural: ConstraintKind {
        if case .check(let expression) = self { return .check(expression: SQLStructure.expression(expression)!) }
        return self
    }
}

extension Constraint {
    var structural: Constraint {
        var copy = self
        copy.kind = kind.structural
        return copy
    }
}

extension TableIndex {
    var structural: TableIndex {
        var copy = self
        copy.elements = elements.map { if case .expression(let text) = $0 { .expression(SQLStructure.expression(text)!) } else { $0 } }
        copy.predicate = SQLStructure.expression(predicate)
        return copy
    }
}

extension Table {
    var structural: Table {
        var copy = self
        copy.columns = columns.map(\.structural)
        copy.constraints = constraints.map(\.structural)
        copy.indexes = indexes.map(\.structural)
        return copy
    }
}

extension View {
    var structural: View {
        var copy = self
        copy.body = SQLStructure.query(body)
        return copy
    }
}
