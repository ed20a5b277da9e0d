"""open_request_tally: counts of received, open requests kept by triggers on request

The queue's counts per status read this small table instead of every open request. The
triggers are created with the status list of this revision, and the counts are filled in from
the requests already there. Revision 0008 drops it all again (the queue counts the partial index
ix_request_open_status); its downgrade runs this upgrade. The statements are written out here,
not imported: a revision must not change when the application's code does.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

TALLIED = ('awaiting_approval', 'awaiting_information', 'in_progress', 'new')
LISTED = ", ".join(f"'{status}'" for status in TALLIED)
KEY = 'controller_id, assignee_key, status, type'

POSTGRESQL = [
    f"""CREATE OR REPLACE FUNCTION open_request_tally() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND OLD.status IN ({LISTED}) THEN
    UPDATE open_request_tally SET n = n - 1
    WHERE controller_id = OLD.controller_id AND assignee_key = coalesce(OLD.assignee_id, 0)
      AND status = OLD.status AND type = OLD.type;
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.status IN ({LISTED}) THEN
    INSERT INTO open_request_tally AS t ({KEY}, n)
    VALUES (NEW.controller_id, coalesce(NEW.assignee_id, 0), NEW.status, NEW.type, 1)
    ON CONFLICT ({KEY}) DO UPDATE SET n = t.n + 1;
  END IF;
  RETURN NULL;
END $$""",
    "CREATE OR REPLACE TRIGGER open_request_tally_insert AFTER INSERT ON request FOR EACH ROW"
    f" WHEN (NEW.status IN ({LISTED})) EXECUTE FUNCTION open_request_tally()",
    "CREATE OR REPLACE TRIGGER open_request_tally_update"
    " AFTER UPDATE OF status, assignee_id, controller_id, type ON request FOR EACH ROW"
    f" WHEN ((OLD.status IN ({LISTED}) OR NEW.status IN ({LISTED}))"
    " AND (OLD.status, OLD.assignee_id, OLD.controller_id, OLD.type)"
    " IS DISTINCT FROM (NEW.status, NEW.assignee_id, NEW.controller_id, NEW.type))"
    " EXECUTE FUNCTION open_request_tally()",
    "CREATE OR REPLACE TRIGGER open_request_tally_delete AFTER DELETE ON request FOR EACH ROW"
    f" WHEN (OLD.status IN ({LISTED})) EXECUTE FUNCTION open_request_tally()",
]

_ADD = (
    f"INSERT INTO open_request_tally ({KEY}, n)"
    " SELECT NEW.controller_id, coalesce(NEW.assignee_id, 0), NEW.status, NEW.type, 1"
    f" WHERE NEW.status IN ({LISTED})"
    f" ON CONFLICT ({KEY}) DO UPDATE SET n = n + 1;"
)
_REMOVE = (
    "UPDATE open_request_tally SET n = n - 1"
    f" WHERE OLD.status IN ({LISTED}) AND controller_id = OLD.controller_id"
    " AND assignee_key = coalesce(OLD.assignee_id, 0)"
    " AND status = OLD.status AND type = OLD.type;"
)
SQLITE = [
    "CREATE TRIGGER IF NOT EXISTS open_request_tally_insert AFTER INSERT ON request"
    f" WHEN NEW.status IN ({LISTED}) BEGIN {_ADD} END",
    "CREATE TRIGGER IF NOT EXISTS open_request_tally_update"
    " AFTER UPDATE OF status, assignee_id, controller_id, type ON request"
    f" WHEN (OLD.status IN ({LISTED}) OR NEW.status IN ({LISTED}))"
    " AND (OLD.status IS NOT NEW.status OR OLD.assignee_id IS NOT NEW.assignee_id"
    " OR OLD.controller_id IS NOT NEW.controller_id OR OLD.type IS NOT NEW.type)"
    f" BEGIN {_REMOVE} {_ADD} END",
    "CREATE TRIGGER IF NOT EXISTS open_request_tally_delete AFTER DELETE ON request"
    f" WHEN OLD.status IN ({LISTED}) BEGIN {_REMOVE} END",
]

BACKFILL = (
    "INSERT INTO open_request_tally (controller_id, assignee_key, status, type, n)"
    " SELECT controller_id, coalesce(assignee_id, 0), status, type, count(*) FROM request"
    f" WHERE status IN ({LISTED})"
    " GROUP BY controller_id, coalesce(assignee_id, 0), status, type"
)


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
    postgresql = op.get_bind().dialect.name == 'postgresql'
    for statement in POSTGRESQL if postgresql else SQLITE:
        op.execute(statement)
    op.execute(BACKFILL)


def downgrade():
    postgresql = op.get_bind().dialect.name == 'postgresql'
    for trigger in ('insert', 'update', 'delete'):
        on_request = ' ON request' if postgresql else ''
        op.execute(f'DROP TRIGGER IF EXISTS open_request_tally_{trigger}{on_request}')
    if postgresql:
        op.execute('DROP FUNCTION IF EXISTS open_request_tally()')
    op.drop_table('open_request_tally')
