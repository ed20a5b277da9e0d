"""A request's restriction (Art. 18) from placing to lifting, on the erasure's writers.

Staff place it with its ground and end condition over all sources or chosen ones: dsar plans
the marks the register gives (`restriction: {column, value, lifted}`) and a by-hand step for
every place without one. The scheduler sets the marks, reads them back and records them per
part. Lifting needs the Art. 18(3) notice to have reached the subject first (a
`restriction_lift` letter delivered or posted); the scheduler then sets the lifted value.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.audit.request_trail import record_event
from dsar.changes.erasures import ConnectorFactory, Writer, apply_plans, manual_step
from dsar.changes.marks import LIFT, RESTRICT, covered_by
from dsar.changes.models import Restriction, RestrictionStatus
from dsar.changes.plan import ErasurePlan, plan_marks
from dsar.changes.restriction_notices import notify_restricted
from dsar.changes.run import Checkpoint, PartReport
from dsar.core.words import N_
from dsar.fulfilment.claims import verified_subject
from dsar.fulfilment.search import identity_settled
from dsar.letters.notices import lift_notice_sent
from dsar.register import Register
from dsar.register.datasources import FileSource, ManualSource, SqlSource
from dsar.requests.models import Request
from dsar.requests.workflow import RESTRICTION_GROUNDS, RequestType
from dsar.sources import RegisterMismatch, SourceUnreachable, connector_for

OPEN = (RestrictionStatus.PLACING, RestrictionStatus.PARTIAL, RestrictionStatus.ACTIVE,
        RestrictionStatus.LIFTING, RestrictionStatus.LIFT_PARTIAL)  # fmt: skip


class RestrictionError(Exception):
    """The restriction cannot be placed, lifted or carried out now; the message says why."""


def restrictions_of(session: Session, request: Request) -> list[Restriction]:
    """The request's restrictions, newest first."""
    query = select(Restriction).where(Restriction.request_id == request.id)
    return list(session.execute(query.order_by(Restriction.id.desc())).scalars())


def place_restriction(
    session: Session,
    request: Request,
    register: Register,
    *,
    ground: str,
    end_condition: str,
    sources: Collection[str] | None,
    actor: str,
    now: datetime,
    connectors: ConnectorFactory = connector_for,
) -> Restriction:
    """Plan restricting the verified subject in every source (or the chosen ones); the
    scheduler sets the marks. Reads the sources, changes nothing in them."""
    if request.type is not RequestType.RESTRICTION:
        raise RestrictionError(N_("only a restriction request places a restriction"))
    if not identity_settled(request):
        raise RestrictionError(N_("settle the requester's identity before restricting"))
    if ground not in RESTRICTION_GROUNDS:
        raise RestrictionError(N_("choose the ground of the restriction (Art. 18(1)(a) to (d))"))
    if not end_condition.strip():
        raise RestrictionError(N_("say until when the restriction lasts (its end condition)"))
    known = [s.id for s in register.sources]
    if sources is not None and (not sources or set(sources) - set(known)):
        raise RestrictionError(N_("choose sources of the register, or all of them"))
    if any(r.status in OPEN for r in restrictions_of(session, request)):
        raise RestrictionError(N_("this request's restriction is placed already: see its record"))
    restriction = Restriction(
        request_id=request.id, ground=ground, end_condition=end_condition.strip()[:2000],
        sources=sorted(sources) if sources is not None else None, plans=[], manual=[],
        status=RestrictionStatus.PLACING, placed_by=actor, placed_at=now, reports=[], runs=0,
    )  # fmt: skip
    session.add(restriction)
    session.flush()  # its id tags the marks' progress rows
    chosen = [s for s in register.sources if sources is None or s.id in sources]
    plans, manual = _plan(session, request, chosen, restriction, RESTRICT, connectors)
    restriction.plans, restriction.manual = [p.to_json() for p in plans], manual
    payload = {
        "restriction": restriction.id,
        "ground": ground,
        "sources": restriction.sources,
        "marks": [f"{p.source}.{part.part}" for p in plans for part in p.parts if part.steps],
        "by_hand": [f"{m['source']}.{m['part']}" for m in manual],
    }
    record_event(session, request, "restriction_placed", actor=actor, now=now, payload=payload)
    return restriction


def _plan(
    session: Session,
    request: Request,
    sources: Sequence[Any],
    restriction: Restriction,
    purpose: str,
    connectors: ConnectorFactory,
) -> tuple[list[ErasurePlan], list[dict[str, Any]]]:
    subject = verified_subject(session, request)
    plans: list[ErasurePlan] = []
    manual: list[dict[str, Any]] = []
    for source in sources:
        if isinstance(source, ManualSource):
            step = manual_step(source, request.language)
            manual.append({**step, "part": source.id, "rows": None})
            continue
        connector = connectors(source)
        assert connector is not None
        try:
            plan = plan_marks(source, connector, subject, purpose=purpose,
                              change=restriction.id, basis=restriction.ground)  # fmt: skip
        except (SourceUnreachable, RegisterMismatch) as error:
            raise RestrictionError(
                N_("cannot plan the restriction: %(error)s", error=error)
            ) from None
        finally:
            connector.close()
        writable = not isinstance(source, SqlSource) or bool(source.write_url)
        if writable:
            plans.append(plan)
        if purpose == RESTRICT:
            manual += _by_hand(source, plan, writable)
    return plans, manual


def _by_hand(
    source: SqlSource | FileSource, plan: ErasurePlan, writable: bool
) -> list[dict[str, Any]]:
    """A step for each table or file holding the subject's rows that has no mark of its own
    and is not found through a marked table (whose mark its rows follow); every one of them
    where dsar has no write credential for the source."""
    steps = []
    for part in plan.parts:
        if not part.rows or (writable and part.steps):
            continue
        if writable and isinstance(source, SqlSource) and covered_by(source, part.part):
            continue
        where = f"{source.name}, {part.part}" if isinstance(source, SqlSource) else source.name
        text = f"Mark the subject's {part.rows} rows in {where} as restricted by hand"
        steps.append({"source": source.id, "part": part.part, "name": where,
                      "instruction": text, "rows": part.rows})  # fmt: skip
    return steps


def record_by_hand(
    session: Session, restriction: Restriction, index: int, *, lifted: bool, actor: str,
    now: datetime, register: Register | None = None,
) -> None:  # fmt: skip
    """Staff record that they restricted (or, lifting, unrestricted) one place by hand."""
    if not 0 <= index < len(restriction.manual):
        raise RestrictionError(N_("no such by-hand step"))
    step = dict(restriction.manual[index])
    field = "lifted" if lifted else "restricted"
    if lifted and restriction.lift_at is None:
        raise RestrictionError(N_("lift the restriction first: the Art. 18(3) notice comes first"))
    if step.get(f"{field}_at"):
        raise RestrictionError(N_("this step was recorded already"))
    step[f"{field}_by"], step[f"{field}_at"] = actor, now.isoformat()
    restriction.manual = [*restriction.manual[:index], step, *restriction.manual[index + 1 :]]
    request = session.get(Request, restriction.request_id)
    assert request is not None
    payload = {"restriction": restriction.id, "step": f"{step['source']}.{step['part']}"}
    record_event(session, request, f"restriction_by_hand_{field}", actor=actor, now=now,
                 payload=payload)  # fmt: skip
    if register is not None and not lifted:
        notify_restricted(session, request, restriction, register, now=now)


def lift_restriction(
    session: Session,
    restriction: Restriction,
    register: Register,
    *,
    actor: str,
    now: datetime,
    connectors: ConnectorFactory = connector_for,
) -> None:
    """Send the lifting to the scheduler, only once the Art. 18(3) notice reached the subject."""
    if restriction.status is not RestrictionStatus.ACTIVE:
        raise RestrictionError(
            N_("the restriction is %(status)s, not active", status=restriction.status)
        )
    request = session.get(Request, restriction.request_id)
    assert request is not None
    told_on = lift_notice_sent(session, request)
    if told_on is None:
        raise RestrictionError(
            N_(
                "the subject must be told before the restriction is lifted (Art. 18(3)): send "
                "the 'restriction_lift' letter first (delivered by e-mail or recorded as posted)"
            )
        )
    # The sources it marked, planned again for the lifted value.
    marked = [register.source(p["source"]) for p in restriction.plans]
    lift, _manual = _plan(session, request, [s for s in marked if s is not None], restriction,
                          LIFT, connectors)  # fmt: skip
    restriction.lift_plans = [p.to_json() for p in lift]
    restriction.status = RestrictionStatus.LIFTING
    restriction.lift_by, restriction.lift_at = actor, now
    payload = {"restriction": restriction.id, "told_on": told_on.isoformat()}
    record_event(session, request, "restriction_lifting", actor=actor, now=now, payload=payload)


def retry_restriction(
    session: Session, restriction: Restriction, *, actor: str, now: datetime
) -> None:
    """Send a partly carried-out restriction or lifting back to the scheduler."""
    again = {RestrictionStatus.PARTIAL: RestrictionStatus.PLACING,
             RestrictionStatus.LIFT_PARTIAL: RestrictionStatus.LIFTING}  # fmt: skip
    if restriction.status not in again:
        raise RestrictionError(N_("only a partly carried-out restriction or lifting runs again"))
    restriction.status = again[restriction.status]
    request = session.get(Request, restriction.request_id)
    assert request is not None
    payload = {"restriction": restriction.id}
    record_event(session, request, "restriction_retry", actor=actor, now=now, payload=payload)


def carry_out_restriction(
    session: Session,
    restriction: Restriction,
    register: Register,
    *,
    now: datetime,
    checkpoint: Checkpoint,
    writers: Callable[[SqlSource | FileSource], Writer] | None = None,
) -> list[PartReport]:
    """Set (placing) or remove (lifting) the marks source by source; record the outcome."""
    lifting = restriction.status is RestrictionStatus.LIFTING
    if restriction.status is not RestrictionStatus.PLACING and not lifting:
        raise RestrictionError(
            N_("the restriction is %(status)s: nothing to run", status=restriction.status)
        )
    request = session.get(Request, restriction.request_id)
    assert request is not None
    plans = (restriction.lift_plans or []) if lifting else restriction.plans
    applied = apply_plans(session, register, request, plans, now=now, checkpoint=checkpoint,
                          writers=writers)  # fmt: skip
    done, stored = applied.done, applied.stored()
    if lifting:
        restriction.lift_reports = stored
        restriction.status = RestrictionStatus.LIFTED if done else RestrictionStatus.LIFT_PARTIAL
        restriction.lifted_at = now if done else None
    else:
        restriction.reports = stored
        restriction.status = RestrictionStatus.ACTIVE if done else RestrictionStatus.PARTIAL
        restriction.active_at = now if done else None
    restriction.runs += 1
    payload = {
        "restriction": restriction.id,
        "status": restriction.status.value,
        "parts": applied.outcomes(),
    }
    action = "restriction_lifted" if lifting else "restriction_carried_out"
    record_event(session, request, action, actor="system", now=now, payload=payload)
    if not lifting:
        notify_restricted(session, request, restriction, register, now=now)
    return applied.reports
