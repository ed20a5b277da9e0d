"""erasure_tombstone.scope: the categories the erasure covered (null: all of them)

A replay after a backup restore plans the erasure again for the subject found again; the
scope makes it erase what the first erasure erased and nothing more. docs/suppression.md.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('erasure_tombstone', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scope', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('erasure_tombstone', schema=None) as batch_op:
        batch_op.drop_column('scope')
