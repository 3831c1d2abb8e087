// Generated from PostgreSQL 15 pg_get_keywords(), by category. quote_ident() quotes the
// keywords of all three; unreserved (U) keywords are left bare.

/// Reserved keywords (R): never a column, table, function or type name unless quoted.
public let reservedKeywords: Set<String> = [
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "both",
    "case", "cast", "check", "collate", "column", "constraint", "create", "current_catalog",
    "current_date", "current_role", "current_time", "current_timestamp", "current_user",
    "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "false",
    "fetch", "for", "foreign", "from", "grant", "group", "having", "in", "initially",
    "intersect", "into", "lateral", "leading", "limit", "localtime", "localtimestamp", "not",
    "null", "offset", "on", "only", "or", "order", "placing", "primary", "references",
    "returning", "select", "session_user", "some", "symmetric", "table", "then", "to",
    "trailing", "true", "union", "unique", "user", "using", "variadic", "when", "where",
    "window", "with",
]

/// Type or function name keywords (T): never a column name unless quoted.
public let typeFunctionNameKeywords: Set<String> = [
    "authorization", "binary", "collation", "concurrently", "cross", "current_schema", "freeze",
    "full", "ilike", "inner", "is", "isnull", "join", "left", "like", "natural", "notnull",
    "outer", "overlaps", "right", "similar", "tablesample", "verbose",
]

/// Column name keywords (C): may name a column unquoted (`between + 1`), but most often
/// are syntax (`x BETWEEN 1 AND 2`, `double precision`, `coalesce(...)`).
public let columnNameKeywords: Set<String> = [
    "between", "bigint", "bit", "boolean", "char", "character", "coalesce", "dec", "decimal",
    "exists", "extract", "float", "greatest", "grouping", "inout", "int", "integer", "interval",
    "least", "national", "nchar", "none", "normalize", "nullif", "numeric", "out", "overlay",
    "position", "precision", "real", "row", "setof", "smallint", "substring", "time",
    "timestamp", "treat", "trim", "values", "varchar", "xmlattributes", "xmlconcat",
    "xmlelement", "xmlexists", "xmlforest", "xmlnamespaces", "xmlparse", "xmlpi", "xmlroot",
    "xmlserialize", "xmltable",
]

/// The keywords `quote_ident()` always quotes.
public let quotedKeywords = reservedKeywords.union(typeFunctionNameKeywords).union(columnNameKeywords)
