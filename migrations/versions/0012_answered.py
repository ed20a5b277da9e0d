"""request.answered_at; letter.details and letter.posted_on; the 'answering' status

A request closes as answered only when its final letter was delivered by the outbox or posted
(docs/staff.md). `answered_at` is that date, for the dashboard, register.csv and the status
page; `letter.details` holds the facts staff record on the letter's page; `letter.posted_on`
the day a printed letter was posted. The open status 'answering' joins the two partial queue
indexes. Requests closed before this revision get the date of their final letter where one
was sent, else NULL: nothing says they were answered.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

OLD_WORKING = "status IN ('awaiting_approval', 'awaiting_information', 'in_progress', 'new')"
OLD_OPEN = (
    "status IN ('awaiting_approval', 'awaiting_confirmation', 'awaiting_information',"
    " 'in_progress', 'new')"
)
WORKING = (
    "status IN ('answering', 'awaiting_approval', 'awaiting_information', 'in_progress', 'new')"
)
OPEN = (
    "status IN ('answering', 'awaiting_approval', 'awaiting_confirmation',"
    " 'awaiting_information', 'in_progress', 'new')"
)
BACKFILL = """
UPDATE request SET answered_at = (
    SELECT max(letter.sent_at) FROM letter
    WHERE letter.request_id = request.id AND letter.status = 'sent'
      AND letter.type = CASE WHEN request.status = 'refused' THEN 'refusal' ELSE request.type END
)
WHERE request.status IN ('completed', 'refused')
"""


def _queue_indexes(working, open_):
    op.drop_index('ix_request_open_status', table_name='request')
    op.drop_index('ix_request_working_due', table_name='request')
    op.create_index(
        'ix_request_working_due',
        'request',
        [sa.text('coalesce(extended_due_date, due_date)'), 'id'],
        unique=False,
        sqlite_where=sa.text(working),
        postgresql_where=sa.text(working),
    )
    op.create_index(
        'ix_request_open_status',
        'request',
        ['status', 'assignee_id', 'controller_id'],
        unique=False,
        sqlite_where=sa.text(open_),
        postgresql_where=sa.text(open_),
    )


# Plain ADD/DROP COLUMN, not batch mode: SQLite's batch copy of `request` would lose the
# expression and partial indexes, which reflection does not see.
def upgrade():
    op.add_column('request', sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('letter', sa.Column('details', sa.JSON(), nullable=True))
    op.add_column('letter', sa.Column('posted_on', sa.Date(), nullable=True))
    op.execute(BACKFILL)
    _queue_indexes(WORKING, OPEN)


def downgrade():
    _queue_indexes(OLD_WORKING, OLD_OPEN)
    op.execute("UPDATE request SET status = 'in_progress' WHERE status = 'answering'")
    op.drop_column('letter', 'posted_on')
    op.drop_column('letter', 'details')
    op.drop_column('request', 'answered_at')
