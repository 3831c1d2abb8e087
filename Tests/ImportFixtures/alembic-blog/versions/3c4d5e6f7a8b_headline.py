"""rename title to headline

Revision ID: 3c4d5e6f7a8b
Revises: 2b3c4d5e6f7a
Create Date: 2024-04-02 11:05:19.000000

"""
from alembic import op

revision = '3c4d5e6f7a8b'
down_revision = '2b3c4d5e6f7a'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.alter_column('posts', 'title', new_column_name='headline')


def downgrade() -> None:
    op.alter_column('posts', 'headline', new_column_name='title')
