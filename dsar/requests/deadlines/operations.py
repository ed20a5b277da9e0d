"""Keeping each request's due dates right: receipt, requests for information, the extension.

The clock events live in the audit trail (the payload's "clock" entry), so the due date can
always be recomputed from the record, and each change records the old and the new dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.audit.request_trail import record_event
from dsar.config import Settings
from dsar.core.words import N_
from dsar.requests.deadlines.clock_policies import (
    ClockEvent,
    ClockEventKind,
    ClockPolicy,
    InformationPurpose,
    check_extension,
)
from dsar.requests.deadlines.rules import DeadlineResult, due_date_with_clock
from dsar.requests.deadlines.today import today_of
from dsar.requests.models import Request, RequestEvent
from dsar.requests.operations import apply_action, jurisdiction_of
from dsar.requests.workflow import Action, Verification


@dataclass(frozen=True)
class ClockSettings:
    policy: ClockPolicy
    identity_request_working_days: int

    @classmethod
    def from_settings(cls, settings: Settings) -> ClockSettings:
        return cls(ClockPolicy(settings.clock_policy), settings.identity_request_working_days)


def clock_events_of(session: Session, request: Request) -> list[ClockEvent]:
    """The request's clock events, read back from its audit trail in order."""
    payloads = session.execute(
        select(RequestEvent.payload)
        .where(RequestEvent.request_id == request.id)
        .order_by(RequestEvent.seq)
    ).scalars()
    events = []
    for payload in payloads:
        clock = payload.get("clock") if isinstance(payload, dict) else None
        if clock:
            purpose = clock.get("purpose")
            events.append(
                ClockEvent(
                    ClockEventKind(clock["kind"]),
                    date.fromisoformat(clock["on"]),
                    InformationPurpose(purpose) if purpose else None,
                )
            )
    return events


def compute(
    session: Session, request: Request, clock: ClockSettings, today: date, *, extended: bool
) -> DeadlineResult:
    assert request.received_at is not None, "a request has no deadline before it is received"
    return due_date_with_clock(
        request.received_at,
        jurisdiction_of(request.controller),
        clock_events_of(session, request),
        clock.policy,
        extended=extended,
        identity_request_working_days=clock.identity_request_working_days,
        today=today,
    )


def recompute_due_dates(
    session: Session,
    request: Request,
    clock: ClockSettings,
    *,
    actor: str,
    now: datetime,
    cause: str,
) -> DeadlineResult:
    """Recompute both due dates from the trail; record old and new when they change."""
    today = today_of(request.controller, now)
    result = compute(session, request, clock, today, extended=False)
    old = (request.due_date, request.extended_due_date)
    request.due_date = result.due
    if request.extended_due_date is not None:
        request.extended_due_date = compute(session, request, clock, today, extended=True).due
    new = (request.due_date, request.extended_due_date)
    if new != old:
        record_event(
            session,
            request,
            "due_date_changed",
            actor=actor,
            now=now,
            payload={
                "cause": cause,
                "policy": clock.policy,
                "old_due_date": old[0],
                "new_due_date": new[0],
                "old_extended_due_date": old[1],
                "new_extended_due_date": new[1],
                "suspended_days": result.suspended_days,
                "restarted_on": result.restarted_on,
                "suspended": result.suspended,
                "late_information_request": result.late_information_request,
            },
        )
    return result


def request_information(
    session: Session,
    request: Request,
    clock: ClockSettings,
    *,
    purpose: InformationPurpose,
    what: str,
    why: str,
    actor: str,
    now: datetime,
) -> DeadlineResult:
    """Art. 12(6): ask the subject for what is needed, and let the clock policy act on it."""
    if not what.strip() or not why.strip():
        raise ValueError(N_("say exactly what information is needed and why"))
    on = today_of(request.controller, now)
    apply_action(
        session,
        request,
        Action.REQUEST_INFORMATION,
        actor=actor,
        now=now,
        payload={
            "what": what,
            "why": why,
            "clock": _clock_payload(ClockEventKind.INFORMATION_REQUESTED, on, purpose),
        },
    )
    request.verification = Verification.INFORMATION_REQUESTED
    return recompute_due_dates(session, request, clock, actor=actor, now=now, cause="asked")


def receive_information(
    session: Session, request: Request, clock: ClockSettings, *, actor: str, now: datetime
) -> DeadlineResult:
    """The subject's answer arrived: the clock runs again from today's local date."""
    on = today_of(request.controller, now)
    apply_action(
        session,
        request,
        Action.RECEIVE_INFORMATION,
        actor=actor,
        now=now,
        payload={"clock": _clock_payload(ClockEventKind.INFORMATION_RECEIVED, on, None)},
    )
    return recompute_due_dates(session, request, clock, actor=actor, now=now, cause="answered")


def extend_request(
    session: Session,
    request: Request,
    clock: ClockSettings,
    *,
    reason: str,
    actor: str,
    now: datetime,
) -> date:
    """Art. 12(3): extend once, with reasons, before the first due date; the notice is due."""
    if not request.status.clock_running or request.due_date is None:
        raise ValueError(N_("only a received, open request can be extended"))
    today = today_of(request.controller, now)
    check_extension(
        today=today,
        due=request.due_date,
        already_extended=request.extended_due_date is not None,
        reason=reason,
    )
    extended = compute(session, request, clock, today, extended=True).due
    request.extended_due_date = extended
    request.extension_reason = reason.strip()
    request.updated_at = now
    details: dict[str, Any] = dict(request.details or {})
    details["extension_notice_due"] = True  # the letter is drafted by the letters feature
    request.details = details
    record_event(
        session,
        request,
        "extended",
        actor=actor,
        now=now,
        payload={
            "reason": request.extension_reason,
            "due_date": request.due_date,
            "extended_due_date": extended,
            "extension_notice_due": True,
        },
    )
    return extended


def lapse_extension(session: Session, request: Request, *, now: datetime) -> None:
    """The extension's notice did not reach the subject by the first due date: Art. 12(3)
    lets it take effect only then, so the request is due on its first due date again."""
    lapsed = request.extended_due_date
    request.extended_due_date = None
    request.updated_at = now
    details: dict[str, Any] = dict(request.details or {})
    details.pop("extension_notice_due", None)
    request.details = details
    reason = f"the notice was not sent by {request.due_date} (Art. 12(3))"
    payload = {"due_date": request.due_date, "lapsed_due_date": lapsed, "reason": reason}
    record_event(session, request, "extension_lapsed", actor="system", now=now, payload=payload)


def _clock_payload(
    kind: ClockEventKind, on: date, purpose: InformationPurpose | None
) -> dict[str, str]:
    payload = {"kind": kind.value, "on": on.isoformat()}
    if purpose is not None:
        payload["purpose"] = purpose.value
    return payload
