import Foundation

/// A database's user schema as normalised, deterministic text read from pg_catalog, to compare
/// the schema a script produced with the schema it should have produced (say, upgrade then
/// downgrade against a fresh database, or `upgrade.sql` against `schema.sql`).
///
/// One object per line, each line naming its object in full so it reads without context:
///
///     schema public comment "standard public schema"
///     extension citext schema public
///     enum public.enrollment_status ["active", "dropped"]
///     sequence public.t_id_seq as integer start 1 increment 1 min 1 max 2147483647 cache 1 no cycle owned by public.t.id
///     table public.students comment "Everyone enrolled"
///     column public.students.email public.citext not null comment "login"
///     constraint public.students.students_pkey PRIMARY KEY (id)
///     index public.students.students_pkey CREATE UNIQUE INDEX students_pkey ON public.students USING btree (id)
///     view public.v
///     view public.v |  SELECT ...
///
/// A text that spans lines (a view's definition, a default holding a newline) continues on
/// lines that repeat the object's prefix followed by ` | `. Comments are JSON strings.
/// Names are schema-qualified throughout: the query runs with `search_path = pg_catalog`.
/// Left out: the pg_catalog, information_schema and pg_* schemas (toast, temp), objects that
/// belong to an extension, owners, privileges and data.
package enum CatalogSnapshot {
    /// The snapshot of `database`, leaving out the table `excludingTable` (`"schema.table"`, or
    /// `"table"` for `public.table`) and everything on it; pass the version table there.
    package static func snapshot(server: PostgresServer, database: String, excludingTable: String? = nil) throws -> String {
        snapshot(fromRows: try server.query(database: database, sql(excludingTable: excludingTable)))
    }

    /// The query behind `snapshot`, for callers that batch it with other statements in one
    /// psql session: it leaves the session's `search_path` as it found it. Its rows, printed
    /// unaligned and tuples-only, become a snapshot through `snapshot(fromRows:)`.
    package static func sql(excludingTable: String? = nil) -> String {
        var exclusion = ""
        if let excludingTable {
            let (schema, table) = split(excludingTable)
            exclusion = "AND NOT (n.nspname = \(literal(schema)) AND c.relname = \(literal(table)))"
        }
        return "SET search_path = pg_catalog;\n" + query(exclusion: exclusion) + "\nRESET search_path;"
    }

    /// A snapshot from the rows of `sql(excludingTable:)`, one per line, without the final newline.
    package static func snapshot(fromRows rows: String) -> String {
        rows.isEmpty ? "" : rows + "\n"
    }

    /// The `version_num` values of a version table (`"schema.table"` or `"table"` for
    /// `public.table`), sorted.
    package static func versionRows(server: PostgresServer, database: String, table: String) throws -> [String] {
        versionRows(fromRows: try server.query(database: database, versionRowsSQL(table: table)))
    }

    /// The query behind `versionRows`, for batching like `sql(excludingTable:)`.
    package static func versionRowsSQL(table: String) -> String {
        let (schema, name) = split(table)
        let relation = PostgresServer.quoteIdentifier(schema) + "." + PostgresServer.quoteIdentifier(name)
        return "SELECT version_num FROM \(relation) ORDER BY version_num COLLATE \"C\";"
    }

    package static func versionRows(fromRows rows: String) -> [String] {
        rows.split(separator: "\n").map(String.init)
    }

    /// A readable account of how two snapshots differ: the lines only in `a` prefixed `- `, then
    /// the lines only in `b` prefixed `+ `, each in its text's order (a line that occurs twice in
    /// `a` and once in `b` counts once as only in `a`). Snapshot lines name their object in full,
    /// so they need no surrounding context. Empty exactly when `a == b`: decide equality with
    /// `==`, use this for the failure message.
    package static func diff(_ a: String, _ b: String) -> String {
        guard a != b else { return "" }
        let linesA = a.split(separator: "\n", omittingEmptySubsequences: false)
        let linesB = b.split(separator: "\n", omittingEmptySubsequences: false)
        let onlyA = subtract(linesB, from: linesA).map { "- \($0)" }
        let onlyB = subtract(linesA, from: linesB).map { "+ \($0)" }
        guard !onlyA.isEmpty || !onlyB.isEmpty else {
            return "(the same lines in a different order)\n"
        }
        return (onlyA + onlyB).joined(separator: "\n") + "\n"
    }

    /// `lines` without one occurrence of each line of `other`, order kept.
    private static func subtract(_ other: [Substring], from lines: [Substring]) -> [Substring] {
        var remaining = Dictionary(other.map { ($0, 1) }, uniquingKeysWith: +)
        return lines.filter { line in
            guard let count = remaining[line], count > 0 else { return true }
            remaining[line] = count - 1
            return false
        }
    }

    private static func split(_ qualifiedName: String) -> (schema: String, name: String) {
        let parts = qualifiedName.split(separator: ".", maxSplits: 1)
        return parts.count == 2 ? (String(parts[0]), String(parts[1])) : ("public", qualifiedName)
    }

    /// `value` as an SQL string literal (standard_conforming_strings is on by default).
    private static func literal(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// One row per output line. Every item carries its sort key (section, object, kind within
    /// the object, name); a relation's columns, constraints and indexes follow its own line.
    /// Columns are sorted by name, not by position (attnum): Retort cannot restore the position
    /// of a column that a downgrade re-adds, so position is not part of the compared schema.
    /// pg_get_constraintdef already ends in NOT VALID when convalidated is false, so the
    /// constraint line carries that flag without a field of its own.
    private static func query(exclusion: String) -> String {
        #"""
        WITH
        ns AS (
            SELECT oid, nspname FROM pg_namespace
            WHERE nspname !~ '^pg_' AND nspname <> 'information_schema'
        ),
        rel AS (
            SELECT c.oid, c.relkind, format('%I.%I', n.nspname, c.relname) AS qname
            FROM pg_class c JOIN ns n ON n.oid = c.relnamespace
            WHERE NOT EXISTS (SELECT FROM pg_depend d
                              WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
              \#(exclusion)
        ),
        item(section, object, sub, name, head, body, comment, definition) AS (
            SELECT 1, n.nspname::text, 0, '', 'schema ' || quote_ident(n.nspname), '',
                   obj_description(n.oid, 'pg_namespace'), NULL
            FROM ns n
          UNION ALL
            SELECT 2, e.extname::text, 0, '', 'extension ' || quote_ident(e.extname),
                   ' schema ' || quote_ident(n.nspname), NULL, NULL
            FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
          UNION ALL
            SELECT 3, format('%I.%I', n.nspname, t.typname), 0, '', format('enum %I.%I', n.nspname, t.typname),
                   ' ' || (SELECT json_agg(l.enumlabel ORDER BY l.enumsortorder)
                           FROM pg_enum l WHERE l.enumtypid = t.oid)::text,
                   obj_description(t.oid, 'pg_type'), NULL
            FROM pg_type t JOIN ns n ON n.oid = t.typnamespace
            WHERE t.typtype = 'e'
              AND NOT EXISTS (SELECT FROM pg_depend d
                              WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
          UNION ALL
            SELECT 4, c.qname, 0, '', 'sequence ' || c.qname,
                   format(' as %s start %s increment %s min %s max %s cache %s %s',
                          format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax,
                          s.seqcache, CASE WHEN s.seqcycle THEN 'cycle' ELSE 'no cycle' END)
                   || CASE d.deptype
                      WHEN 'a' THEN format(' owned by %I.%I.%I', tn.nspname, t.relname, a.attname)
                      WHEN 'i' THEN format(' identity of %I.%I.%I', tn.nspname, t.relname, a.attname)
                      ELSE '' END,
                   obj_description(c.oid, 'pg_class'), NULL
            FROM rel c
            JOIN pg_sequence s ON s.seqrelid = c.oid
            LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
                                 AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0
                                 AND d.deptype IN ('a', 'i')
            LEFT JOIN pg_class t ON t.oid = d.refobjid
            LEFT JOIN pg_namespace tn ON tn.oid = t.relnamespace
            LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
          UNION ALL
            SELECT 5, c.qname, 0, '',
                   CASE c.relkind WHEN 'v' THEN 'view ' WHEN 'm' THEN 'materialized view ' ELSE 'table ' END
                   || c.qname,
                   CASE c.relkind WHEN 'p' THEN ' (partitioned)' ELSE '' END,
                   obj_description(c.oid, 'pg_class'),
                   CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid, true) END
            FROM rel c WHERE c.relkind IN ('r', 'p', 'v', 'm')
          UNION ALL
            SELECT 5, c.qname, 1, a.attname::text, format('column %s.%I', c.qname, a.attname),
                   ' ' || format_type(a.atttypid, a.atttypmod)
                   || CASE WHEN a.attcollation <> ty.typcollation
                           THEN ' collate ' || a.attcollation::regcollation::text ELSE '' END
                   || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
                   || CASE WHEN a.attgenerated = 's'
                           THEN ' generated always as (' || pg_get_expr(ad.adbin, ad.adrelid) || ') stored'
                           WHEN ad.adbin IS NOT NULL THEN ' default ' || pg_get_expr(ad.adbin, ad.adrelid)
                           ELSE '' END
                   || CASE a.attidentity WHEN 'a' THEN ' generated always as identity'
                                         WHEN 'd' THEN ' generated by default as identity' ELSE '' END,
                   col_description(c.oid, a.attnum), NULL
            FROM rel c
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            JOIN pg_type ty ON ty.oid = a.atttypid
            LEFT JOIN pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
            WHERE c.relkind IN ('r', 'p')
          UNION ALL
            SELECT 5, c.qname, 2, co.conname::text, format('constraint %s.%I', c.qname, co.conname),
                   ' ' || pg_get_constraintdef(co.oid),
                   obj_description(co.oid, 'pg_constraint'), NULL
            FROM rel c JOIN pg_constraint co ON co.conrelid = c.oid
          UNION ALL
            SELECT 5, c.qname, 3, ic.relname::text, format('index %s.%I', c.qname, ic.relname),
                   ' ' || pg_get_indexdef(i.indexrelid) || CASE WHEN i.indisvalid THEN '' ELSE ' (invalid)' END,
                   obj_description(ic.oid, 'pg_class'), NULL
            FROM rel c
            JOIN pg_index i ON i.indrelid = c.oid
            JOIN pg_class ic ON ic.oid = i.indexrelid
        )
        SELECT CASE WHEN line.n = 1 THEN line.text ELSE item.head || ' | ' || line.text END
        FROM item,
             regexp_split_to_table(
                 item.head || item.body || coalesce(' comment ' || to_json(item.comment)::text, '')
                 || coalesce(E'\n' || item.definition, ''),
                 E'\n'
             ) WITH ORDINALITY AS line(text, n)
        ORDER BY item.section, item.object COLLATE "C", item.sub, item.name COLLATE "C", line.n;
        """#
    }
}
