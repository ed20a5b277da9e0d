"""drop open_request_tally: the queue counts open requests on the partial index instead

The queue's counts per status are a GROUP BY over ix_request_open_status (revision 0003), which
meets the staff pages' budget on both databases (BENCHMARKS.md, benchmarks/queue.py); the
trigger-kept tally of revision 0005 goes, with its triggers and, on PostgreSQL, its function.

The downgrade restores what 0005 made by running 0005's upgrade: the table, the triggers with
0005's status list, and the counts filled in from the requests there are then.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25

"""
from alembic import context, op


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    postgresql = op.get_bind().dialect.name == 'postgresql'
    for trigger in ('insert', 'update', 'delete'):
        on_request = ' ON request' if postgresql else ''
        op.execute(f'DROP TRIGGER IF EXISTS open_request_tally_{trigger}{on_request}')
    if postgresql:
        op.execute('DROP FUNCTION IF EXISTS open_request_tally()')
    op.drop_table('open_request_tally')


def downgrade():
    context.script.get_revision('0005').module.upgrade()
