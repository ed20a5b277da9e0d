"""Counts of received, open requests by controller, assignee, status and type, kept by triggers.

The queue shows a count per status on every page view. Counting them from `request` reads every
open row: 5,000 open requests cost 0.3 ms on SQLite and 0.5 ms on PostgreSQL per page
(benchmarks/queue.py). The tally holds one row per (controller, assignee, status, type), so the
same counts read a few dozen rows whatever the number of requests.

Triggers on `request` keep it: every insert, update and delete, by the ORM, by Core or by hand,
moves the counts in the same transaction, so they are never stale and never half-moved. Only
statuses whose clock runs are tallied: a web request waits for its e-mail confirmation outside the
tally, so the public form's insert fires no trigger work (benchmarks/intake.py) and the few
unconfirmed requests are counted from the table.

A SQLite migration that rebuilds `request` (batch mode) drops its triggers: such a migration must
create them again (`tally_ddl`); tests/test_tally.py fails on a head revision without them.
"""

from __future__ import annotations

from sqlalchemy import DDL, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column

from dsar.models.base import Base
from dsar.workflow import Status

TALLIED = tuple(sorted(s.value for s in Status if s.clock_running))
UNASSIGNED = 0  # the assignee key of unassigned requests: NULL would never match ON CONFLICT


class OpenRequestTally(Base):
    __tablename__ = "open_request_tally"

    controller_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    assignee_key: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(32), primary_key=True)
    type: Mapped[str] = mapped_column(String(32), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


def tally_ddl(dialect: str, statuses: tuple[str, ...] = TALLIED) -> list[str]:
    """The trigger statements for `dialect`, tallying `statuses` (a migration passes its own).

    Idempotent (OR REPLACE, IF NOT EXISTS): create_all may run on a database that has them.
    """
    listed = _listed(statuses)
    key = "controller_id, assignee_key, status, type"
    if dialect == "postgresql":
        return _postgresql(listed, key)
    return _sqlite(listed, key)


def _listed(statuses: tuple[str, ...]) -> str:
    """The statuses as SQL literals; anything but a Status value is refused, not quoted."""
    return ", ".join(f"'{Status(s).value}'" for s in statuses)


def _postgresql(listed: str, key: str) -> list[str]:
    moved = (
        "(OLD.status, OLD.assignee_id, OLD.controller_id, OLD.type)"
        " IS DISTINCT FROM (NEW.status, NEW.assignee_id, NEW.controller_id, NEW.type)"
    )
    return [
        f"""CREATE OR REPLACE FUNCTION open_request_tally() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND OLD.status IN ({listed}) THEN
    UPDATE open_request_tally SET n = n - 1
    WHERE controller_id = OLD.controller_id AND assignee_key = coalesce(OLD.assignee_id, 0)
      AND status = OLD.status AND type = OLD.type;
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.status IN ({listed}) THEN
    INSERT INTO open_request_tally AS t ({key}, n)
    VALUES (NEW.controller_id, coalesce(NEW.assignee_id, 0), NEW.status, NEW.type, 1)
    ON CONFLICT ({key}) DO UPDATE SET n = t.n + 1;
  END IF;
  RETURN NULL;
END $$""",
        "CREATE OR REPLACE TRIGGER open_request_tally_insert AFTER INSERT ON request FOR EACH ROW"
        f" WHEN (NEW.status IN ({listed})) EXECUTE FUNCTION open_request_tally()",
        "CREATE OR REPLACE TRIGGER open_request_tally_update"
        " AFTER UPDATE OF status, assignee_id, controller_id, type ON request FOR EACH ROW"
        f" WHEN ((OLD.status IN ({listed}) OR NEW.status IN ({listed})) AND {moved})"
        " EXECUTE FUNCTION open_request_tally()",
        "CREATE OR REPLACE TRIGGER open_request_tally_delete AFTER DELETE ON request FOR EACH ROW"
        f" WHEN (OLD.status IN ({listed})) EXECUTE FUNCTION open_request_tally()",
    ]


def _sqlite(listed: str, key: str) -> list[str]:
    add = (
        f"INSERT INTO open_request_tally ({key}, n)"
        " SELECT NEW.controller_id, coalesce(NEW.assignee_id, 0), NEW.status, NEW.type, 1"
        f" WHERE NEW.status IN ({listed})"
        f" ON CONFLICT ({key}) DO UPDATE SET n = n + 1;"
    )
    remove = (
        "UPDATE open_request_tally SET n = n - 1"
        f" WHERE OLD.status IN ({listed}) AND controller_id = OLD.controller_id"
        " AND assignee_key = coalesce(OLD.assignee_id, 0)"
        " AND status = OLD.status AND type = OLD.type;"
    )
    moved = (
        "(OLD.status IS NOT NEW.status OR OLD.assignee_id IS NOT NEW.assignee_id"
        " OR OLD.controller_id IS NOT NEW.controller_id OR OLD.type IS NOT NEW.type)"
    )
    return [
        "CREATE TRIGGER IF NOT EXISTS open_request_tally_insert AFTER INSERT ON request"
        f" WHEN NEW.status IN ({listed}) BEGIN {add} END",
        "CREATE TRIGGER IF NOT EXISTS open_request_tally_update"
        " AFTER UPDATE OF status, assignee_id, controller_id, type ON request"
        f" WHEN (OLD.status IN ({listed}) OR NEW.status IN ({listed})) AND {moved}"
        f" BEGIN {remove} {add} END",
        "CREATE TRIGGER IF NOT EXISTS open_request_tally_delete AFTER DELETE ON request"
        f" WHEN OLD.status IN ({listed}) BEGIN {remove} END",
    ]


def backfill_sql(statuses: tuple[str, ...] = TALLIED) -> str:
    """Counts for a database that has requests already (the migration that adds the tally)."""
    listed = _listed(statuses)
    return (
        "INSERT INTO open_request_tally (controller_id, assignee_key, status, type, n)"
        " SELECT controller_id, coalesce(assignee_id, 0), status, type, count(*) FROM request"
        f" WHERE status IN ({listed})"
        " GROUP BY controller_id, coalesce(assignee_id, 0), status, type"
    )


def _create_triggers(target, connection, tables=(), **kw) -> None:  # type: ignore[no-untyped-def]
    """After create_all (tests, benchmarks): the same triggers the migrations create, when it
    created either table (the statements are idempotent)."""
    if not {"request", "open_request_tally"} & {table.name for table in tables}:
        return
    for statement in tally_ddl(connection.dialect.name):
        connection.execute(DDL(statement.replace("%", "%%")))


event.listen(Base.metadata, "after_create", _create_triggers)
