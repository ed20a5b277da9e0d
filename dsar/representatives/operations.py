"""Recording a representation with its request, and the two staff decisions on it.

Operations take a session, flush and never commit. A refused identity or authority closes the
request on the identity-failed path: its letter goes to the representative and says only that
the request cannot be answered to them (docs/representatives.md).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from dsar.accounts.models import StaffUser
from dsar.audit.request_trail import record_event
from dsar.core.words import N_, Said
from dsar.files.models import StoredFile
from dsar.register.datasources import EMAIL_KEY
from dsar.representatives.models import Check, Relationship, Representation
from dsar.requests.models import Request
from dsar.requests.workflow import Action, Decision, transition

if TYPE_CHECKING:  # its module imports dsar.requests.operations, which imports this one
    from dsar.requests.deadlines.operations import ClockSettings


@dataclass(frozen=True)
class NewRepresentation:
    """What the form (or staff at manual intake) records about the representative."""

    name: str
    email: str | None
    relation: Relationship
    relation_note: str | None = None
    subject_email: str | None = None
    subject_address: str | None = None


class Step(enum.StrEnum):
    IDENTITY = "identity"  # the representative is who they say
    AUTHORITY = "authority"  # they may act for the subject (proof of authority)


def record_representation(
    session: Session,
    request: Request,
    new: NewRepresentation,
    *,
    proof: StoredFile | None,
    actor: str,
    now: datetime,
) -> Representation:
    """Add the representation beside a new request, with its trail event; flushes only.

    The subject's own e-mail address, where the representative gave it, becomes a typed
    lookup key (`email`): a claim that staff verify like any other before it is searched (B5).
    """
    if new.subject_email:
        details = dict(request.details or {})
        keys = dict(details.get("lookup_keys") or {})
        keys.setdefault(EMAIL_KEY, new.subject_email)
        request.details = {**details, "lookup_keys": keys}
    representation = Representation(
        request=request,
        name=new.name,
        email=new.email,
        relation=new.relation,
        relation_note=new.relation_note,
        subject_email=new.subject_email,
        subject_address=new.subject_address,
        proof_file=proof,
        identity=Check.PENDING,
        authority=Check.PENDING,
        created_at=now,
    )
    session.add(representation)
    session.flush()
    record_event(
        session,
        request,
        "representation_recorded",
        actor=actor,
        now=now,
        payload={
            "representative": new.name,
            "on_behalf_of": request.subject_name,
            "relation": new.relation.value,
            "proof_file": proof.id if proof else None,
        },
    )
    return representation


def decide_representation(
    session: Session,
    request: Request,
    step: Step,
    *,
    verified: bool,
    note: str,
    version: int,
    user: StaffUser,
    clock: ClockSettings,
    now: datetime,
    documents_after_decision_days: int = 7,
) -> Representation:
    """Record one decision (who, when, note); a refusal needs its reason and closes the request.

    NotPermitted, StaleForm, IllegalTransition or ValueError refuse it before anything changes.
    """
    from dsar.requests.decisions import DecisionInput, NotPermitted, check_fresh, decide

    representation = request.representation
    if representation is None:
        raise ValueError(Said(N_("this request was not made on someone else's behalf")))
    if not _may_decide(user, request):
        raise NotPermitted(Said(N_("you may not decide on this representation")))
    check_fresh(request, version)
    note = note.strip()
    if getattr(representation, step.value) is not Check.PENDING:
        raise ValueError(Said(N_("this decision was already taken")))
    if not verified and not note:
        raise ValueError(Said(N_("give the reason for the refusal: the letter states it")))
    if not request.status.is_open:
        raise ValueError(Said(N_("the request is closed")))
    if not verified:  # the refusal ends the request: refused first if the status does not allow
        transition(request.status, Action.FAIL_IDENTITY)
    decision = Check.VERIFIED if verified else Check.REFUSED
    setattr(representation, step.value, decision)
    setattr(representation, f"{step.value}_by", user.email)
    setattr(representation, f"{step.value}_at", now)
    setattr(representation, f"{step.value}_note", note or None)
    request.updated_at = now
    record_event(
        session,
        request,
        f"representative_{step.value}_{decision.value}",
        actor=user.email,
        now=now,
        payload={
            "representative": representation.name,
            "on_behalf_of": request.subject_name,
            **({"note": note} if note else {}),
        },
    )
    session.flush()
    if not verified:
        # No register: the identity-failed letter carries nothing the search found.
        decide(
            session,
            request,
            DecisionInput(Decision.FAIL_IDENTITY, request.version, reason=note),
            user=user,
            clock=clock,
            now=now,
            documents_after_decision_days=documents_after_decision_days,
        )
    return representation


def _may_decide(user: StaffUser, request: Request) -> bool:
    from dsar.requests.permissions import may_decide

    return may_decide(user, request, Decision.VERIFY_IDENTITY)
