"""A request's erasure from plan to record: planned by one DPO, approved by another (four
eyes), carried out by the scheduler, recorded part by part.

Planning reads every SQL and file source (nothing changes) and keeps the plan as the preview
staff approve; a manual source gets its instruction. Nothing is written before approval.
Carrying out writes through each source's writer, batch by batch with its own commits (the
`checkpoint` the caller gives), so it runs in a job or command, never in a web request. A
source that fails leaves the erasure `partial` with the report so far; running it again
resumes where the progress rows say and finishes the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from dsar.accounts.models import StaffUser
from dsar.audit.request_trail import record_event
from dsar.changes.file_writer import FileWriter
from dsar.changes.follow_up import notify_recipients, open_erasure_tasks
from dsar.changes.models import Erasure, ErasureStatus
from dsar.changes.plan import ErasurePlan, plan_erasure
from dsar.changes.run import ApplyContext, Checkpoint, PartReport, WriteRefused
from dsar.changes.sql_writer import SqlWriter
from dsar.core.words import N_
from dsar.fulfilment.claims import verified_subject
from dsar.fulfilment.search import identity_settled
from dsar.register import Register
from dsar.register.datasources import FileSource, ManualSource, SqlSource
from dsar.requests.deadlines.legal_calendar import local_date
from dsar.requests.models import Request
from dsar.requests.operations import jurisdiction_of
from dsar.requests.workflow import RequestType
from dsar.sources import Connector, RegisterMismatch, SourceUnreachable, connector_for
from dsar.suppression.models import SuppressionScope
from dsar.suppression.operations import record_tombstone, suppress

ConnectorFactory = Callable[[SqlSource | FileSource | ManualSource], Connector | None]
Writer = SqlWriter | FileWriter


class ErasureError(Exception):
    """The erasure cannot be planned, approved or carried out now; the message says why."""


class FourEyes(ErasureError):
    """The DPO who planned an erasure may not approve it: another DPO does."""


def erasures_of(session: Session, request: Request) -> list[Erasure]:
    """The request's erasures, newest first."""
    query = select(Erasure).where(Erasure.request_id == request.id).order_by(Erasure.id.desc())
    return list(session.execute(query).scalars())


def plan_request_erasure(
    session: Session,
    request: Request,
    register: Register,
    *,
    scope: Collection[str] | None,
    actor: str,
    now: datetime,
    connectors: ConnectorFactory = connector_for,
) -> Erasure:
    """Plan erasing the verified subject from every source (`scope`: category ids, None: all);
    an earlier plan still waiting for approval is replaced. Reads only."""
    if request.type is not RequestType.ERASURE:
        raise ErasureError(N_("only an erasure request is carried out as an erasure"))
    if not identity_settled(request):
        raise ErasureError(N_("settle the requester's identity before planning the erasure"))
    known = {c.id for c in register.categories}
    unknown = sorted(set(scope or ()) - known)
    if scope is not None and not scope:
        raise ErasureError(N_("choose at least one category, or erase all of them"))
    if unknown:
        raise ErasureError(
            N_("choose categories of the register, not %(unknown)s", unknown=", ".join(unknown))
        )
    earlier = erasures_of(session, request)
    settled = (ErasureStatus.CANCELLED, ErasureStatus.PLANNED)
    if any(e.status not in settled for e in earlier):
        raise ErasureError(N_("this request's erasure was approved already: see its record"))
    subject = verified_subject(session, request)
    plans: list[ErasurePlan] = []
    manual: list[dict[str, str]] = []
    for source in register.sources:
        if isinstance(source, ManualSource):
            manual.append(manual_step(source, request.language))
            continue
        connector = connectors(source)
        assert connector is not None
        try:
            plans.append(plan_erasure(register, source, connector, subject, scope))
        except (SourceUnreachable, RegisterMismatch) as error:
            raise ErasureError(N_("cannot plan the erasure: %(error)s", error=error)) from None
        finally:
            connector.close()
    for older in earlier:
        if older.status is ErasureStatus.PLANNED:
            older.status = ErasureStatus.CANCELLED
    erasure = Erasure(
        request_id=request.id,
        scope=sorted(scope) if scope is not None else None,
        plans=[p.to_json() for p in plans],
        manual=manual,
        status=ErasureStatus.PLANNED,
        planned_by=actor,
        planned_at=now,
    )
    session.add(erasure)
    session.flush()
    payload = {"erasure": erasure.id, "parts": _summary(plans)}
    record_event(session, request, "erasure_planned", actor=actor, now=now, payload=payload)
    return erasure


def approve_erasure(
    session: Session, erasure: Erasure, register: Register, *, approver: StaffUser, now: datetime
) -> None:
    """The second DPO's approval: from now on the scheduler may carry it out; each manual
    source and published activity becomes a task by hand (dsar/changes/follow_up.py)."""
    if erasure.status is not ErasureStatus.PLANNED:
        raise ErasureError(
            N_("the erasure is %(status)s, not waiting for approval", status=erasure.status)
        )
    if approver.email == erasure.planned_by:
        raise FourEyes(
            N_("four eyes: a DPO other than the one who planned the erasure approves it")
        )
    erasure.status = ErasureStatus.APPROVED
    erasure.approved_by, erasure.approved_at = approver.email, now
    request = session.get(Request, erasure.request_id)
    assert request is not None
    tasks = open_erasure_tasks(session, erasure, request, register, now=now)
    payload = {"erasure": erasure.id, "tasks": [f"{t.kind.value}:{t.ref}" for t in tasks]}
    record_event(
        session, request, "erasure_approved", actor=approver.email, now=now, payload=payload
    )


def retry_erasure(session: Session, erasure: Erasure, *, actor: str, now: datetime) -> None:
    """Send a partly carried-out erasure back to the scheduler to finish the rest."""
    if erasure.status is not ErasureStatus.PARTIAL:
        raise ErasureError(N_("only a partly carried-out erasure is run again"))
    erasure.status = ErasureStatus.APPROVED
    request = session.get(Request, erasure.request_id)
    assert request is not None
    payload = {"erasure": erasure.id}
    record_event(session, request, "erasure_retry", actor=actor, now=now, payload=payload)


def carry_out(
    session: Session,
    erasure: Erasure,
    register: Register,
    *,
    now: datetime,
    checkpoint: Checkpoint,
    salt: str,
    writers: Callable[[SqlSource | FileSource], Writer] | None = None,
) -> list[PartReport]:
    """Apply an approved erasure source by source; record the reports and the outcome. Done,
    it leaves a tombstone (for `dsar erasure replay` after a restore) and lists the subject's
    keys as erased (docs/suppression.md)."""
    if erasure.status is not ErasureStatus.APPROVED:
        raise ErasureError(
            N_("the erasure is %(status)s: only an approved one runs", status=erasure.status)
        )
    request = session.get(Request, erasure.request_id)
    assert request is not None
    applied = apply_plans(session, register, request, erasure.plans, now=now,
                          checkpoint=checkpoint, writers=writers)  # fmt: skip
    erasure.status = ErasureStatus.DONE if applied.done else ErasureStatus.PARTIAL
    erasure.reports = applied.stored()
    erasure.runs += 1
    erasure.finished_at = now if applied.done else None
    if applied.done:
        _leave_traces(session, request, erasure, salt=salt, now=now)
        notify_recipients(session, request, erasure, register, now=now)
    payload = {"erasure": erasure.id, "status": erasure.status.value, "parts": applied.outcomes()}
    record_event(session, request, "erasure_carried_out", actor="system", now=now, payload=payload)
    return applied.reports


def _leave_traces(
    session: Session, request: Request, erasure: Erasure, *, salt: str, now: datetime
) -> None:
    plans = [ErasurePlan.from_json(p) for p in erasure.plans]
    keys = {k: v for plan in plans for k, v in plan.subject.items()}
    parts = [
        {"source": plan.source, "part": part.part, "action": step.action, "rule": step.rule}
        for plan in plans
        for part in plan.parts
        for step in part.steps
    ]
    if not keys or not parts:
        return
    record_tombstone(
        session, request.controller, keys, parts, now, request, salt=salt, scope=erasure.scope
    )
    erased = SuppressionScope.ERASED
    suppress(session, request.controller, keys, erased, request, salt=salt, now=now)


def writer_for(source: SqlSource | FileSource) -> Writer:
    return SqlWriter(source) if isinstance(source, SqlSource) else FileWriter(source)


def apply_source(
    session: Session,
    register: Register,
    plan: ErasurePlan,
    context: ApplyContext,
    checkpoint: Checkpoint,
    writers: Callable[[SqlSource | FileSource], Writer],
) -> list[PartReport]:
    """Apply one source's plan through its writer; a failure becomes failed part reports."""
    source = register.source(plan.source)
    if not isinstance(source, SqlSource | FileSource):
        return failed_reports(plan, f"source {plan.source} is no longer in the register")
    try:
        writer = writers(source)
    except WriteRefused as error:
        return failed_reports(plan, str(error))
    try:
        return writer.apply(session, plan, context, checkpoint)
    except (WriteRefused, SourceUnreachable, RegisterMismatch, SQLAlchemyError, OSError) as error:
        return failed_reports(plan, f"{type(error).__name__}: {error}".splitlines()[0])
    finally:
        close = getattr(writer, "close", None)
        if close is not None:
            close()


@dataclass(frozen=True)
class Applied:
    """What a run of stored plans did: the part reports, and whether every part is done."""

    reports: list[PartReport]
    done: bool  # no part failed, and none whose result was checked was found unchanged

    def stored(self) -> list[dict[str, Any]]:
        return [asdict(r) for r in self.reports]

    def outcomes(self) -> dict[str, str]:
        """Each part's outcome by `source.part`, for the request's audit event."""
        return {f"{r.source}.{r.part}": r.outcome for r in self.reports}


def apply_plans(
    session: Session,
    register: Register,
    request: Request,
    plans: Sequence[dict[str, Any]],
    *,
    now: datetime,
    checkpoint: Checkpoint,
    writers: Callable[[SqlSource | FileSource], Writer] | None = None,
) -> Applied:
    """Apply an erasure's, a restriction's or a stop's stored plans, source by source."""
    today = local_date(now, jurisdiction_of(request.controller))
    context = ApplyContext(register, request.id, request.controller_id, today, now)
    reports: list[PartReport] = []
    for data in plans:
        plan = ErasurePlan.from_json(data)
        reports += apply_source(session, register, plan, context, checkpoint, writers or writer_for)
    return Applied(reports, all(not r.failed and r.verified is not False for r in reports))


def failed_reports(plan: ErasurePlan, why: str) -> list[PartReport]:
    return [PartReport(plan.source, p.part, failed=True, reasons=[why]) for p in plan.parts]


def manual_step(source: ManualSource, language: str) -> dict[str, str]:
    text = source.instructions.get(language, fallback=source.instructions.languages[0])
    return {"source": source.id, "name": source.name, "instruction": text or ""}


def _summary(plans: Sequence[ErasurePlan]) -> list[dict[str, object]]:
    """Per part: rows and actions, for the audit trail (no values)."""
    return [
        {
            "source": p.source,
            "part": part.part,
            "rows": part.rows,
            "actions": [s.action for s in part.steps],
        }  # fmt: skip
        for p in plans
        for part in p.parts
    ]
