"""Activities stopped for a request's subject, on the erasure's writers: consent withdrawn
(Art. 7(3)) or an objection (Art. 21), through the register's `stop` rules.

- Consent withdrawal: the consent-based activities the subject named stop once staff confirm.
- Objection to direct marketing (Art. 21(2), (3)): every direct-marketing activity of the
  register stops; it is never weighed and never "continued".
- Objection under Art. 21(1): staff record the assessment: stopped (the activities' stop rules
  run), or continued with the compelling grounds or legal claim, which the letter gives.

The scheduler's marks job carries a confirmed stop out; the moment it finished is the moment
the withdrawal or objection took effect. Activities no rule stops are by-hand steps.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.audit.request_trail import record_event
from dsar.changes.erasures import ConnectorFactory, Writer, apply_plans
from dsar.changes.marks import STOP
from dsar.changes.models import ProcessingStop, StopStatus
from dsar.changes.plan import plan_marks
from dsar.changes.run import Checkpoint, PartReport
from dsar.core.words import N_
from dsar.fulfilment.claims import verified_subject
from dsar.fulfilment.search import identity_settled
from dsar.register import Register
from dsar.register.datasources import FileSource, SqlSource
from dsar.requests.models import Request
from dsar.requests.workflow import RequestType
from dsar.sources import RegisterMismatch, SourceUnreachable, connector_for

CONSENT, MARKETING, ASSESSED = "7.3", "21.2", "21.1"


class StopError(Exception):
    """The stop cannot be decided or carried out now; the message says why."""


def stops_of(session: Session, request: Request) -> list[ProcessingStop]:
    """The request's processing stops, newest first."""
    query = select(ProcessingStop).where(ProcessingStop.request_id == request.id)
    return list(session.execute(query.order_by(ProcessingStop.id.desc())).scalars())


def stop_basis(request: Request) -> str:
    """What the request asks: 7.3 (consent), 21.2 (direct marketing) or 21.1 (assessed)."""
    if request.type is RequestType.CONSENT_WITHDRAWAL:
        return CONSENT
    if request.type is not RequestType.OBJECTION:
        raise StopError(N_("only a consent withdrawal or an objection stops processing"))
    return MARKETING if (request.details or {}).get("objection") == "direct_marketing" else ASSESSED


def activities_to_stop(register: Register, request: Request, basis: str) -> list[str]:
    """Consent: the consent-based activities the subject named; direct marketing: every
    direct-marketing activity; Art. 21(1): those staff may choose from (6(1)(e), (f), and
    direct marketing, which turns the objection into one to direct marketing)."""
    if basis == CONSENT:
        named = set(named_activities(request))
        return [a.id for a in register.consent_activities if not named or a.id in named]
    if basis == MARKETING:
        return [a.id for a in register.activities if a.direct_marketing]
    return [a.id for a in register.activities if a.objection_possible]


def named_activities(request: Request) -> list[str]:
    """The activities the subject named on the form (none: a request by post, staff choose)."""
    return list((request.details or {}).get("activities") or [])


def staff_choose(request: Request, basis: str) -> bool:
    """Whether staff choose the activities: an Art. 21(1) assessment, or a withdrawal that
    named none (it came by post)."""
    return basis == ASSESSED or (basis == CONSENT and not named_activities(request))


def decide_stop(
    session: Session,
    request: Request,
    register: Register,
    *,
    actor: str,
    now: datetime,
    activities: Collection[str] | None = None,
    continued: bool = False,
    grounds: str = "",
    connectors: ConnectorFactory = connector_for,
) -> ProcessingStop:
    """Confirm the stop (consent withdrawal, objection) or record an Art. 21(1) assessment;
    a stop goes to the scheduler. Reads the sources, changes nothing in them."""
    basis = stop_basis(request)
    if not identity_settled(request):
        raise StopError(N_("settle the requester's identity before stopping any processing"))
    under_way = (StopStatus.APPROVED, StopStatus.PARTIAL)
    if any(s.status in under_way for s in stops_of(session, request)):
        raise StopError(N_("a stop of this request is under way: see its record"))
    allowed = activities_to_stop(register, request, basis)
    chosen = list(activities or []) if staff_choose(request, basis) else list(allowed)
    marketing = [a.id for a in register.activities if a.direct_marketing]
    if basis == ASSESSED and set(chosen) & set(marketing):
        # An objection naming a marketing activity is one to direct marketing: all of it stops.
        basis, chosen = MARKETING, list(dict.fromkeys([*chosen, *marketing]))
    if not chosen or set(chosen) - set(allowed) - set(marketing):
        if basis == CONSENT:
            raise StopError(
                N_("choose the consent-based activities of the register to stop (at least one)")
            )
        raise StopError(N_("choose the activities of the register to stop (at least one)"))
    if continued and basis != ASSESSED:
        raise StopError(
            N_(
                "an objection to direct marketing and a consent withdrawal always stop "
                "(Art. 21(3), 7(3)): they cannot be continued"
            )
        )
    if continued and not grounds.strip():
        raise StopError(
            N_("give the compelling legitimate grounds or the legal claim (Art. 21(1))")
        )
    stop = ProcessingStop(
        request_id=request.id, basis=basis, activities=sorted(chosen),
        outcome="continued" if continued else "stopped",
        grounds=grounds.strip()[:10_000] or None, plans=[], manual=[],
        status=StopStatus.CONTINUED if continued else StopStatus.APPROVED,
        decided_by=actor, decided_at=now, reports=[], runs=0,
    )  # fmt: skip
    session.add(stop)
    session.flush()  # its id tags the stop's progress rows
    if not continued:
        stop.plans, stop.manual = _plan(session, request, register, stop, connectors)
    payload = {
        "stop": stop.id,
        "basis": basis,
        "activities": stop.activities,
        "outcome": stop.outcome,
        "by_hand": [m["activity"] for m in stop.manual],
    }
    record_event(session, request, "processing_stop_decided", actor=actor, now=now, payload=payload)
    return stop


def _plan(
    session: Session, request: Request, register: Register, stop: ProcessingStop,
    connectors: ConnectorFactory,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:  # fmt: skip
    subject = verified_subject(session, request)
    plans: list[dict[str, Any]] = []
    ruled: set[str] = set()
    for source in register.sources:
        if not isinstance(source, SqlSource | FileSource):
            continue
        if isinstance(source, SqlSource) and not source.write_url:
            continue  # no write credential: its activities are stopped by hand
        holders = [source] if isinstance(source, FileSource) else list(source.tables)
        rules = {a for holder in holders for a in holder.stop if a in stop.activities}
        if not rules:
            continue
        connector = connectors(source)
        assert connector is not None
        try:
            plan = plan_marks(source, connector, subject, purpose=STOP, change=stop.id,
                              basis=stop.basis, activities=rules)  # fmt: skip
        except (SourceUnreachable, RegisterMismatch) as error:
            raise StopError(N_("cannot plan the stop: %(error)s", error=error)) from None
        finally:
            connector.close()
        plans.append(plan.to_json())
        ruled |= rules
    manual = []
    for activity_id in stop.activities:
        if activity_id in ruled:
            continue
        activity = register.activity(activity_id)
        title = activity.title.get(request.language) if activity else None
        manual.append({"activity": activity_id, "name": title or activity_id,
                       "instruction": f"Stop {title or activity_id} for the subject by hand: "
                                      "the register gives no stop rule for it"})  # fmt: skip
    return plans, manual


def record_stop_by_hand(
    session: Session, stop: ProcessingStop, index: int, *, actor: str, now: datetime
) -> None:
    """Staff record that they stopped one activity by hand."""
    if not 0 <= index < len(stop.manual):
        raise StopError(N_("no such by-hand step"))
    step = dict(stop.manual[index])
    if step.get("done_at"):
        raise StopError(N_("this step was recorded already"))
    step["done_by"], step["done_at"] = actor, now.isoformat()
    stop.manual = [*stop.manual[:index], step, *stop.manual[index + 1 :]]
    request = session.get(Request, stop.request_id)
    assert request is not None
    payload = {"stop": stop.id, "activity": step["activity"]}
    record_event(session, request, "processing_stop_by_hand", actor=actor, now=now,
                 payload=payload)  # fmt: skip


def retry_stop(session: Session, stop: ProcessingStop, *, actor: str, now: datetime) -> None:
    """Send a partly carried-out stop back to the scheduler to finish the rest."""
    if stop.status is not StopStatus.PARTIAL:
        raise StopError(N_("only a partly carried-out stop runs again"))
    stop.status = StopStatus.APPROVED
    request = session.get(Request, stop.request_id)
    assert request is not None
    record_event(session, request, "processing_stop_retry", actor=actor, now=now,
                 payload={"stop": stop.id})  # fmt: skip


def carry_out_stop(
    session: Session,
    stop: ProcessingStop,
    register: Register,
    *,
    now: datetime,
    checkpoint: Checkpoint,
    writers: Callable[[SqlSource | FileSource], Writer] | None = None,
) -> list[PartReport]:
    """Run the stop rules source by source; done, `finished_at` is when it took effect."""
    if stop.status is not StopStatus.APPROVED:
        raise StopError(N_("the stop is %(status)s: only a confirmed one runs", status=stop.status))
    request = session.get(Request, stop.request_id)
    assert request is not None
    applied = apply_plans(session, register, request, stop.plans, now=now,
                          checkpoint=checkpoint, writers=writers)  # fmt: skip
    stop.status = StopStatus.DONE if applied.done else StopStatus.PARTIAL
    stop.reports = applied.stored()
    stop.runs += 1
    stop.finished_at = now if applied.done else None
    payload = {"stop": stop.id, "status": stop.status.value, "parts": applied.outcomes()}
    record_event(session, request, "processing_stopped", actor="system", now=now, payload=payload)
    return applied.reports
