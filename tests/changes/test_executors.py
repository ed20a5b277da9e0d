"""Kept rows are deleted by the retention job once their planned deletion falls due."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from dsar.changes.erasures import approve_erasure, plan_request_erasure
from dsar.changes.executors import register_erasure_executors
from dsar.changes.plan import plan_erasure
from dsar.changes.sql_writer import SqlWriter
from dsar.jobs.models import DeletionStatus, PlannedDeletion
from dsar.jobs.planned import carry_out_planned_deletions
from dsar.sources import SqlConnector
from tests.changes.conftest import CUSTOMER_42
from tests.factories import make_staff


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
    register_erasure_executors(lambda: [register.model_copy(update={"sources": sources})])
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


def test_erasure_then_the_clock_past_the_hold_from_the_command_line(
    app, session, erasure_request, shop_register, shop, runner, now, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The whole retention path as an operator runs it: the erasures job keeps the orders
    under their hold; `dsar jobs run-once --now` past the hold deletes them, with evidence."""
    monkeypatch.setitem(app.extensions, "dsar.registers", [shop_register])
    erasure = plan_request_erasure(
        session, erasure_request, shop_register, scope=None, actor="dana@example.org", now=now
    )
    approver = make_staff(session, now, email="eve@x.org")
    approve_erasure(session, erasure, shop_register, approver=approver, now=now)
    session.commit()

    first = runner(["jobs", "run-once", "--now", now.isoformat(), "--job", "erasures"])
    assert first.exit_code == 0, first.output
    assert "erasures: done=1 partial=0" in first.output
    assert shop("SELECT count(*) FROM orders WHERE customer_id = 42") == 4  # held
    held = session.execute(select(PlannedDeletion)).scalars().all()
    last = max(p.blocked_until for p in held)

    after = datetime(last.year + 1, 1, 5, 8, tzinfo=UTC).isoformat()
    later = runner(["jobs", "run-once", "--now", after, "--job", "planned_deletions"])

    assert later.exit_code == 0, later.output
    assert f"planned_deletions: done={len(held)} due=0 failed=0" in later.output
    assert shop("SELECT count(*) FROM orders WHERE customer_id = 42") == 0
    assert shop("SELECT count(*) FROM customers WHERE id = 42") == 0
    assert shop("SELECT count(*) FROM customers WHERE id = 43") == 1
    session.expire_all()
    done = session.execute(select(PlannedDeletion)).scalars().all()
    assert {p.status for p in done} == {DeletionStatus.DONE}
    assert all(p.evidence and p.evidence.startswith("deleted ") for p in done)
