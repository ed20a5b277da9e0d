"""sign_in_throttle.last_failure_at: when the address last failed, so quiet rows can be pruned

Rows from before this revision get NULL; the daily pruning treats them as long quiet (it still
keeps any that are locked).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sign_in_throttle', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_failure_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('sign_in_throttle', schema=None) as batch_op:
        batch_op.drop_column('last_failure_at')
