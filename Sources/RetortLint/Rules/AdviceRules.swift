import RetortModel

/// Columns a create-table or add-column declares, as written, with the step's position.
package func declaredColumns(_ operation: Operation) -> [(table: QualifiedName, column: Column)] {
    switch operation {
    case .createTable(let table, _): table.columns.map { (table.name, $0) }
    case .addColumn(let table, let column, _): [(table, column)]
    default: []
    }
}

package struct PreferBigintRule: LintRule {
    package let description = RuleDescription(
        id: "prefer-bigint", category: .advice, severity: .warning,
        summary: "An integer or smallint key column.",
        rationale: "A 32-bit key runs out at 2,147,483,647 rows, and widening a key later rewrites the table and every table that references it.",
        safeAlternative: "type=\"bigint\" (with identity=\"always\") for keys.",
        failing: [LintExample("<create-table name=\"tags\">\n<!--!-->\n<column name=\"id\" type=\"integer\" primary-key=\"true\"/>\n</create-table>")],
        passing: [LintExample("<create-table name=\"tags\"><column name=\"id\" type=\"bigint\" primary-key=\"true\"/></create-table>")])

    package func check(_ context: OperationContext) -> [RawFinding] {
        guard case .createTable(let table, _) = context.operation else { return [] }
        let keys = Set(table.constraints.flatMap { c -> [String] in if case .primaryKey(let cols) = c.kind { cols } else { [] } })
        return table.columns.filter { keys.contains($0.name) }.compactMap { column in
            let base = column.type.base.asciiLowercased()
            guard ["int", "int4", "integer", "int2", "smallint", "serial", "serial4", "smallserial", "serial2"].contains(base) else { return nil }
            return RawFinding(column.origin.location ?? context.location, "key column \(table.name).\(column.name) is \(base); prefer bigint")
        }
    }
}

package struct PreferIdentityRule: LintRule {
    package let description = RuleDescription(
        id: "prefer-identity", category: .advice, severity: .warning,
        summary: "A serial column.",
        rationale: "serial is a sequence plus a default that tools and permissions treat separately; identity columns are the SQL standard and keep the sequence tied to the column.",
        safeAlternative: "type=\"bigint\" identity=\"always\".",
        failing: [LintExample("<create-table name=\"tags\">\n<!--!-->\n<column name=\"id\" type=\"bigserial\" primary-key=\"true\"/>\n</create-table>")],
        passing: [LintExample("<create-table name=\"tags\"><column name=\"id\" type=\"bigint\" identity=\"always\" primary-key=\"true\"/></create-table>")])

    package func check(_ context: OperationContext) -> [RawFinding] {
        declaredColumns(context.operation).compactMap { table, column in
            guard column.type.base.asciiLowercased().hasSuffix("serial") || column.type.base.asciiLowercased().hasPrefix("serial") else { return nil }
            return RawFinding(column.origin.location ?? context.location, "\(table).\(column.name) is \(column.type.base); prefer an identity column")
        }
    }
}

/// Flags columns whose resolved type matches, for the type-advice rules.
package func typeAdvice(_ context: OperationContext, _ matches: (SQLType) -> Bool, _ message: (QualifiedName, Column, SQLType) -> String) -> [RawFinding] {
    var found: [(QualifiedName, Column)] = declaredColumns(context.operation)
    if case .alterColumn(let change) = context.operation, let type = change.type,
       var column = context.before.table(change.table)?.column(change.column) {
        column.type = type
        column.origin = Origin(context.location)
        found.append((change.table, column))
    }
    return found.compactMap { table, column in
        guard let type = TypeFacts.resolve(column.type, in: context.before), matches(type) else { return nil }
        return RawFinding(column.origin.location ?? context.location, message(table, column, type))
    }
}

package struct PreferTimestamptzRule: LintRule {
    package let description = RuleDescription(
        id: "prefer-timestamptz", category: .advice, severity: .warning,
        summary: "A timestamp without time zone column.",
        rationale: "timestamp without time zone stores wall-clock time with no zone: the same value means different instants to clients in different zones, and DST makes some values ambiguous.",
        safeAlternative: "type=\"timestamptz\".",
        failing: [LintExample("<add-column table=\"students\">\n<!--!-->\n<column name=\"seen\" type=\"timestamp\"/>\n</add-column>")],
        passing: [LintExample("<add-column table=\"students\"><column name=\"seen\" type=\"timestamptz\"/></add-column>")])

    package func check(_ context: OperationContext) -> [RawFinding] {
        typeAdvice(context, { $0.base == "timestamp without time zone" }) { t, c, _ in "\(t).\(c.name) is timestamp without time zone; prefer timestamptz" }
    }
}

package struct PreferTextRule: LintRule {
    package let description = RuleDescription(
        id: "prefer-text", category: .advice, severity: .off,
        summary: "A varchar(n) column (off by default).",
        rationale: "In PostgreSQL varchar(n) is text with a length check; raising the limit later is cheap, lowering it is not. Many teams prefer text with an explicit CHECK.",
        safeAlternative: "type=\"text\", with a check constraint if the length matters.",
        failing: [LintExample("<add-column table=\"students\">\n<!--!-->\n<column name=\"city\" type=\"varchar(40)\"/>\n</add-column>", settings: "<lint><rule id=\"prefer-text\" severity=\"warning\"/></lint>")],
        passing: [LintExample("<add-column table=\"students\"><column name=\"city\" type=\"text\"/></add-column>", settings: "<lint><rule id=\"prefer-text\" severity=\"warning\"/></lint>")])

    package func check(_ context: OperationContext) -> [RawFinding] {
        typeAdvice(context, { $0.base == "character varying" && !$0.modifiers.isEmpty }) { t, c, type in "\(t).\(c.name) is \(type); prefer text" }
    }
}

package struct BanCharRule: LintRule {
    package let description = RuleDescription(
        id: "ban-char", category: .advice, severity: .warning,
        summary: "A char(n) column.",
        rationale: "character(n) pads values with spaces, compares with trailing blanks ignored and is never faster than text in PostgreSQL.",
        safeAlternative: "type=\"text\" (or varchar(n)).",
        failing: [LintExample("<add-column table=\"students\">\n<!--!-->\n<column name=\"grade\" type=\"char(2)\"/>\n</add-column>")],
        passing: [LintExample("<add-column table=\"students\"><column name=\"grade\" type=\"varchar(2)\"/></add-column>")])

    package func check(_ context: OperationContext) -> [RawFinding] {
        typeAdvice(context, { $0.base == "character" }) { t, c, type in "\(t).\(c.name) is \(type); prefer text or varchar" }
    }
}

package struct PreferJsonbRule: LintRule {
    package let description = RuleDescription(
        id: "prefer-jsonb", category: .advice, severity: .warning,
        summary: "A json column.",
        rationale: "json stores the text as given and re-parses it on every access; jsonb is parsed once, can be indexed and supports containment operators.",
        safeAlternative: "type=\"jsonb\".",
        failing: [LintExample("<add-column table=\"students\">\n<!--!-->\n<column name=\"prefs\" type=\"json\"/>\n</add-column>")],
        passing: [LintExample("<add-column table=\"students\"><column name=\"prefs\" type=\"jsonb\"/></add-column>")])

    package func check(_ context: OperationContext) -> [RawFinding] {
        typeAdvice(context, { $0.base == "json" }) { t, c, _ in "\(t).\(c.name) is json; prefer jsonb" }
    }
}

package struct ForeignKeyWithoutIndexRule: LintRule {
    package let description = RuleDescription(
        id: "foreign-key-without-index", category: .advice, severity: .warning,
        summary: "Referencing columns not covered by an index.",
        rationale: "Every delete or key update on the referenced table scans the referencing table to enforce the foreign key, and joins along it cannot use an index.",
        safeAlternative: "An index whose leading columns are the foreign key's columns, in the same revision.",
        failing: [LintExample("""
            <!--!-->
            <create-table name="enrollments">
              <column name="id" type="bigint" primary-key="true"/>
              <column name="course_id" type="bigint" references="courses(id)"/>
            </create-table>
            """)],
        passing: [LintExample("""
            <create-table name="enrollments">
              <column name="id" type="bigint" primary-key="true"/>
              <column name="course_id" type="bigint" references="courses(id)"/>
              <index columns="course_id"/>
            </create-table>
            """)])

    package func checkRevision(_ context: RevisionContext) -> [RawFinding] {
        context.addedForeignKeys.compactMap { table, constraint, location in
            guard let fk = constraint.foreignKey, let current = context.after.table(table),
                  current.constraintIndex(constraint.name) != nil else { return nil }
            let wanted = Set(fk.columns)
            let leading: [[String]] = current.indexes.filter { $0.predicate == nil }.map(\.columnNames)
                + current.constraints.compactMap { $0.kind.ownsIndex ? $0.kind.columns : nil }
            if leading.contains(where: { $0.count >= wanted.count && Set($0.prefix(wanted.count)) == wanted }) { return nil }
            return RawFinding(location, "foreign key \(constraint.name) on \(table) (\(fk.columns.joined(separator: ", "))) has no index; deletes on \(fk.referencedTable) scan \(table)")
        }
    }
}
