"""controller.municipality, controller.extra_holidays: holidays a register adds

A register may name a municipal holiday rule (Assumption Day in a Catholic Bavarian
municipality, Augsburg's Hohes Friedensfest) and add days of its own; deadlines count them.
docs/register.md, jurisdiction.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('controller', schema=None) as batch_op:
        batch_op.add_column(sa.Column('municipality', sa.String(length=32), nullable=True))
        # Rows written before this revision get no added days; the next register load fills them.
        batch_op.add_column(sa.Column('extra_holidays', sa.JSON(), server_default=sa.text("'[]'"), nullable=False))


def downgrade():
    with op.batch_alter_table('controller', schema=None) as batch_op:
        batch_op.drop_column('extra_holidays')
        batch_op.drop_column('municipality')
