"""Kept rows are deleted by the retention job once their planned deletion falls due."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from dsar.changes.executors import register_erasure_executors
from dsar.changes.plan import plan_erasure
from dsar.changes.sql_writer import SqlWriter
from dsar.jobs.models import DeletionStatus, PlannedDeletion
from dsar.jobs.planned import carry_out_planned_deletions
from dsar.sources import SqlConnector
from tests.changes.conftest import CUSTOMER_42


def test_the_retention_job_deletes_kept_rows_when_due(
    app, session, register, shop_source, shop, context, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    connector = SqlConnector(shop_source)
    plan = plan_erasure(register, shop_source, connector, CUSTOMER_42)
    connector.close()
    writer = SqlWriter(shop_source)
    writer.apply(session, plan, context, session.commit)
    writer.close()
    monkeypatch.setattr("dsar.jobs.planned.EXECUTORS", {})
    sources = [shop_source if s.id == "shop_db" else s for s in register.sources]
    register_erasure_executors([register.model_copy(update={"sources": sources})])
    settings = app.config["DSAR_SETTINGS"]
    planned = session.execute(select(PlannedDeletion)).scalars().all()
    first = min(p.blocked_until for p in planned)

    early = carry_out_planned_deletions(session, settings, datetime(2030, 1, 1, tzinfo=UTC))
    assert (early.done, early.failed) == (0, 0)
    assert shop("SELECT count(*) FROM orders WHERE customer_id = 42") == 4

    due_day = datetime(first.year + 1, 1, 2, tzinfo=UTC)
    some = carry_out_planned_deletions(session, settings, due_day)
    assert some.failed == 0 and 0 < some.done < len(planned)  # only those that fell due

    late = carry_out_planned_deletions(session, settings, datetime(2045, 1, 2, tzinfo=UTC))
    assert late.failed == 0 and some.done + late.done == len(planned)
    assert shop("SELECT count(*) FROM orders WHERE customer_id = 42") == 0
    assert shop("SELECT count(*) FROM invoices WHERE order_id IN (116, 117, 118, 119)") == 0
    assert shop("SELECT count(*) FROM customers WHERE id = 42") == 0
    assert shop("SELECT count(*) FROM customers WHERE id = 43") == 1
    statuses = {p.status for p in session.execute(select(PlannedDeletion)).scalars()}
    assert statuses == {DeletionStatus.DONE}
    evidence = session.execute(
        select(PlannedDeletion.evidence).where(PlannedDeletion.target == "customers")
    ).scalar_one()
    assert evidence.startswith("deleted 1 of 1 rows of shop_db.customers kept under invoicing")
