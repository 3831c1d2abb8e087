"""display names, emails as text

Revision ID: 6f7a8b9c0d1e
Revises: 5e6f7a8b9c0d
Create Date: 2024-05-20 14:22:10.000000

"""
from alembic import op
import sqlalchemy as sa

revision = '6f7a8b9c0d1e'
down_revision = '5e6f7a8b9c0d'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(sa.Column('display_name', sa.String(length=100), nullable=True))
        batch_op.alter_column('email', existing_type=sa.String(length=320), type_=sa.Text(),
                              postgresql_using='email::text')
    op.execute("UPDATE users SET display_name = split_part(email, '@', 1)")


def downgrade() -> None:
    op.execute("UPDATE users SET display_name = NULL")
    with op.batch_alter_table('users') as batch_op:
        batch_op.alter_column('email', existing_type=sa.Text(), type_=sa.String(length=320))
        batch_op.drop_column('display_name')
