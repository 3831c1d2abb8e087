/// A view body: exactly one query (`SELECT`, `WITH`, `VALUES`, set operations).
public struct SQLQuery: Hashable, Sendable {
    public let text: String
    public let tree: SQLNode

    private static let memo = ParseMemo<SQLQuery>()

    public static func parse(_ text: String) throws(SQLFragmentError) -> SQLQuery {
        try memo.value(text, make)
    }

    public static func parsed(_ text: String) -> SQLQuery? { try? parse(text) }

    private static func make(_ text: String) throws(SQLFragmentError) -> SQLQuery {
        let statements: [ParsedStatement]
        do { statements = try SQLParser.parse(text) } catch { throw SQLFragment.syntax(error, shift: 0, length: text.utf8.count) }
        guard let first = statements.first else {
            throw SQLFragmentError(id: "sql-slot", message: "a view body must be one query; this one is empty", offset: 0)
        }
        guard statements.count == 1 else {
            throw SQLFragmentError(id: "sql-slot", message: "a view body must be one query; this one holds \(SQLFragment.count(statements.count, "statement"))",
                                   offset: statements[1].range.lowerBound)
        }
        guard let select = first.node.node("SelectStmt") else {
            throw SQLFragmentError(id: "sql-slot", message: "a view body must be one query (SELECT, WITH or VALUES), not \(SQLScript.verb(of: first))",
                                   offset: first.range.lowerBound)
        }
        if select["intoClause"] != nil {
            throw SQLFragmentError(id: "sql-slot", message: "a view body must be one query; SELECT ... INTO creates a table", offset: first.range.lowerBound)
        }
        if let tokens = try? SQLParser.scan(text), let comment = tokens.last, comment.kind == .lineComment {
            throw SQLFragmentError(id: "sql-comment", message: "a view body cannot end in a -- comment: it would swallow the ';' printed after it",
                                   offset: comment.range.lowerBound)
        }
        return SQLQuery(text: text, tree: first.node)
    }

    /// The structure of the query without positions.
    public var structure: SQLNode { tree.withoutLocations }
}

/// Raw SQL: any number of statements, each with its own tree, text and position, and
/// whether PostgreSQL refuses to run it inside a transaction block.
public struct SQLScript: Hashable, Sendable {
    public struct Statement: Hashable, Sendable {
        public var parsed: ParsedStatement
        /// The statement's own text: from its first token to its last, comments before it
        /// kept, comments after it and the `;` left out.
        public var text: String
        /// Comments before the statement are part of `text`; this is where its first token is.
        public var range: Range<Int>

        public var tag: String { parsed.tag }
        public var body: SQLNode { parsed.body }

        /// PostgreSQL refuses it inside a transaction block (`PreventInTransactionBlock`).
        public var refusedInTransaction: Bool { SQLScript.refusedInTransaction(parsed.node) }

        /// `BEGIN`, `COMMIT`, `ROLLBACK`, `SAVEPOINT` and their kin.
        public var isTransactionControl: Bool { tag == "TransactionStmt" }
    }

    public let text: String
    public let statements: [Statement]

    private static let memo = ParseMemo<SQLScript>()

    public static func parse(_ text: String) throws(SQLFragmentError) -> SQLScript {
        try memo.value(text, make)
    }

    public static func parsed(_ text: String) -> SQLScript? { try? parse(text) }

    private static func make(_ text: String) throws(SQLFragmentError) -> SQLScript {
        let parsed: [ParsedStatement]
        do { parsed = try SQLParser.parse(text) } catch { throw SQLFragment.syntax(error, shift: 0, length: text.utf8.count) }
        let bytes = Array(text.utf8)
        var statements: [Statement] = []
        var previousEnd = 0
        for statement in parsed where !statement.range.isEmpty {
            // Keep the comments between the previous statement's `;` and this one.
            var start = statement.range.lowerBound
            if previousEnd < start, let tokens = try? SQLParser.scan(String(decoding: bytes[previousEnd..<start], as: UTF8.self)) {
                let after = tokens.lastIndex { $0.kind == .semicolon }.map { $0 + 1 } ?? 0
                if let first = tokens[after...].first(where: \.isComment) { start = previousEnd + first.range.lowerBound }
            }
            let body = String(decoding: bytes[start..<statement.range.upperBound], as: UTF8.self)
            statements.append(Statement(parsed: statement, text: body, range: statement.range))
            previousEnd = statement.range.upperBound
        }
        return SQLScript(text: text, statements: statements)
    }

    /// The statements PostgreSQL 15 runs only outside a transaction block, from the tree.
    static func refusedInTransaction(_ node: SQLNode) -> Bool {
        guard let (tag, body) = node.tagged else { return false }
        switch tag {
        case "IndexStmt", "DropStmt":
            return body["concurrent"]?.bool ?? false
        case "ReindexStmt":
            let concurrently = (body["params"]?.array ?? []).contains { $0.node("DefElem")?["defname"]?.string == "concurrently" }
            let kind = body["kind"]?.string
            return concurrently || kind == "REINDEX_OBJECT_SYSTEM" || kind == "REINDEX_OBJECT_DATABASE"
        case "VacuumStmt":
            return body["is_vacuumcmd"]?.bool ?? false
        case "CreatedbStmt", "DropdbStmt", "CreateTableSpaceStmt", "DropTableSpaceStmt", "AlterSystemStmt":
            return true
        case "CreateSubscriptionStmt", "DropSubscriptionStmt", "AlterSubscriptionStmt":
            return true
        case "AlterTableStmt":
            return (body["cmds"]?.array ?? []).contains { command in
                command.node("AlterTableCmd")?["subtype"]?.string == "AT_DetachPartition"
                    && (command.node("AlterTableCmd")?["def"]?.node("PartitionCmd")?["concurrent"].bool ?? false)
            }
        case "ClusterStmt":
            return body["relation"] == nil
        case "DiscardStmt":
            return body["target"]?.string == "DISCARD_ALL"
        default:
            return false
        }
    }

    /// A statement's verb as a reader would name it: `CREATE TABLE`, `UPDATE`.
    public static func verb(of statement: ParsedStatement) -> String {
        let names: [String: String] = [
            "SelectStmt": "SELECT", "InsertStmt": "INSERT", "UpdateStmt": "UPDATE", "DeleteStmt": "DELETE", "MergeStmt": "MERGE",
            "CreateStmt": "CREATE TABLE", "DropStmt": "DROP", "AlterTableStmt": "ALTER TABLE", "IndexStmt": "CREATE INDEX",
            "ViewStmt": "CREATE VIEW", "TruncateStmt": "TRUNCATE", "TransactionStmt": "transaction control", "DoStmt": "DO",
            "CreateFunctionStmt": "CREATE FUNCTION", "CreateTrigStmt": "CREATE TRIGGER", "GrantStmt": "GRANT",
            "VariableSetStmt": "SET", "CopyStmt": "COPY", "CreateSeqStmt": "CREATE SEQUENCE", "CreateEnumStmt": "CREATE TYPE",
            "CommentStmt": "COMMENT", "RenameStmt": "ALTER ... RENAME", "CreateSchemaStmt": "CREATE SCHEMA",
            "CreateExtensionStmt": "CREATE EXTENSION", "AlterEnumStmt": "ALTER TYPE", "CreateTableAsStmt": "CREATE TABLE AS",
        ]
        return names[statement.tag] ?? statement.tag.replacingOccurrences(of: "Stmt", with: "")
    }
}

extension SQLNode {
    /// The values of the string constants in this tree.
    public var stringConstants: [String] {
        var values: [String] = []
        walk { tag, body in
            if tag == "A_Const", let value = body["sval"]?["sval"]?.string ?? (body["sval"] != nil ? "" : nil) { values.append(value) }
        }
        return values
    }
}
