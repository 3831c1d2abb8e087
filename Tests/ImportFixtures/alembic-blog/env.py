# Offline-only Alembic environment for Retort's import tests. ALEMBIC_TRANSACTION picks
# Alembic's transaction mode: "per-migration" (one per revision) or "single" (one for all).
import os
from logging.config import fileConfig

from alembic import context

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=None,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        transaction_per_migration=os.environ.get("ALEMBIC_TRANSACTION", "per-migration") == "per-migration",
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    raise SystemExit("this test project is offline-only: run alembic with --sql")
