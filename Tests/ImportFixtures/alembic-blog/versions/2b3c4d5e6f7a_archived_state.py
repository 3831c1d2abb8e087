"""archived state

Revision ID: 2b3c4d5e6f7a
Revises: 1a2b3c4d5e6f
Create Date: 2024-03-09 16:40:02.553180

"""
from alembic import op

revision = '2b3c4d5e6f7a'
down_revision = '1a2b3c4d5e6f'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TYPE post_state ADD VALUE 'archived'")


def downgrade() -> None:
    # PostgreSQL cannot drop an enum value.
    pass
