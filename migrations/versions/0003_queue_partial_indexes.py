"""queue partial indexes: open requests by due date, counts per open status

Partial indexes on the open statuses, so the default queue page and its counts read the open
requests only, however many closed ones there are. The query writes the same status list
(dsar.requests.models.status_in), which is what lets both databases use them.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

WORKING = "status IN ('awaiting_approval', 'awaiting_information', 'in_progress', 'new')"
OPEN = (
    "status IN ('awaiting_approval', 'awaiting_confirmation', 'awaiting_information',"
    " 'in_progress', 'new')"
)


def upgrade():
    # Expression and partial indexes: autogenerate skips the first and cannot compare the second.
    op.create_index(
        'ix_request_working_due',
        'request',
        [sa.text('coalesce(extended_due_date, due_date)'), 'id'],
        unique=False,
        sqlite_where=sa.text(WORKING),
        postgresql_where=sa.text(WORKING),
    )
    op.create_index(
        'ix_request_open_status',
        'request',
        ['status', 'assignee_id', 'controller_id'],
        unique=False,
        sqlite_where=sa.text(OPEN),
        postgresql_where=sa.text(OPEN),
    )


def downgrade():
    op.drop_index('ix_request_open_status', table_name='request')
    op.drop_index('ix_request_working_due', table_name='request')
