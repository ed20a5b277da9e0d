"""A request's rectification (Art. 16) from mapping to record: staff map each item the subject
gave to a column and rows (the plan shows before -> after; nothing changes), one staff member
approves (a DPO, or the agent the request is assigned to: four eyes are for erasure), the
scheduler applies it through each source's write credential and reads every value back.
Items on a source dsar cannot write to are steps by hand, which staff record.

The audit trail keeps each item's values before and after, or their SHA-256 hashes
(`audit`: "values" or "hashes", from DSAR_AUDIT_RECTIFICATION).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from dsar.accounts.models import StaffUser
from dsar.audit.request_trail import record_event
from dsar.changes.erasures import Writer, writer_for
from dsar.changes.models import Rectification, RectificationStatus
from dsar.changes.rectification_apply import apply_file, apply_sql, report
from dsar.changes.rectification_notices import notify_rectified
from dsar.changes.rectification_outcome import item_done, settle
from dsar.changes.rectification_plan import ConnectorFactory, ItemMapping, plan_items
from dsar.changes.rectification_values import audited
from dsar.changes.run import WriteRefused
from dsar.changes.sql_statements import first_line
from dsar.changes.sql_writer import SqlWriter
from dsar.core.words import N_
from dsar.fulfilment.claims import verified_subject
from dsar.fulfilment.search import identity_settled
from dsar.register import Register
from dsar.register.datasources import FileSource, SqlSource
from dsar.requests.deadlines.legal_calendar import local_date
from dsar.requests.models import Request
from dsar.requests.operations import jurisdiction_of
from dsar.requests.permissions import may_approve_rectification
from dsar.requests.workflow import RequestType
from dsar.sources import RegisterMismatch, SourceUnreachable, Subject, connector_for

Writers = Callable[[SqlSource | FileSource], Writer]
IN_FLIGHT = (RectificationStatus.APPROVED, RectificationStatus.PARTIAL, RectificationStatus.FAILED)


class RectificationError(Exception):
    """The rectification cannot be planned, approved or applied now; the message says why."""


def rectifications_of(session: Session, request: Request) -> list[Rectification]:
    """The request's rectifications, newest first."""
    query = select(Rectification).where(Rectification.request_id == request.id)
    return list(session.execute(query.order_by(Rectification.id.desc())).scalars())


def subject_items(request: Request) -> list[dict[str, str]]:
    """The items the subject gave ({wrong, correct}), in the form's order."""
    return list((request.details or {}).get("items") or [])


def plan_request_rectification(
    session: Session,
    request: Request,
    register: Register,
    mappings: Sequence[ItemMapping],
    *,
    actor: str,
    now: datetime,
    audit: str = "values",
    added: Sequence[dict[str, str]] = (),
    connectors: ConnectorFactory = connector_for,
) -> Rectification:
    """Store staff's mapping with the values before; an earlier one not yet approved is
    replaced. Reads only. PlanRefused names each item that cannot be planned.

    `added`: items staff add after the subject's ({wrong, correct}: a request by post or
    phone names them in its letter); they are numbered after the subject's."""
    if request.type is not RequestType.RECTIFICATION:
        raise RectificationError(N_("only a rectification request is carried out as one"))
    if not identity_settled(request):
        raise RectificationError(N_("settle the requester's identity before the rectification"))
    earlier = rectifications_of(session, request)
    if any(r.status in IN_FLIGHT or r.status is RectificationStatus.DONE for r in earlier):
        raise RectificationError(N_("this request's rectification was approved already"))
    subject = verified_subject(session, request)
    try:
        given = subject_items(request) + [{**a, "added": "yes"} for a in added]
        items, anchors = plan_items(register, subject, given, mappings, connectors)
    except SourceUnreachable as error:
        raise RectificationError(N_("cannot read the source: %(error)s", error=error)) from None
    for older in earlier:
        older.status = RectificationStatus.CANCELLED
    rectification = Rectification(
        request_id=request.id, subject=dict(subject.keys), anchors=anchors, items=items,
        status=RectificationStatus.PLANNED, planned_by=actor, planned_at=now, reports=[], runs=0,
    )  # fmt: skip
    session.add(rectification)
    session.flush()
    payload = {
        "rectification": rectification.id,
        "items": [
            {
                **_where(i),
                "rows": i["rows"],
                "how": i["how"],
                "before": [audited(v, audit) for v in i["before"]],
                "after": audited(i["value"], audit),
            }
            for i in items
        ],  # fmt: skip
    }
    record_event(session, request, "rectification_planned", actor=actor, now=now, payload=payload)
    return rectification


def approve_rectification(
    session: Session, rectification: Rectification, *, approver: StaffUser, now: datetime
) -> None:
    """Approve the mapping (a DPO, or the request's assignee, even the one who mapped it):
    from now on the scheduler applies it."""
    request = _request(session, rectification)
    if rectification.status is not RectificationStatus.PLANNED:
        raise RectificationError(N_("the rectification is %(status)s", status=rectification.status))
    if not may_approve_rectification(approver, request):
        raise RectificationError(N_("a DPO or the agent the request is assigned to approves it"))
    rectification.status = RectificationStatus.APPROVED
    rectification.approved_by, rectification.approved_at = approver.email, now
    payload = {"rectification": rectification.id}
    record_event(session, request, "rectification_approved", actor=approver.email, now=now,
                 payload=payload)  # fmt: skip


def retry_rectification(
    session: Session, rectification: Rectification, *, actor: str, now: datetime
) -> None:
    """Send a partly applied or failed rectification back to the scheduler for the rest."""
    if rectification.status not in (RectificationStatus.PARTIAL, RectificationStatus.FAILED):
        raise RectificationError(N_("only a partly applied or failed rectification runs again"))
    rectification.status = RectificationStatus.APPROVED
    payload = {"rectification": rectification.id}
    record_event(session, _request(session, rectification), "rectification_retry", actor=actor,
                 now=now, payload=payload)  # fmt: skip


def carry_out_rectification(
    session: Session,
    rectification: Rectification,
    register: Register,
    *,
    now: datetime,
    audit: str = "values",
    writers: Writers | None = None,
) -> list[dict[str, Any]]:
    """Apply an approved rectification's items not yet done, read them back, record it."""
    if rectification.status is not RectificationStatus.APPROVED:
        raise RectificationError(N_("only an approved rectification is applied"))
    request = _request(session, rectification)
    today = local_date(now, jurisdiction_of(request.controller))
    reports = {r["index"]: r for r in rectification.reports}
    pending = [
        i for i in rectification.items if i["how"] != "by_hand" and not item_done(i, reports)
    ]
    subject = Subject(dict(rectification.subject))
    new: list[dict[str, Any]] = []
    for source_id in dict.fromkeys(i["source"] for i in pending):
        items = [i for i in pending if i["source"] == source_id]
        source = register.source(source_id)
        if not isinstance(source, SqlSource | FileSource):
            new += [report(i, today, error=f"source {source_id} is no longer in the register")
                    for i in items]  # fmt: skip
            continue
        new += _apply_source(source, subject, rectification, items, today, writers)
    reports.update({r["index"]: r for r in new})
    rectification.reports = [
        reports[i["index"]] for i in rectification.items if i["index"] in reports
    ]
    rectification.runs += 1
    settle(rectification, now)
    notify_rectified(session, request, rectification, register, now=now)
    by_index = {i["index"]: i for i in rectification.items}
    payload = {
        "rectification": rectification.id, "status": rectification.status.value,
        "items": [_applied(by_index[r["index"]], r, audit) for r in new],
    }  # fmt: skip
    record_event(session, request, "rectification_applied", actor="system", now=now,
                 payload=payload)  # fmt: skip
    return new


def record_by_hand(
    session: Session,
    rectification: Rectification,
    index: int,
    *,
    what: str,
    done_on: date,
    actor: str,
    now: datetime,
    audit: str = "values",
    register: Register | None = None,
) -> None:
    """Staff's record of an item they corrected by hand: what they changed, and when; the
    last step done drafts the Art. 19 notices (given the register)."""
    if rectification.status not in IN_FLIGHT:
        raise RectificationError(N_("approve the rectification before recording steps by hand"))
    item = next((i for i in rectification.items if i["index"] == index), None)
    if item is None or item["how"] != "by_hand":
        raise RectificationError(
            N_("only an item on a source dsar cannot write to is done by hand")
        )
    if not what.strip():
        raise RectificationError(N_("say what was changed by hand"))
    request = _request(session, rectification)
    if done_on > local_date(now, jurisdiction_of(request.controller)):
        raise RectificationError(N_("the day it was done cannot be in the future"))
    reports = {r["index"]: r for r in rectification.reports}
    reports[index] = {
        **report(item, done_on, verified=None),
        "by_hand": {"what": what.strip(), "by": actor}, "done_on": done_on.isoformat(),
    }  # fmt: skip
    rectification.reports = [
        reports[i["index"]] for i in rectification.items if i["index"] in reports
    ]
    if rectification.status is not RectificationStatus.APPROVED:  # the job settles an approved one
        settle(rectification, now)
        if register is not None:
            notify_rectified(session, request, rectification, register, now=now)
    payload = {"rectification": rectification.id, **_where(item),
               "after": audited(what.strip(), audit), "done_on": done_on.isoformat()}  # fmt: skip
    record_event(session, request, "rectification_by_hand", actor=actor, now=now,
                 payload=payload)  # fmt: skip


def _apply_source(
    source: SqlSource | FileSource,
    subject: Subject,
    rectification: Rectification,
    items: list[dict[str, Any]],
    today: date,
    writers: Writers | None,
) -> list[dict[str, Any]]:
    writer: Writer | None = None
    try:
        writer = (writers or writer_for)(source)
        if isinstance(writer, SqlWriter):
            anchors = rectification.anchors.get(source.id, {})
            return apply_sql(writer, subject, anchors, items, today)
        return apply_file(writer, subject, items, today)
    except (WriteRefused, SourceUnreachable, RegisterMismatch, SQLAlchemyError, OSError) as error:
        why = f"{type(error).__name__}: {first_line(error)}"
        return [report(i, today, error=why) for i in items]
    finally:
        close = getattr(writer, "close", None)
        if close is not None:
            close()


def _where(item: dict[str, Any]) -> dict[str, Any]:
    return {"item": item["index"] + 1, "source": item["source"], "part": item["part"],
            "column": item["column"], "row": item["row"]}  # fmt: skip


def _applied(item: dict[str, Any], outcome: dict[str, Any], audit: str) -> dict[str, Any]:
    return {
        **_where(item), "changed": outcome["changed"], "verified": outcome["verified"],
        "error": outcome["error"], "before": [audited(v, audit) for v in item["before"]],
        "after": [audited(v, audit) for v in outcome["after"]],
    }  # fmt: skip


def _request(session: Session, rectification: Rectification) -> Request:
    request = session.get(Request, rectification.request_id)
    assert request is not None
    return request
