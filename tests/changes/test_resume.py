"""A run stopped between two batches, then run again: the same end state, counts not doubled."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from dsar.changes.models import ErasureProgress, ProgressStatus
from dsar.changes.plan import plan_erasure
from dsar.changes.sql_writer import SqlWriter
from dsar.jobs.models import PlannedDeletion
from dsar.sources import SqlConnector, Subject

HEAVY = Subject.of("kunde060@example.org")  # 400 web-log lines, dozens of orders and invoices


class Crash(Exception):
    pass


def _plan(register, source):  # type: ignore[no-untyped-def]
    connector = SqlConnector(source)
    try:
        return plan_erasure(register, source, connector, HEAVY)
    finally:
        connector.close()


def _run(session, source, plan, context, **options):  # type: ignore[no-untyped-def]
    writer = SqlWriter(source, batch_size=20, **options)
    try:
        return {r.part: r for r in writer.apply(session, plan, context, session.commit)}
    finally:
        writer.close()


def _crash_after_first_batch_of(part: str, step: str):  # type: ignore[no-untyped-def]
    def hook(seen_part: str, seen_step: str, batch: int) -> None:
        if (seen_part, seen_step, batch) == (part, step, 1):
            raise Crash(f"stopped after the first batch of {part}")

    return hook


@pytest.mark.parametrize(("part", "step"), [("web_logs", "delete"), ("invoices", "keep:invoicing")])
def test_a_run_stopped_after_one_batch_resumes_where_it_stopped(
    session, register, shop_source, shop, context, part, step
) -> None:  # type: ignore[no-untyped-def]
    plan = _plan(register, shop_source)
    found = {p.part: p.rows for p in plan.parts}
    assert found["web_logs"] == 400 and found["invoices"] > 20  # more than one batch each

    with pytest.raises(Crash):
        _run(
            session,
            shop_source,
            plan,
            context,
            between_batches=_crash_after_first_batch_of(part, step),
        )
    session.rollback()  # the process died: only what was committed stays
    stopped = session.execute(
        select(ErasureProgress).where(ErasureProgress.part == part)
    ).scalar_one()
    assert (stopped.status, stopped.rows_done) == (ProgressStatus.RUNNING, 20)

    reports = _run(session, shop_source, plan, context)

    assert shop("SELECT count(*) FROM web_logs WHERE customer_id = 60") == 0
    assert shop("SELECT email FROM customers WHERE id = 60") is None
    assert shop("SELECT count(*) FROM web_logs WHERE customer_id = 59") > 0
    assert reports["web_logs"].removed == 400
    assert reports["invoices"].kept == found["invoices"]
    assert reports["orders"].kept == found["orders"]
    assert reports["customers"].anonymised == 1
    assert all(r.verified and not r.failed for r in reports.values() if r.part in found)
    keys = [
        key
        for row in session.execute(
            select(PlannedDeletion).where(PlannedDeletion.target == "invoices")
        ).scalars()
        for key in json.loads(row.record_key)["keys"]
    ]
    assert len(keys) == len(set(keys)) == found["invoices"]  # no invoice planned twice


def test_a_run_again_after_it_finished_changes_and_counts_nothing_more(
    session, register, shop_source, context
) -> None:  # type: ignore[no-untyped-def]
    plan = _plan(register, shop_source)
    first = _run(session, shop_source, plan, context)
    again = _run(session, shop_source, plan, context)
    assert {p: (r.removed, r.anonymised, r.kept) for p, r in again.items()} == {
        p: (r.removed, r.anonymised, r.kept) for p, r in first.items()
    }
    assert session.execute(select(PlannedDeletion)).scalars().all()
    planned = session.execute(select(PlannedDeletion.record_key)).scalars().all()
    assert (
        sum(len(json.loads(k)["keys"]) for k in planned)
        == first["orders"].kept + first["invoices"].kept + 1
    )


def test_a_stop_between_the_shop_commit_and_the_progress_commit_loses_no_erasure(
    session, register, shop_source, shop, context
) -> None:  # type: ignore[no-untyped-def]
    """The narrow window: the shop's batch committed, dsar's progress did not."""
    plan = _plan(register, shop_source)
    armed = [False]

    def hook(part: str, step: str, batch: int) -> None:
        armed[0] = armed[0] or part == "web_logs"

    def checkpoint() -> None:
        if armed[0]:  # web_logs' second batch is committed in the shop, not yet in dsar
            raise Crash("stopped before the progress was committed")
        session.commit()

    writer = SqlWriter(shop_source, batch_size=20, between_batches=hook)
    with pytest.raises(Crash):
        writer.apply(session, plan, context, checkpoint)
    writer.close()
    assert shop("SELECT count(*) FROM web_logs WHERE customer_id = 60") == 360
    session.rollback()
    writer = SqlWriter(shop_source, batch_size=20)
    reports = {r.part: r for r in writer.apply(session, plan, context, session.commit)}
    writer.close()

    assert shop("SELECT count(*) FROM web_logs WHERE customer_id = 60") == 0
    assert shop("SELECT count(*) FROM support_tickets WHERE customer_id = 60") == 0
    assert all(r.verified for r in reports.values() if r.part in ("web_logs", "customers"))
    # the batch done but never recorded is not counted, never counted twice
    assert reports["web_logs"].removed == 380
