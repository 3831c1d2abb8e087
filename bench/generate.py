#!/usr/bin/env python3
"""Generate a synthetic Retort project with a linear history of N revisions.

    python3 bench/generate.py N OUTDIR [--seed S]

Writes OUTDIR/retort.xml and OUTDIR/revisions/<NNNNN>_<slug>.xml (no model files).
The output depends only on N and the seed: the same arguments give byte-identical files.

Every revision does 1-3 operations on a schema that grows by about one table per 25
revisions (~400 tables at 10,000 revisions). The schema is tracked here so that every
operation is valid against the state it applies to (no missing table, column or index;
names never reused) and lints clean of errors: renames carry a `lint-allow`, checks are
added NOT VALID and validated in a later revision, raw SQL updates have a WHERE and an
empty reverse, varchar changes only widen.

`build_history()` is also used by `alembic_history.py` to write the equivalent Alembic
history, so both tools are timed on the same operations.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import sys
from dataclasses import dataclass, field
from xml.sax.saxutils import quoteattr, escape

DEFAULT_SEED = 20240601

# Roughly one create-table per TABLE_EVERY revisions.
TABLE_EVERY = 25

VARCHAR_SIZES = (20, 40, 50, 64, 100, 120, 200, 255)


# --------------------------------------------------------------------------- model


@dataclass
class Column:
    name: str
    type: str  # PostgreSQL type as written in DDL
    identity: bool = False
    primary_key: bool = False
    references: str | None = None  # "t_00012(id)"
    on_delete: str | None = None
    born: int = 0  # revision number that created it
    indexed: bool = False
    checked: bool = False

    def sa_type(self) -> str:
        """SQLAlchemy type expression, for the Alembic twin."""
        t = self.type
        if t == "bigint":
            return "sa.BigInteger()"
        if t == "integer":
            return "sa.Integer()"
        if t == "text":
            return "sa.Text()"
        if t == "timestamptz":
            return "sa.DateTime(timezone=True)"
        if t.startswith("varchar("):
            return f"sa.String({int(t[8:-1])})"
        raise ValueError(t)


@dataclass
class Table:
    name: str
    born: int
    columns: dict[str, Column] = field(default_factory=dict)
    next_col: int = 1

    def fresh_column_name(self) -> str:
        name = f"c{self.next_col}"
        self.next_col += 1
        return name


@dataclass
class Index:
    name: str
    table: str
    column: str
    born: int


@dataclass
class Check:
    name: str
    table: str
    column: str
    born: int


@dataclass
class Op:
    """One operation; `kind` is the Retort element name, the rest its attributes."""

    kind: str
    table: str = ""
    name: str = ""
    columns: list[Column] = field(default_factory=list)  # create-table / add-column
    column: str = ""
    old_type: str = ""
    new_type: str = ""
    new_name: str = ""
    concurrently: bool = False
    expression: str = ""
    sql: str = ""
    lint_allow: str | None = None


@dataclass
class Revision:
    number: int
    id: str
    parent: str | None
    message: str
    slug: str
    ops: list[Op]


class Schema:
    def __init__(self) -> None:
        self.tables: dict[str, Table] = {}
        self.table_order: list[str] = []
        self.next_table = 1
        self.indexes: dict[str, Index] = {}
        self.index_order: list[str] = []  # live indexes, in creation order
        self.used_index_names: set[str] = set()
        self.pending_checks: list[Check] = []  # added NOT VALID, not yet validated
        self.used_check_names: set[str] = set()


# --------------------------------------------------------------------------- generator


class Generator:
    def __init__(self, n: int, seed: int) -> None:
        self.n = n
        self.rng = random.Random(seed)
        self.s = Schema()

    # ---- helpers

    def pick_table(self, rev: int, existing_only: bool = False) -> Table | None:
        names = self.s.table_order
        if existing_only:
            # table_order is in creation order: tables born this revision are at the end.
            hi = len(names)
            while hi > 0 and self.s.tables[names[hi - 1]].born == rev:
                hi -= 1
            if hi == 0:
                return None
            return self.s.tables[names[self.rng.randrange(hi)]]
        if not names:
            return None
        # Favour recent tables a little, like a real project, but touch old ones too.
        if self.rng.random() < 0.5:
            lo = max(0, len(names) - 20)
            return self.s.tables[names[self.rng.randrange(lo, len(names))]]
        return self.s.tables[names[self.rng.randrange(len(names))]]

    def random_plain_column(self, table: Table, rev: int) -> Column:
        r = self.rng.random()
        if r < 0.3:
            typ = "text"
        elif r < 0.55:
            typ = "integer"
        elif r < 0.7:
            typ = "timestamptz"
        else:
            typ = f"varchar({self.rng.choice(VARCHAR_SIZES)})"
        return Column(table.fresh_column_name(), typ, born=rev)

    # ---- operations; each returns an Op or None when not applicable right now

    def op_create_table(self, rev: int) -> Op:
        name = f"t_{self.s.next_table:05d}"
        self.s.next_table += 1
        table = Table(name, rev)
        cols = [Column("id", "bigint", identity=True, primary_key=True, born=rev)]
        extra = self.rng.randint(2, 5)  # 3-6 columns in all
        has_fk = False
        for _ in range(extra):
            if not has_fk and self.s.table_order and self.rng.random() < 0.5:
                has_fk = True
                ref = self.s.table_order[self.rng.randrange(len(self.s.table_order))]
                cols.append(
                    Column(
                        f"{ref}_id",
                        "bigint",
                        references=f"{ref}(id)",
                        on_delete=self.rng.choice([None, "cascade", "set null"]),
                        born=rev,
                    )
                )
            else:
                cols.append(self.random_plain_column(table, rev))
        for c in cols:
            table.columns[c.name] = c
        self.s.tables[name] = table
        self.s.table_order.append(name)
        # The Op keeps snapshots: later renames and widenings must not rewrite history.
        return Op("create-table", table=name, columns=[dataclasses.replace(c) for c in cols])

    def op_add_column(self, rev: int) -> Op | None:
        table = self.pick_table(rev)
        if table is None:
            return None
        col = self.random_plain_column(table, rev)
        table.columns[col.name] = col
        return Op("add-column", table=table.name, columns=[dataclasses.replace(col)])

    def op_create_index(self, rev: int) -> Op | None:
        table = self.pick_table(rev)
        if table is None:
            return None
        cands = [c for c in table.columns.values() if not c.primary_key and not c.indexed]
        if not cands:
            return None
        col = self.rng.choice(cands)
        base = f"{table.name}_{col.name}_idx"
        name, k = base, 0
        while name in self.s.used_index_names:
            k += 1
            name = f"{base}{k}"
        self.s.used_index_names.add(name)
        col.indexed = True
        self.s.indexes[name] = Index(name, table.name, col.name, rev)
        self.s.index_order.append(name)
        # A table created in this revision is empty: CONCURRENTLY buys nothing there.
        conc = table.born != rev and self.rng.random() < 0.7
        return Op("create-index", table=table.name, name=name, column=col.name, concurrently=conc)

    def op_drop_index(self, rev: int) -> Op | None:
        live = [n for n in self.s.index_order[-50:] if self.s.indexes[n].born != rev]
        if not live:
            return None
        name = self.rng.choice(live)
        idx = self.s.indexes.pop(name)
        self.s.index_order.remove(name)
        self.s.tables[idx.table].columns[idx.column].indexed = False
        conc = self.rng.random() < 0.5
        return Op("drop-index", table=idx.table, name=name, column=idx.column, concurrently=conc)

    def op_widen_varchar(self, rev: int) -> Op | None:
        for _ in range(4):
            table = self.pick_table(rev)
            if table is None:
                return None
            cands = [c for c in table.columns.values() if c.type.startswith("varchar(")]
            if cands:
                col = self.rng.choice(cands)
                old = col.type
                width = int(old[8:-1]) + self.rng.choice((10, 50, 100, 200))
                col.type = f"varchar({width})"
                return Op("alter-column", table=table.name, column=col.name, old_type=old, new_type=col.type)
        return None

    def op_rename_column(self, rev: int) -> Op | None:
        for _ in range(4):
            table = self.pick_table(rev, existing_only=True)
            if table is None:
                return None
            # Only columns that existed before this revision (so the rename-column rule
            # fires and the lint-allow is used) and that no index, check or FK names.
            cands = [
                c
                for c in table.columns.values()
                if c.born != rev
                and not c.primary_key
                and c.references is None
                and not c.indexed
                and not c.checked
            ]
            if cands:
                col = self.rng.choice(cands)
                old = col.name
                col.name = table.fresh_column_name()
                # Keep insertion order stable for determinism: rebuild the dict.
                table.columns = {(col.name if k == old else k): v for k, v in table.columns.items()}
                return Op(
                    "rename-column",
                    table=table.name,
                    column=old,
                    new_name=col.name,
                    lint_allow="rename-column",
                )
        return None

    def op_add_check(self, rev: int) -> Op | None:
        for _ in range(4):
            table = self.pick_table(rev, existing_only=True)
            if table is None:
                return None
            cands = [c for c in table.columns.values() if c.type == "integer" and not c.checked]
            if cands:
                col = self.rng.choice(cands)
                name = f"{table.name}_{col.name}_check"
                if name in self.s.used_check_names:
                    continue
                self.s.used_check_names.add(name)
                col.checked = True
                self.s.pending_checks.append(Check(name, table.name, col.name, rev))
                return Op("add-check", table=table.name, name=name, column=col.name, expression=f"{col.name} >= 0")
        return None

    def op_validate(self, rev: int) -> Op | None:
        for i, chk in enumerate(self.s.pending_checks):
            if chk.born != rev:  # a later transaction than the one that added it
                del self.s.pending_checks[i]
                return Op("validate-constraint", table=chk.table, name=chk.name)
        return None

    def op_sql(self, rev: int) -> Op | None:
        for _ in range(4):
            table = self.pick_table(rev)
            if table is None:
                return None
            cands = [c for c in table.columns.values() if c.type in ("integer", "text") and not c.primary_key]
            if cands:
                col = self.rng.choice(cands)
                value = "0" if col.type == "integer" else "''"
                sql = f"UPDATE {table.name} SET {col.name} = {value} WHERE {col.name} IS NULL"
                return Op("sql", table=table.name, column=col.name, sql=sql)
        return None

    # ---- driver

    WEIGHTED = (
        ("add-column", 30),
        ("create-index", 18),
        ("alter-column", 10),
        ("rename-column", 8),
        ("add-check", 8),
        ("validate-constraint", 8),
        ("drop-index", 8),
        ("sql", 10),
    )

    def one_op(self, rev: int) -> Op:
        kinds = [k for k, _ in self.WEIGHTED]
        weights = [w for _, w in self.WEIGHTED]
        for _ in range(8):
            kind = self.rng.choices(kinds, weights)[0]
            op = {
                "add-column": self.op_add_column,
                "create-index": self.op_create_index,
                "alter-column": self.op_widen_varchar,
                "rename-column": self.op_rename_column,
                "add-check": self.op_add_check,
                "validate-constraint": self.op_validate,
                "drop-index": self.op_drop_index,
                "sql": self.op_sql,
            }[kind](rev)
            if op is not None:
                return op
        op = self.op_add_column(rev)
        assert op is not None
        return op

    def revisions(self) -> list[Revision]:
        width = max(8, len(str(self.n)))
        out: list[Revision] = []
        parent: str | None = None
        for rev in range(1, self.n + 1):
            ops: list[Op] = []
            if rev == 1 or self.rng.random() < 1.0 / TABLE_EVERY:
                ops.append(self.op_create_table(rev))
            want = self.rng.randint(1, 3)
            while len(ops) < want:
                ops.append(self.one_op(rev))
            message, slug = describe(ops[0])
            if len(ops) > 1:
                message += f" (+{len(ops) - 1} more)"
            rid = f"r{rev:0{width}d}"
            out.append(Revision(rev, rid, parent, message, slug, ops))
            parent = rid
        return out


def describe(op: Op) -> tuple[str, str]:
    """A commit-style message and a file-name slug for a revision's first operation."""
    if op.kind == "create-table":
        m = f"create table {op.table}"
    elif op.kind == "add-column":
        m = f"add column {op.columns[0].name} to {op.table}"
    elif op.kind == "create-index":
        m = f"index {op.table}.{op.column}"
    elif op.kind == "drop-index":
        m = f"drop index {op.name}"
    elif op.kind == "alter-column":
        m = f"widen {op.table}.{op.column} to {op.new_type}"
    elif op.kind == "rename-column":
        m = f"rename {op.table}.{op.column} to {op.new_name}"
    elif op.kind == "add-check":
        m = f"check {op.table}.{op.column} not valid"
    elif op.kind == "validate-constraint":
        m = f"validate {op.name}"
    elif op.kind == "sql":
        m = f"backfill {op.table}.{op.column}"
    else:  # pragma: no cover
        raise ValueError(op.kind)
    slug = "".join(ch if ch.isalnum() else "_" for ch in m.lower())
    while "__" in slug:
        slug = slug.replace("__", "_")
    return m, slug.strip("_")[:48]


def build_history(n: int, seed: int = DEFAULT_SEED) -> list[Revision]:
    if n < 1:
        raise ValueError("N must be at least 1")
    return Generator(n, seed).revisions()


def stem_width(n: int) -> int:
    return max(5, len(str(n)))


# --------------------------------------------------------------------------- Retort XML


def column_xml(c: Column) -> str:
    a = [f"name={quoteattr(c.name)}", f"type={quoteattr(c.type)}"]
    if c.identity:
        a.append('identity="always"')
    if c.primary_key:
        a.append('primary-key="true"')
    if c.references:
        a.append(f"references={quoteattr(c.references)}")
        if c.on_delete:
            a.append(f"on-delete={quoteattr(c.on_delete)}")
    return "<column " + " ".join(a) + "/>"


def op_xml(op: Op) -> list[str]:
    ind = "    "
    if op.kind == "create-table":
        lines = [f"{ind}<create-table name={quoteattr(op.table)}>"]
        lines += [f"{ind}  {column_xml(c)}" for c in op.columns]
        lines.append(f"{ind}</create-table>")
        return lines
    if op.kind == "add-column":
        return [f"{ind}<add-column table={quoteattr(op.table)}>{column_xml(op.columns[0])}</add-column>"]
    if op.kind == "create-index":
        conc = ' concurrently="true"' if op.concurrently else ""
        return [
            f"{ind}<create-index table={quoteattr(op.table)} name={quoteattr(op.name)} "
            f"columns={quoteattr(op.column)}{conc}/>"
        ]
    if op.kind == "drop-index":
        conc = ' concurrently="true"' if op.concurrently else ""
        return [f"{ind}<drop-index name={quoteattr(op.name)}{conc}/>"]
    if op.kind == "alter-column":
        return [
            f"{ind}<alter-column table={quoteattr(op.table)} column={quoteattr(op.column)} "
            f"type={quoteattr(op.new_type)}/>"
        ]
    if op.kind == "rename-column":
        head = f"{ind}<rename-column table={quoteattr(op.table)} from={quoteattr(op.column)} to={quoteattr(op.new_name)}"
        if op.lint_allow:
            return [
                head + ">",
                f'{ind}  <lint-allow rule="{op.lint_allow}" reason="bench"/>',
                f"{ind}</rename-column>",
            ]
        return [head + "/>"]
    if op.kind == "add-check":
        return [
            f"{ind}<add-check table={quoteattr(op.table)} name={quoteattr(op.name)} "
            f'expression={quoteattr(op.expression)} not-valid="true"/>'
        ]
    if op.kind == "validate-constraint":
        return [f"{ind}<validate-constraint table={quoteattr(op.table)} name={quoteattr(op.name)}/>"]
    if op.kind == "sql":
        return [f"{ind}<sql><forward>{escape(op.sql)}</forward><reverse/></sql>"]
    raise ValueError(op.kind)


def revision_xml(r: Revision) -> str:
    parent = f" parent={quoteattr(r.parent)}" if r.parent else ""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f"<revision id={quoteattr(r.id)}{parent} message={quoteattr(r.message)} format=\"1\">",
        "  <upgrade>",
    ]
    for op in r.ops:
        lines += op_xml(op)
    lines += ["  </upgrade>", "</revision>", ""]
    return "\n".join(lines)


PROJECT_XML = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<project name="bench" format="1"><target postgres="15"/><output dir="out" lock-timeout="5s"/></project>\n'
)


def write_project(history: list[Revision], outdir: str) -> None:
    revdir = os.path.join(outdir, "revisions")
    os.makedirs(revdir, exist_ok=True)
    with open(os.path.join(outdir, "retort.xml"), "w", encoding="utf-8", newline="\n") as f:
        f.write(PROJECT_XML)
    width = stem_width(len(history))
    for r in history:
        path = os.path.join(revdir, f"{r.number:0{width}d}_{r.slug}.xml")
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(revision_xml(r))


def summary(history: list[Revision]) -> str:
    counts: dict[str, int] = {}
    for r in history:
        for op in r.ops:
            counts[op.kind] = counts.get(op.kind, 0) + 1
    parts = ", ".join(f"{k} {counts[k]}" for k in sorted(counts))
    return f"{len(history)} revisions, {sum(counts.values())} operations ({parts})"


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("n", type=int, metavar="N", help="number of revisions (>= 1)")
    p.add_argument("outdir", metavar="OUTDIR", help="project folder to write (created if missing)")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing")
    args = p.parse_args(argv)
    if args.n < 1:
        p.error("N must be at least 1")
    revdir = os.path.join(args.outdir, "revisions")
    if os.path.isdir(revdir) and os.listdir(revdir):
        p.error(f"{revdir} is not empty; refusing to mix histories")
    history = build_history(args.n, args.seed)
    write_project(history, args.outdir)
    if not args.quiet:
        print(f"{args.outdir}: {summary(history)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
