import RetortSQL
package struct DestructiveSQLRule: LintRule {
    package let description = RuleDescription(
        id: "destructive-sql", category: .dataLoss, severity: .error,
        summary: "Raw SQL that drops, truncates, or deletes or updates every row.",
        rationale: "Raw SQL is opaque to the state machine, so Retort cannot derive its downgrade or check it; DROP and TRUNCATE there lose data invisibly, and DELETE or UPDATE without WHERE touches every row.",
        safeAlternative: "Use typed operations (drop-table, drop-column) so the change is checked and reversible, and give data migrations a WHERE clause.",
        failing: [LintExample("<sql><forward>/*!*/DELETE FROM students</forward><reverse/></sql>"),
                  LintExample("<sql><forward>/*!*/TRUNCATE courses</forward><reverse/></sql>"),
                  LintExample("<sql><forward>-- don't keep them\n/*!*/ALTER TABLE students DROP COLUMN score</forward><reverse>ALTER TABLE students ADD COLUMN score numeric(5,2)</reverse></sql>"),
                  LintExample("<sql><forward>UPDATE students SET age = 1 WHERE id = 1; /*!*/DROP TABLE grades CASCADE</forward><reverse/></sql>"),
                  LintExample("<sql><forward>/*!*/UPDATE students SET age = (SELECT max(age) FROM students WHERE age &lt; 100)</forward><reverse/></sql>"),
                  LintExample("<sql><forward>/*!*/WITH gone AS (DELETE FROM students RETURNING id) SELECT count(*) FROM gone</forward><reverse/></sql>")],
        passing: [LintExample("<sql><forward>DELETE FROM students WHERE age &lt; 0</forward><reverse/></sql>"),
                  LintExample("<sql><forward>UPDATE students SET nickname = 'drop' WHERE nickname IS NULL</forward><reverse/></sql>")])

    package func check(_ context: OperationContext) -> [RawFinding] {
        guard case .sql(let raw) = context.operation else { return [] }
        var findings: [RawFinding] = []
        for (n, statement) in RawSQLFacts.statements(raw.forward).enumerated() {
            let at = raw.location(ofStatement: n, or: context.location)
            let body = statement.body
            switch statement.tag {
            case "DropStmt":
                let cascade = body["behavior"]?.string == "DROP_CASCADE" ? " ... CASCADE" : ""
                findings.append(RawFinding(at, "raw SQL runs DROP \(RawSQLFacts.objectKind(body["removeType"]?.string))\(cascade), which loses data the state machine cannot see"))
            case "TruncateStmt":
                let tables = (body["relations"]?.array ?? []).compactMap { $0.node("RangeVar")?["relname"]?.string }
                findings.append(RawFinding(at, "raw SQL runs TRUNCATE \(tables.joined(separator: ", ")), which loses data the state machine cannot see"))
            case "AlterTableStmt":
                let commands = (body["cmds"]?.array ?? []).compactMap { $0.node("AlterTableCmd") }
                if commands.contains(where: { $0["subtype"]?.string == "AT_DropColumn" }) {
                    findings.append(RawFinding(at, "raw SQL runs ALTER ... DROP COLUMN, which loses data the state machine cannot see"))
                }
            default:
                break
            }
            // DELETE and UPDATE anywhere in the statement, writable CTEs included.
            statement.parsed.node.walk { tag, body in
                guard tag == "DeleteStmt" || tag == "UpdateStmt", body["whereClause"] == nil else { return }
                findings.append(RawFinding(at, "raw SQL runs \(tag == "DeleteStmt" ? "DELETE" : "UPDATE") without WHERE: it touches every row"))
            }
        }
        return findings
    }
}
