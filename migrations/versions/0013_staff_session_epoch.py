"""staff_user.session_epoch: signing out or a new password ends every session of the member

Flask-Login's session id becomes "<id>.<epoch>" (StaffUser.get_id); a session whose epoch is
older than the member's opens nothing. Existing rows start at 0; sessions from before this
revision (id only) no longer load, so everyone signs in once more.

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-07

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_epoch", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.drop_column("session_epoch")
