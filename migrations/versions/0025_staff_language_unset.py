"""staff_user.language may be unset: the staff member has not chosen a language yet

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.alter_column('language', existing_type=sa.String(length=8), nullable=True)


def downgrade():
    op.execute("UPDATE staff_user SET language = 'en' WHERE language IS NULL")
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.alter_column('language', existing_type=sa.String(length=8), nullable=False)
