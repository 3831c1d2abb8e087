"""merge headline and tags

Revision ID: 5e6f7a8b9c0d
Revises: 3c4d5e6f7a8b, 4d5e6f7a8b9c
Create Date: 2024-04-05 10:00:00.000000

"""
revision = '5e6f7a8b9c0d'
down_revision = ('3c4d5e6f7a8b', '4d5e6f7a8b9c')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
