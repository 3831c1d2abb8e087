"""tags on posts, searchable

Revision ID: 4d5e6f7a8b9c
Revises: 2b3c4d5e6f7a
Create Date: 2024-04-03 08:30:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '4d5e6f7a8b9c'
down_revision = '2b3c4d5e6f7a'
branch_labels = ('tags',)
depends_on = None


def upgrade() -> None:
    op.add_column('posts', sa.Column('tags', postgresql.ARRAY(sa.Text()), server_default='{}', nullable=False))
    op.create_index('posts_tags_idx', 'posts', ['tags'], unique=False, postgresql_using='gin')


def downgrade() -> None:
    op.drop_index('posts_tags_idx', table_name='posts', postgresql_using='gin')
    op.drop_column('posts', 'tags')
