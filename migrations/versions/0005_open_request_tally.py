"""open_request_tally: counts of received, open requests kept by triggers on request

The queue's counts per status read this small table instead of every open request
(dsar/models/tally.py). The triggers are created with the status list of this revision, and the
counts are filled in from the requests already there.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23

"""
from alembic import op
import sqlalchemy as sa

from dsar.models.tally import backfill_sql, tally_ddl


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

TALLIED = ('awaiting_approval', 'awaiting_information', 'in_progress', 'new')


def upgrade():
    op.create_table(
        'open_request_tally',
        sa.Column('controller_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('assignee_key', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('status', sa.String(length=32), nullable=False),
        sa.Column('type', sa.String(length=32), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            'controller_id', 'assignee_key', 'status', 'type', name=op.f('pk_open_request_tally')
        ),
    )
    dialect = op.get_bind().dialect.name
    for statement in tally_ddl(dialect, TALLIED):
        op.execute(statement)
    op.execute(backfill_sql(TALLIED))


def downgrade():
    postgresql = op.get_bind().dialect.name == 'postgresql'
    for trigger in ('insert', 'update', 'delete'):
        on_request = ' ON request' if postgresql else ''
        op.execute(f'DROP TRIGGER IF EXISTS open_request_tally_{trigger}{on_request}')
    if postgresql:
        op.execute('DROP FUNCTION IF EXISTS open_request_tally()')
    op.drop_table('open_request_tally')
