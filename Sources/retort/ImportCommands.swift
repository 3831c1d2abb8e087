import ArgumentParser
import Foundation
import RetortModel
import RetortKit

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Bring an existing schema into a new Retort project.",
        subcommands: [ImportSchema.self, ImportAlembic.self])
}

struct ImportSchema: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Import a schema written as SQL (pg_dump --schema-only, create_all DDL, schema.sql).",
        discussion: """
            Reads DUMP with PostgreSQL's own grammar and writes DIR/retort.xml (when absent) and \
            one model file per schema. pg_dump's idioms are understood: the SET/set_config \
            preamble, ALTER TABLE ONLY … ADD CONSTRAINT, sequences OWNED BY a column with a \
            nextval default (written back as serial/bigserial), identity columns added after \
            the table, COMMENT ON, indexes, enums, views and extensions. Statements Retort has \
            no model element for (functions, triggers, policies, grants, …) are listed on \
            stderr and, with --baseline, kept verbatim in dump order at the end of the baseline \
            revision (opaque: a downgrade below it leaves them). Nothing is \
            written when DUMP does not parse or DIR already has revisions (unless --force).
            """)

    @Argument(help: "The SQL file to read.") var dump: String
    @Option(help: "The project folder to write (created if missing).") var into: String
    @Flag(help: "Also write revisions/0001_baseline.xml, which creates everything.") var baseline = false
    @Flag(help: "Write even if the folder already has revisions or these model files.") var force = false

    func run() throws {
        let url = URL(fileURLWithPath: dump)
        let imported = try SchemaImport.read(file: dump)
        let folder = URL(fileURLWithPath: into).standardizedFileURL
        let written = try imported.write(into: folder, source: url.lastPathComponent, baseline: baseline, force: force)
        let tables = imported.state.tables.count
        write("imported \(tables) table\(tables == 1 ? "" : "s") from \(dump) into \(into): \(written.joined(separator: ", "))\n")
        for table in imported.versionTables {
            write("left out \(table): a migration tool's version table, not schema (retort.xml declares the project's own)\n")
        }
        if !imported.kept.isEmpty {
            var lines = ["warning: \(imported.kept.count) statement\(imported.kept.count == 1 ? "" : "s") Retort has no model element for "
                         + (baseline ? "kept verbatim at the end of revisions/0001_baseline.xml:" : "not imported (use --baseline to keep them in a raw <sql> block):")]
            for kept in imported.kept {
                lines.append("  \(kept.location): \(kept.summary)" + (kept.reason.map { " (\($0))" } ?? ""))
            }
            FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        }
    }
}

struct ImportAlembic: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alembic",
        abstract: "Import a whole Alembic history from the SQL Alembic prints offline.",
        discussion: """
            UPGRADE is the output of `alembic upgrade base:heads --sql` (any transaction mode),             DOWNGRADE that of `alembic downgrade heads:base --sql`; Retort never runs Python.             Revisions are split at the `-- Running upgrade A -> B` markers (merges included) and             keep Alembic's ids and parents; messages, branch labels and depends-on come from the             scripts' headers in VERSIONS (read as text). Alembic's bookkeeping is dropped and             retort.xml gets <version-table name="alembic_version"/>, so a database Alembic             stamped stays valid. DDL becomes typed operations; other statements become raw             <sql>, their <reverse> taken from the matching `-- Running downgrade` section.
            """)

    @Argument(help: "The output of `alembic upgrade base:heads --sql`.") var upgrade: String
    @Option(help: "The project folder to write (created if missing).") var into: String
    @Option(help: "The output of `alembic downgrade heads:base --sql`, for the reverse of raw SQL.") var downgrade: String?
    @Option(help: "Alembic's versions/ folder, for messages, branch labels and depends-on.") var versions: String?
    @Flag(help: "Write even if the folder already has revisions or these files.") var force = false

    func run() throws {
        let imported = try AlembicImport.read(upgrade: upgrade, downgrade: downgrade, versions: versions)
        let folder = URL(fileURLWithPath: into).standardizedFileURL
        let written = try imported.write(into: folder, force: force)
        let models = written.filter { !$0.hasPrefix("revisions/") && $0 != "retort.xml" }
        write("imported \(imported.revisions.count) revisions from \(upgrade) into \(into): retort.xml, \(models.joined(separator: ", ")), revisions/ "
              + "(head \(imported.revisions.last!.id); version table alembic_version)\n")
        if versions != nil && imported.described < imported.revisions.count {
            FileHandle.standardError.write(Data("warning: \(imported.revisions.count - imported.described) revisions have no script in \(versions!); their messages are empty\n".utf8))
        }
        if !imported.kept.isEmpty {
            var lines = ["note: \(imported.kept.count) statement\(imported.kept.count == 1 ? "" : "s") kept as raw <sql> (no typed operation for them)"
                         + (downgrade == nil ? "; without --downgrade their reverse is unknown, so a downgrade through those revisions stops there:" : ":")]
            for (revision, kept) in imported.kept { lines.append("  \(kept.location): \(kept.summary) (revision \(revision))") }
            FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        }
    }
}
