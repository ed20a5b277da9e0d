"""A run stopped between two batches, then run again: the same end state, counts not doubled."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, select
from sqlalchemy.pool import NullPool

from dsar.changes.erasures import (
    approve_erasure,
    carry_out,
    erasures_of,
    plan_request_erasure,
    writer_for,
)
from dsar.changes.models import ErasureProgress, ErasureStatus, ProgressStatus
from dsar.changes.plan import plan_erasure
from dsar.changes.sql_writer import SqlWriter
from dsar.jobs.models import PlannedDeletion
from dsar.register import FileSource
from dsar.requests.operations import apply_action
from dsar.requests.workflow import Action, RequestType
from dsar.sources import SqlConnector, Subject
from tests.factories import make_request, make_staff

EMAIL = "kunde042@example.org"
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


class ProcessDied(BaseException):
    """Not an Exception: nothing in dsar catches it, as nothing survives a killed process."""


def _legacy_file(path: Path) -> FileSource:
    path.write_text(
        "id,email,name\n1,kunde042@example.org,Max\n2,kunde043@example.org,Erika\n",
        encoding="utf-8",
    )
    return FileSource.model_validate(
        {
            "type": "file", "id": "legacy", "name": "Legacy export", "path": str(path),
            "key": "id", "lookup": [{"field": "email", "key": "email"}],
            "activities": ["contact_requests"], "erasure": "delete",
            "fields": [{"name": "id"}, {"name": "email", "categories": ["contact"]},
                       {"name": "name", "categories": ["identity"]}],
        }
    )  # fmt: skip


def _state(shop_url: str, path: Path) -> dict[str, object]:
    """Every row of every shop table and the file's text: the end state to compare."""
    engine = create_engine(shop_url, poolclass=NullPool)
    metadata = MetaData()
    metadata.reflect(engine)
    try:
        with engine.connect() as connection:
            rows = {
                t.name: [tuple(r) for r in connection.execute(t.select().order_by(*t.primary_key))]
                for t in metadata.sorted_tables
            }
    finally:
        engine.dispose()
    return {"shop": rows, "file": path.read_text(encoding="utf-8")}


def _erase(session, register, request, now, **options):  # type: ignore[no-untyped-def]
    erasure = plan_request_erasure(
        session, request, register, scope=None, actor="dana@example.org", now=now
    )
    approver = make_staff(session, now, email=f"eve{request.id}@example.org")
    approve_erasure(session, erasure, register, approver=approver, now=now)
    session.commit()
    carry_out(session, erasure, register, now=now, checkpoint=session.commit, salt="s" * 20,
              **options)  # fmt: skip
    return erasure


def test_a_crash_between_two_sources_then_a_run_again_ends_as_an_uninterrupted_run(
    session, controller, erasure_request, shop_register, shop_url, tmp_path, now
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "legacy.csv"
    register = shop_register.model_copy(
        update={"sources": [*shop_register.sources, _legacy_file(path)]}
    )
    before = _state(shop_url, path)
    clean = _erase(session, register, erasure_request, now)
    uninterrupted = _state(shop_url, path)
    assert clean.status is ErasureStatus.DONE and uninterrupted != before
    assert "kunde042" not in uninterrupted["file"] and "kunde043" in uninterrupted["file"]
    # Put both sources back as they were, and erase again under a second request.
    _restore(shop_url, before["shop"])
    _legacy_file(path)
    again = make_request(session, controller, now, type=RequestType.ERASURE, subject_email=EMAIL)
    apply_action(session, again, Action.VERIFY_IDENTITY, actor="test", now=now)

    def dies_at_the_file(source):  # type: ignore[no-untyped-def]
        if isinstance(source, FileSource):
            raise ProcessDied("killed between the shop database and the file")
        return writer_for(source)

    with pytest.raises(ProcessDied):
        _erase(session, register, again, now, writers=dies_at_the_file)
    session.rollback()  # what a new process sees: only what was committed
    [crashed] = erasures_of(session, again)
    assert crashed.status is ErasureStatus.APPROVED  # still to do: the job takes it again
    assert "kunde042" in path.read_text(encoding="utf-8")

    carry_out(session, crashed, register, now=now, checkpoint=session.commit, salt="s" * 20)

    assert crashed.status is ErasureStatus.DONE
    assert _state(shop_url, path) == uninterrupted
    assert crashed.reports == clean.reports  # counted once: nothing applied twice


def _restore(shop_url: str, rows: dict[str, list[tuple[object, ...]]]) -> None:
    """Put the shop's rows back as they were (parents first), keeping the schema."""
    engine = create_engine(shop_url, poolclass=NullPool)
    metadata = MetaData()
    metadata.reflect(engine)
    try:
        with engine.begin() as connection:
            for table in reversed(metadata.sorted_tables):
                connection.execute(table.delete())
            for table in metadata.sorted_tables:
                columns = [c.name for c in table.columns]
                values = [dict(zip(columns, row, strict=True)) for row in rows[table.name]]
                if values:
                    connection.execute(table.insert(), values)
    finally:
        engine.dispose()
