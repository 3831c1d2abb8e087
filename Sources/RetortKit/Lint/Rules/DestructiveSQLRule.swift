struct DestructiveSQLRule: LintRule {
    let description = RuleDescription(
        id: "destructive-sql", category: .dataLoss, severity: .error,
        summary: "Raw SQL that drops, truncates, or deletes or updates every row.",
        rationale: "Raw SQL is opaque to the state machine, so Retort cannot derive its downgrade or check it; DROP and TRUNCATE there lose data invisibly, and DELETE or UPDATE without WHERE touches every row.",
        safeAlternative: "Use typed operations (drop-table, drop-column) so the change is checked and reversible, and give data migrations a WHERE clause.",
        failing: [LintExample("<!--!-->\n<sql><forward>DELETE FROM students</forward><reverse/></sql>"),
                  LintExample("<!--!-->\n<sql><forward>TRUNCATE courses</forward><reverse/></sql>"),
                  LintExample("<!--!-->\n<sql><forward>-- don't keep them\nALTER TABLE students DROP COLUMN nickname</forward><reverse/></sql>"),
                  LintExample("<!--!-->\n<sql><forward>UPDATE students SET age = (SELECT max(age) FROM students WHERE age &lt; 100)</forward><reverse/></sql>")],
        passing: [LintExample("<sql><forward>DELETE FROM students WHERE age &lt; 0</forward><reverse/></sql>"),
                  LintExample("<sql><forward>UPDATE students SET nickname = 'drop' WHERE nickname IS NULL</forward><reverse/></sql>")])

    func check(_ context: OperationContext) -> [RawFinding] {
        guard case .sql(let raw) = context.operation else { return [] }
        var findings: [RawFinding] = []
        for words in SQLScan.words(raw.forward) {
            guard let verb = SQLScan.verb(words) else { continue }
            let top = words.filter { $0.depth == 0 }.map(\.text)
            switch verb {
            case "DROP", "TRUNCATE":
                findings.append(RawFinding(context.location, "raw SQL runs \(verb) \(top.dropFirst().first ?? ""), which loses data the state machine cannot see"))
            case "ALTER":
                for (n, word) in top.enumerated() where word == "DROP" {
                    let object = n + 1 < top.count ? top[n + 1] : ""
                    if !["CONSTRAINT", "DEFAULT", "NOT", "IDENTITY", "EXPRESSION", "VALUE"].contains(object) {
                        findings.append(RawFinding(context.location, "raw SQL runs ALTER ... DROP \(object == "COLUMN" ? "COLUMN" : object), which loses data the state machine cannot see"))
                        break
                    }
                }
            case "DELETE", "UPDATE":
                guard !top.contains("WHERE") else { continue }
                findings.append(RawFinding(context.location, "raw SQL runs \(verb) without WHERE: it touches every row"))
            default: break
            }
        }
        return findings
    }
}
