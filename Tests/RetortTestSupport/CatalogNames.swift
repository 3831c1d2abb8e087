import Foundation

/// What the catalog holds in one schema, read back as JSON so any text survives the trip.
package struct CatalogNames: Decodable, Equatable {
    package var schemaComment: String?
    package var tables: [String: String?]
    package var columns: [String: String?]
    /// Primary key, unique, check and foreign-key constraint names, in byte order.
    package var constraints: [String]
    package var indexes: [String: String?]
    package var sequences: [String]
    package var enums: [String: [String]]
    package var enumComments: [String: String?]

    package static func read(server: PostgresServer, database: String, schema: String) throws -> CatalogNames {
        let literal = "'" + schema.replacingOccurrences(of: "'", with: "''") + "'"
        let json = try server.query(database: database, """
            WITH s AS (SELECT oid FROM pg_namespace WHERE nspname = \(literal))
            SELECT jsonb_build_object(
                'schemaComment', (SELECT obj_description(oid, 'pg_namespace') FROM s),
                'tables', (SELECT coalesce(jsonb_object_agg(relname, obj_description(c.oid, 'pg_class')), '{}')
                           FROM pg_class c JOIN s ON c.relnamespace = s.oid WHERE relkind = 'r'),
                'columns', (SELECT coalesce(jsonb_object_agg(attname, col_description(attrelid, attnum)), '{}')
                            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN s ON c.relnamespace = s.oid
                            WHERE c.relkind = 'r' AND attnum > 0 AND NOT attisdropped),
                'constraints', (SELECT coalesce(jsonb_agg(conname::text ORDER BY conname COLLATE "C"), '[]')
                                FROM pg_constraint co JOIN s ON co.connamespace = s.oid WHERE contype IN ('p', 'u', 'c', 'f')),
                'indexes', (SELECT coalesce(jsonb_object_agg(relname, obj_description(c.oid, 'pg_class')), '{}')
                            FROM pg_class c JOIN s ON c.relnamespace = s.oid WHERE relkind = 'i'),
                'sequences', (SELECT coalesce(jsonb_agg(relname::text ORDER BY relname COLLATE "C"), '[]')
                              FROM pg_class c JOIN s ON c.relnamespace = s.oid WHERE relkind = 'S'),
                'enums', (SELECT coalesce(jsonb_object_agg(typname, (SELECT jsonb_agg(enumlabel ORDER BY enumsortorder)
                                                                      FROM pg_enum WHERE enumtypid = t.oid)), '{}')
                          FROM pg_type t JOIN s ON t.typnamespace = s.oid WHERE typtype = 'e'),
                'enumComments', (SELECT coalesce(jsonb_object_agg(typname, obj_description(t.oid, 'pg_type')), '{}')
                                 FROM pg_type t JOIN s ON t.typnamespace = s.oid WHERE typtype = 'e')
            )::text
            """)
        return try JSONDecoder().decode(CatalogNames.self, from: Data(json.utf8))
    }
}
