"""What an erasure letter may say, from the erasure dsar recorded (dsar/changes/erasures.py):
the day it finished, the categories erased, the records kept with their planned deletion, and
whether all the subject's data was in it; and what a restriction letter may say from the
restriction recorded (dsar/changes/restrictions.py). No record: the letter keeps what staff
record by hand."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.changes.models import (
    Erasure,
    ErasureStatus,
    ErasureTask,
    ErasureTaskKind,
    Restriction,
    RestrictionStatus,
)
from dsar.fulfilment.models import FindingStatus
from dsar.fulfilment.search import latest_run
from dsar.letters.facts import FoundData, FoundSource, KeptRecords
from dsar.register import FileSource, ManualSource, Register, SqlSource
from dsar.requests.deadlines.legal_calendar import local_date
from dsar.requests.models import Request
from dsar.requests.operations import jurisdiction_of


def recorded_erasure(session: Session, request: Request) -> Erasure | None:
    """The request's latest erasure that was not replaced by another plan."""
    return session.execute(
        select(Erasure)
        .where(Erasure.request_id == request.id, Erasure.status != ErasureStatus.CANCELLED)
        .order_by(Erasure.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def erasure_details(session: Session, erasure: Erasure, request: Request) -> dict[str, Any]:
    """Letter facts: the erasure's status, and once done its local day (over staff's date),
    whether all was erased, and the Art. 17(2) information staff recorded as done."""
    details: dict[str, Any] = {"erasure_status": erasure.status.value}
    tasks = list(
        session.execute(select(ErasureTask).where(ErasureTask.erasure_id == erasure.id)).scalars()
    )
    manual_done = {t.ref for t in tasks if t.kind is ErasureTaskKind.MANUAL and t.done}
    jurisdiction = jurisdiction_of(request.controller)
    details["published_informed"] = [
        {"on": local_date(t.done_at, jurisdiction).isoformat(), "note": t.note}
        for t in tasks
        if t.kind is ErasureTaskKind.PUBLISHED and t.done_at is not None
    ]
    if erasure.status is ErasureStatus.DONE and erasure.finished_at is not None:
        on = local_date(erasure.finished_at, jurisdiction)
        details["done_on"] = on.isoformat()
        # "All data we found was erased" only when nothing was out of scope, beyond a rule, or
        # left to a manual step whose task staff have not closed with what they did.
        details["erasure_complete"] = (
            erasure.scope is None
            and all(step["source"] in manual_done for step in erasure.manual)
            and not any(
                part["not_done"] or part["left"] for plan in erasure.plans for part in plan["parts"]
            )
        )
    return details


def erased_recipients(
    session: Session, request: Request, erasure: Erasure, register: Register
) -> dict[str, list[str]]:
    """Recipient id -> the erased categories it got: the recipients the latest search recorded
    for the tables and files whose rows the erasure removed or anonymised (Art. 19). Rows
    kept under a retention were not erased: their recipients are not among them."""
    touched = {
        (r["source"], r["part"]) for r in erasure.reports if r.get("removed") or r.get("anonymised")
    }
    erased = set(with_erasure(None, erasure, register).erased or ())
    run = latest_run(session, request)
    received: dict[str, dict[str, None]] = {}
    for finding in run.findings if run else []:
        where = (finding.source_id, finding.part)
        if finding.status is not FindingStatus.FOUND or where not in touched:
            continue
        for recipient_id in finding.recipients or []:
            got = received.setdefault(recipient_id, {})
            got.update(dict.fromkeys(c for c in finding.categories if c in erased))
    return {r: list(got) for r, got in received.items()}


def with_erasure(
    found: FoundData | None,
    erasure: Erasure,
    register: Register,
    recipients: Collection[str] | None = None,
) -> FoundData:
    """`found` with what the erasure recorded: erased categories and kept records per source;
    with `recipients` (those of erased rows), only they are the recipients to tell."""
    erased: dict[str, None] = {}
    kept: dict[str, list[KeptRecords]] = {}
    reports = {(r["source"], r["part"]): r for r in erasure.reports}
    for plan in erasure.plans:
        source = register.source(plan["source"])
        for part in plan["parts"]:
            report = reports.get((plan["source"], part["part"]), {})
            for step in part["steps"]:
                categories = _categories(source, part["part"], step)
                if step["action"] == "keep" and report.get("kept"):
                    kept.setdefault(plan["source"], []).append(_kept(step, categories, report))
                elif step["action"] != "keep" and (
                    report.get("removed") or report.get("anonymised")
                ):
                    erased.update(dict.fromkeys(categories))
    sources = list(found.sources) if found else []
    known = {s.source for s in sources}
    sources += [FoundSource(s, {}, ()) for s in kept if s not in known]
    sources = [replace(s, kept=tuple(kept.get(s.source, ()))) for s in sources]
    if recipients is not None:
        sources = [
            replace(s, recipients=tuple(r for r in s.recipients if r in recipients))
            for s in sources
        ]
    base = found or FoundData(())
    return replace(base, sources=tuple(sources), erased=tuple(erased))


def _changed(report: dict[str, Any]) -> bool:
    return bool(report.get("removed") or report.get("anonymised"))


def _kept(step: dict[str, Any], categories: list[str], report: dict[str, Any]) -> KeptRecords:
    """The kept records with the last day the erasure's planned deletions keep them (no day
    planned: the letter names none and cannot be approved)."""
    days = sorted(date.fromisoformat(d) for d in report.get("deletion_dates") or [])
    kept_until = days[-1] if days else None
    return KeptRecords(step["retention"], tuple(categories), int(report["kept"]), None, kept_until)


def _categories(source: object, part: str, step: dict[str, Any]) -> list[str]:
    """The categories a step touches: its columns', or the whole part's for a delete."""
    fields: list[Any] = []
    if isinstance(source, SqlSource):
        table = source.table(part)
        fields = list(table.columns) if table else []
    elif isinstance(source, FileSource):
        fields = list(source.fields)
    if step["action"] != "delete" and step.get("columns"):
        fields = [f for f in fields if f.name in step["columns"]]
    return list(dict.fromkeys(c for f in fields for c in f.categories))


def recorded_restriction(session: Session, request: Request) -> Restriction | None:
    """The request's latest restriction."""
    return session.execute(
        select(Restriction)
        .where(Restriction.request_id == request.id)
        .order_by(Restriction.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def restriction_details(
    restriction: Restriction, request: Request, register: Register
) -> dict[str, Any]:
    """Letter facts: the recorded ground, status and the categories it covers, and once the
    marks were read back the local day it took effect (over staff's date); by-hand steps not
    yet recorded are named."""
    details: dict[str, Any] = {
        "restriction_status": restriction.status.value,
        "ground": restriction.ground,
        "restricted_categories": restricted_categories(restriction, register),
        "restriction_by_hand_open": [
            m["name"] for m in restriction.manual if not m.get("restricted_at")
        ],
    }
    if restriction.active_at is not None:  # the last mark set, by dsar or by hand
        jurisdiction = jurisdiction_of(request.controller)
        moments = [restriction.active_at] + [
            datetime.fromisoformat(m["restricted_at"])
            for m in restriction.manual
            if m.get("restricted_at")
        ]
        details["done_on"] = local_date(max(moments), jurisdiction).isoformat()
    elif restriction.status is not RestrictionStatus.LIFTED:
        details["done_on"] = None  # no day by hand where dsar restricts
    return details


def restricted_categories(restriction: Restriction, register: Register) -> list[str]:
    """The categories of every place the restriction covers: each table or file holding the
    subject's rows when it was placed, and each manual source it names."""
    found: dict[str, None] = {}
    for plan in restriction.plans:
        source = register.source(plan["source"])
        for part in plan["parts"]:
            if part["rows"]:
                found.update(dict.fromkeys(_categories(source, part["part"], {"action": "delete"})))
    for step in restriction.manual:
        source = register.source(step["source"])
        if isinstance(source, ManualSource):
            found.update(dict.fromkeys(source.categories))
    return list(found)
