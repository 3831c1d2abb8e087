/// Quoting exactly as PostgreSQL's `quote_ident` and `quote_literal` do.
public enum Quoting {
    /// Bare when the name is `[a-z_][a-z0-9_]*` and not a reserved, type/function-name or
    /// column-name keyword; otherwise double-quoted with `"` doubled.
    public static func identifier(_ name: String) -> String {
        var bare = !name.isEmpty
        for (i, byte) in name.utf8.enumerated() {
            let lower = byte >= 97 && byte <= 122
            let ok = lower || byte == 95 || (i > 0 && byte >= 48 && byte <= 57)
            if !ok { bare = false; break }
        }
        if bare && !quotedKeywords.contains(name) { return name }
        var quoted = "\""
        for c in name.unicodeScalars {
            if c == "\"" { quoted += "\"\"" } else { quoted.unicodeScalars.append(c) }
        }
        return quoted + "\""
    }

    /// `'text'` with `'` doubled; with a backslash, `E'...'` with `\` doubled too, which reads
    /// the same whatever `standard_conforming_strings` says.
    public static func literal(_ text: String) -> String {
        // Most literals hold neither quote nor backslash: one byte scan, one copy.
        if !text.utf8.contains(where: { $0 == 0x27 || $0 == 0x5C }) { return "'" + text + "'" }
        let hasBackslash = text.utf8.contains(0x5C)
        var quoted = hasBackslash ? "E'" : "'"
        for c in text.unicodeScalars {
            switch c {
            case "'": quoted += "''"
            case "\\": quoted += "\\\\"
            default: quoted.unicodeScalars.append(c)
            }
        }
        return quoted + "'"
    }
}
