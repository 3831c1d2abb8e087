#!/usr/bin/env python3
"""Write the Alembic twin of a generated Retort history, for the benchmark only.

    python3 bench/alembic_history.py N OUTDIR [--seed S]

Uses the same operations as `generate.py N DIR --seed S` (same N and seed give the same
history), one Alembic revision file per Retort revision, each with the operations in
`upgrade()` and their inverses, in reverse order, in `downgrade()`:

    create-table        op.create_table / op.drop_table
    add-column          op.add_column / op.drop_column
    create-index        op.create_index / op.drop_index (CONCURRENTLY in an autocommit_block)
    drop-index          op.drop_index / op.create_index
    alter-column        op.alter_column(type_=) both ways
    rename-column       op.alter_column(new_column_name=) both ways
    add-check NOT VALID op.execute(ALTER TABLE .. NOT VALID) / op.drop_constraint
    validate-constraint op.execute(ALTER TABLE .. VALIDATE CONSTRAINT) / nothing
    sql                 op.execute(...) / nothing

The project is Alembic's `generic` template (env.py, alembic.ini with its logging
sections), run offline against the URL `postgresql://`: no database, no driver needed.
`transaction_per_migration=True` matches Retort's default of one transaction per revision.

Then:  alembic -c OUTDIR/alembic.ini upgrade base:head --sql
       alembic -c OUTDIR/alembic.ini downgrade head:base --sql
Alembic itself is not needed to *write* the project, only to run it.
"""

from __future__ import annotations

import argparse
import os
import sys

sys.dont_write_bytecode = True  # leave no __pycache__ in the work tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from generate import DEFAULT_SEED, Column, Op, Revision, build_history, stem_width  # noqa: E402

ALEMBIC_INI = """\
[alembic]
script_location = %(here)s
prepend_sys_path = .
sqlalchemy.url = postgresql://

[loggers]
keys = root,sqlalchemy,alembic

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console
qualname =

[logger_sqlalchemy]
level = WARNING
handlers =
qualname = sqlalchemy.engine

[logger_alembic]
level = INFO
handlers =
qualname = alembic

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
datefmt = %H:%M:%S
"""

ENV_PY = '''\
from logging.config import fileConfig

from alembic import context

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)

target_metadata = None


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    raise SystemExit("this benchmark project is offline-only: run alembic with --sql")
'''

ON_DELETE = {"cascade": "CASCADE", "set null": "SET NULL"}


def sa_column(c: Column) -> str:
    args = [repr(c.name), c.sa_type()]
    if c.references:
        table, col = c.references[:-1].split("(")
        fk = f"sa.ForeignKey({table + '.' + col!r}"
        if c.on_delete:
            fk += f", ondelete={ON_DELETE[c.on_delete]!r}"
        args.append(fk + ")")
    if c.identity:
        args.append("sa.Identity(always=True)")
    if c.primary_key:
        args.append("primary_key=True")
    else:
        args.append("nullable=True")
    return f"sa.Column({', '.join(args)})"


def create_index(name: str, table: str, column: str, concurrently: bool) -> list[str]:
    if concurrently:
        return [
            "with op.get_context().autocommit_block():",
            f"    op.create_index({name!r}, {table!r}, [{column!r}], postgresql_concurrently=True)",
        ]
    return [f"op.create_index({name!r}, {table!r}, [{column!r}])"]


def drop_index(name: str, table: str, concurrently: bool) -> list[str]:
    if concurrently:
        return [
            "with op.get_context().autocommit_block():",
            f"    op.drop_index({name!r}, table_name={table!r}, postgresql_concurrently=True)",
        ]
    return [f"op.drop_index({name!r}, table_name={table!r})"]


def up_down(op: Op) -> tuple[list[str], list[str]]:
    k = op.kind
    if k == "create-table":
        cols = ",\n".join(f"    {sa_column(c)}" for c in op.columns)
        return [f"op.create_table(\n    {op.table!r},\n{cols},\n)"], [f"op.drop_table({op.table!r})"]
    if k == "add-column":
        c = op.columns[0]
        return [f"op.add_column({op.table!r}, {sa_column(c)})"], [f"op.drop_column({op.table!r}, {c.name!r})"]
    if k == "create-index":
        return (
            create_index(op.name, op.table, op.column, op.concurrently),
            drop_index(op.name, op.table, op.concurrently),
        )
    if k == "drop-index":
        return (
            drop_index(op.name, op.table, op.concurrently),
            create_index(op.name, op.table, op.column, op.concurrently),
        )
    if k == "alter-column":
        old = Column(op.column, op.old_type).sa_type()
        new = Column(op.column, op.new_type).sa_type()
        return (
            [f"op.alter_column({op.table!r}, {op.column!r}, type_={new}, existing_type={old}, existing_nullable=True)"],
            [f"op.alter_column({op.table!r}, {op.column!r}, type_={old}, existing_type={new}, existing_nullable=True)"],
        )
    if k == "rename-column":
        return (
            [f"op.alter_column({op.table!r}, {op.column!r}, new_column_name={op.new_name!r})"],
            [f"op.alter_column({op.table!r}, {op.new_name!r}, new_column_name={op.column!r})"],
        )
    if k == "add-check":
        sql = f"ALTER TABLE {op.table} ADD CONSTRAINT {op.name} CHECK ({op.expression}) NOT VALID"
        return [f"op.execute({sql!r})"], [f"op.drop_constraint({op.name!r}, {op.table!r}, type_='check')"]
    if k == "validate-constraint":
        return [f"op.execute({f'ALTER TABLE {op.table} VALIDATE CONSTRAINT {op.name}'!r})"], []
    if k == "sql":
        return [f"op.execute({op.sql!r})"], []
    raise ValueError(k)


def body(lines: list[str]) -> str:
    if not lines:
        return "    pass\n"
    out = []
    for stmt in lines:
        for ln in stmt.split("\n"):
            out.append("    " + ln)
    return "\n".join(out) + "\n"


def revision_py(r: Revision) -> str:
    ups: list[str] = []
    downs: list[list[str]] = []
    for op in r.ops:
        u, d = up_down(op)
        ups += u
        downs.append(d)
    down_lines = [ln for d in reversed(downs) for ln in d]
    return (
        f'"""{r.message}\n\nRevision ID: {r.id}\nRevises: {r.parent or ""}\n"""\n'
        "from alembic import op\n"
        "import sqlalchemy as sa\n\n"
        f"revision = {r.id!r}\n"
        f"down_revision = {r.parent!r}\n"
        "branch_labels = None\n"
        "depends_on = None\n\n\n"
        "def upgrade() -> None:\n"
        f"{body(ups)}\n\n"
        "def downgrade() -> None:\n"
        f"{body(down_lines)}"
    )


def write_alembic_project(history: list[Revision], outdir: str) -> None:
    versions = os.path.join(outdir, "versions")
    os.makedirs(versions, exist_ok=True)
    with open(os.path.join(outdir, "alembic.ini"), "w", encoding="utf-8") as f:
        f.write(ALEMBIC_INI)
    with open(os.path.join(outdir, "env.py"), "w", encoding="utf-8") as f:
        f.write(ENV_PY)
    width = stem_width(len(history))
    for r in history:
        with open(os.path.join(versions, f"{r.number:0{width}d}_{r.slug}.py"), "w", encoding="utf-8") as f:
            f.write(revision_py(r))


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("n", type=int, metavar="N")
    p.add_argument("outdir", metavar="OUTDIR")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = p.parse_args(argv)
    if args.n < 1:
        p.error("N must be at least 1")
    versions = os.path.join(args.outdir, "versions")
    if os.path.isdir(versions) and os.listdir(versions):
        p.error(f"{versions} is not empty; refusing to mix histories")
    write_alembic_project(build_history(args.n, args.seed), args.outdir)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
