"""Erase again what a restored backup brought back: the eraser of `dsar erasure replay`.

For a subject found again from a tombstone's key hashes (dsar.suppression.recovery), the
tables and files the tombstone names are planned again under today's register with the
tombstone's scope and applied through the same writers as the first erasure. A replay keeps
no progress rows (the first run's say "done"); its statements find only what came back. Kept
rows are named once more under their planned deletion: one already carried out before the
restore is planned again, so the retention job deletes the restored rows too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from dsar.changes.erasures import Writer, writer_for
from dsar.changes.plan import plan_erasure
from dsar.changes.run import ApplyContext, PartReport, WriteRefused
from dsar.controllers.models import Controller
from dsar.register.datasources import FileSource, SqlSource
from dsar.register.schema import Register
from dsar.requests.deadlines.legal_calendar import local_date
from dsar.requests.operations import jurisdiction_of
from dsar.sources import Connector, RegisterMismatch, SourceUnreachable, Subject, connector_for
from dsar.suppression.models import ErasureTombstone
from dsar.suppression.replay import Eraser, EraseReport


def replay_eraser(
    now: datetime,
    *,
    writers: Callable[[SqlSource | FileSource], Writer] = writer_for,
    connectors: Callable[[SqlSource | FileSource], Connector | None] = connector_for,
) -> Eraser:
    """The eraser `dsar.suppression.replay.replay` calls per subject found again, at `now`."""

    def erase(
        session: Session, register: Register, subject: Subject, tombstone: ErasureTombstone
    ) -> EraseReport:
        controller = session.get_one(Controller, tombstone.controller_id)
        today = local_date(now, jurisdiction_of(controller))
        context = ApplyContext(
            register, tombstone.request_id, controller.id, today, now, replay=True
        )
        rows: dict[tuple[str, str], int] = {}
        problems: list[str] = []
        for source_id in dict.fromkeys(part["source"] for part in tombstone.parts):
            source = register.source(source_id)
            if not isinstance(source, SqlSource | FileSource):
                continue  # a manual source: its step was done by hand, and is again
            try:
                reports = _erase_in(
                    session, source, subject, tombstone, context, writers, connectors
                )
            except (
                WriteRefused,
                SourceUnreachable,
                RegisterMismatch,
                SQLAlchemyError,
                OSError,
            ) as error:
                problems.append(f"{source_id}: {type(error).__name__}: {error}".splitlines()[0])
                continue
            for report in reports:
                changed = report.removed + report.anonymised
                if changed:
                    rows[(report.source, report.part)] = changed
                if report.failed or report.verified is False:
                    problems.append(f"{report.source}/{report.part}: {'; '.join(report.reasons)}")
        return EraseReport(rows=rows, erased=not problems, problems=problems)

    return erase


def _erase_in(
    session: Session,
    source: SqlSource | FileSource,
    subject: Subject,
    tombstone: ErasureTombstone,
    context: ApplyContext,
    writers: Callable[[SqlSource | FileSource], Writer],
    connectors: Callable[[SqlSource | FileSource], Connector | None],
) -> list[PartReport]:
    connector = connectors(source)
    assert connector is not None
    try:
        plan = plan_erasure(context.register, source, connector, subject, tombstone.scope)
    finally:
        connector.close()
    erased = {part["part"] for part in tombstone.parts if part["source"] == source.id}
    plan.parts = [part for part in plan.parts if part.part in erased]
    writer = writers(source)
    try:
        return writer.apply(session, plan, context, session.flush)
    finally:
        close = getattr(writer, "close", None)
        if close is not None:
            close()
