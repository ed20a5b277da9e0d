"""Staff decisions on a request, stale-form checks, notes and assignment (who may take
which decision: dsar/requests/permissions.py).

Every decision goes through the state machine (dsar.requests.workflow) and leaves an audit event
with the staff member's e-mail as actor. Checks come first, so a refused decision changes nothing.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.accounts.models import StaffUser
from dsar.audit.request_trail import record_event
from dsar.core.words import N_, Said
from dsar.files.models import FilePurpose, StoredFile
from dsar.fulfilment.claims import identity_basis
from dsar.fulfilment.links import end_links_on_close
from dsar.register import Register
from dsar.representatives.gate import representation_blockers
from dsar.requests.closing import FOUND_TYPES, NotReady, completion_blockers
from dsar.requests.deadlines.clock_policies import InformationPurpose
from dsar.requests.deadlines.operations import (
    ClockSettings,
    extend_request,
    receive_information,
    request_information,
)
from dsar.requests.models import Request, RequestEvent
from dsar.requests.operations import apply_action
from dsar.requests.permissions import can_be_assigned, can_see, may_assign_to, may_decide
from dsar.requests.workflow import Action, Decision, Verification, transition


class RefusalGround(enum.StrEnum):
    MANIFESTLY_UNFOUNDED = "manifestly_unfounded"
    EXCESSIVE = "excessive"


class NotPermitted(Exception):
    """The staff member's role or assignment does not allow this decision on this request."""


class StaleForm(Exception):
    """The request changed after the form was loaded."""

    def __init__(self) -> None:
        super().__init__("This request changed meanwhile; reload the page and decide again.")


@dataclass(frozen=True)
class DecisionInput:
    decision: Decision
    version: int  # Request.version when the form was rendered
    reason: str = ""  # extension reasons, refusal reasons, failure reasons
    what: str = ""  # Art. 12(6): exactly which information is needed
    why: str = ""  # Art. 12(6): why it is needed
    ground: RefusalGround | None = None
    purpose: InformationPurpose = InformationPurpose.IDENTITY


def check_fresh(request: Request, version: int) -> None:
    if request.version != version:
        raise StaleForm()


def decide(
    session: Session,
    request: Request,
    given: DecisionInput,
    *,
    user: StaffUser,
    clock: ClockSettings,
    now: datetime,
    register: Register | None = None,
    documents_after_decision_days: int = 7,
) -> None:
    """Take one decision; NotPermitted, StaleForm, IllegalTransition or ValueError refuse it.

    Where the step calls for a letter to the subject, its draft is made for staff to review.
    """
    if not may_decide(user, request, given.decision):
        not_yours = N_("your role (%(role)s) may not %(decision)s")
        raise NotPermitted(Said(not_yours, role=user.role.value, decision=_label(given.decision)))
    check_fresh(request, given.version)
    actor, d = user.email, given.decision
    reason = given.reason.strip()
    late = False  # asked for information too late for the clock to stop (D12)
    if d is Decision.VERIFY_IDENTITY:
        unverified = representation_blockers(request)
        if unverified:  # the representative first: identity settled means both (B4)
            raise NotReady(Said(N_("cannot verify the identity yet")), unverified)
        basis = identity_basis(session, request)
        apply_action(session, request, Action.VERIFY_IDENTITY, actor=actor, now=now, payload=basis)
        request.verification = Verification.VERIFIED
        shorten_document_retention(session, request, now, documents_after_decision_days)
    elif d is Decision.REQUEST_INFORMATION:
        late = request_information(
            session,
            request,
            clock,
            purpose=given.purpose,
            what=given.what.strip(),
            why=given.why.strip(),
            actor=actor,
            now=now,
        ).late_information_request
    elif d is Decision.RECEIVE_INFORMATION:
        receive_information(session, request, clock, actor=actor, now=now)
    elif d is Decision.FAIL_IDENTITY:
        _require(reason, N_("say why the subject could not be identified (Art. 11(2), 12(2))"))
        payload = {"reason": reason}
        apply_action(session, request, Action.FAIL_IDENTITY, actor=actor, now=now, payload=payload)
        request.verification = Verification.FAILED
        shorten_document_retention(session, request, now, documents_after_decision_days)
    elif d is Decision.EXTEND:
        extend_request(session, request, clock, reason=reason, actor=actor, now=now)
    elif d is Decision.PROPOSE_REFUSAL:
        if given.ground is None:
            raise ValueError(
                N_("choose the ground: manifestly unfounded or excessive (Art. 12(5))")
            )
        _require(reason, N_("give the facts that show the request is unfounded or excessive"))
        payload = {"ground": given.ground.value, "reasons": reason}
        apply_action(
            session, request, Action.PROPOSE_REFUSAL, actor=actor, now=now, payload=payload
        )
    elif d is Decision.PREPARE_ANSWER:
        transition(request.status, Action.PREPARE_ANSWER)  # an illegal step is refused first
        blockers = completion_blockers(session, request)
        if blockers:
            raise NotReady(Said(N_("cannot prepare the answer yet")), blockers)
        payload = {"comment": reason} if reason else {}
        apply_action(session, request, Action.PREPARE_ANSWER, actor=actor, now=now, payload=payload)
    else:  # approve or reject a refusal, withdraw: a plain transition
        payload = {"comment": reason} if reason else {}
        apply_action(session, request, Action(d.value), actor=actor, now=now, payload=payload)
    end_links_on_close(session, request, actor=actor, now=now)  # withdrawn, refused, no identity
    _draft_letter(session, request, given, register, actor=actor, now=now, late=late)
    session.flush()


def _draft_letter(
    session: Session,
    request: Request,
    given: DecisionInput,
    register: Register | None,
    *,
    actor: str,
    now: datetime,
    late: bool = False,
) -> None:
    """Draft the letter this step owes the subject (Art. 12(3), 12(4), 12(6), 15-21).

    Asking for information drafts the identity request (Art. 12(6)) or, for a clarification,
    the Recital 63 letter, with what the decision said was needed and why already filled in.
    """
    from dsar.fulfilment.found import found_data_for
    from dsar.letters.operations import draft_letter

    texts: dict[str, str] = {}
    details: dict[str, str] = {}
    if given.decision is Decision.FAIL_IDENTITY:
        texts = {"unidentified": given.reason.strip()}
    if given.decision is Decision.EXTEND:
        texts = {"reasons": request.extension_reason or ""}
    if given.decision is Decision.APPROVE_REFUSAL:
        proposal = _refusal_proposal(session, request)
        texts = {"facts": str(proposal.get("reasons") or "")}
        details = {"ground": str(proposal.get("ground") or "")}
    if given.decision is Decision.REQUEST_INFORMATION:
        if given.purpose is InformationPurpose.CLARIFICATION:
            letter_type, texts = "clarification", {"question": given.what.strip()}
        else:
            letter_type = "identity_request"
            texts = {"needed": given.what.strip(), "doubt": given.why.strip()}
        if late:  # the letter must not claim the clock stopped
            details = {"late_request": "yes"}
    else:
        letter_type = {
            Decision.EXTEND: "extension",
            Decision.APPROVE_REFUSAL: "refusal",
            Decision.FAIL_IDENTITY: "identity_failed",
            Decision.PREPARE_ANSWER: request.type.value,
        }.get(given.decision, "")
    if not letter_type:
        return
    found = None
    if register is not None and request.type in FOUND_TYPES:
        found = found_data_for(session, request, register)
    draft_letter(
        session, request, actor=actor, now=now, letter_type=letter_type, texts=texts,
        found=found, details=details,
    )  # fmt: skip


def _refusal_proposal(session: Session, request: Request) -> dict[str, Any]:
    """What the latest refusal proposal recorded: its ground and the facts."""
    payload = session.execute(
        select(RequestEvent.payload)
        .where(RequestEvent.request_id == request.id, RequestEvent.action == "propose_refusal")
        .order_by(RequestEvent.seq.desc())
        .limit(1)
    ).scalar_one_or_none()
    return dict(payload or {})


def shorten_document_retention(session: Session, request: Request, now: datetime, days: int) -> int:
    """Once identity is decided, its documents are kept only `days` more (EDPB 01/2022 §79)."""
    until = now + timedelta(days=days)
    documents = session.execute(
        select(StoredFile).where(
            StoredFile.request_id == request.id,
            StoredFile.purpose.in_(
                (
                    FilePurpose.IDENTITY_DOCUMENT,
                    FilePurpose.SUPPORTING_DOCUMENT,
                    FilePurpose.AUTHORITY_PROOF,
                )
            ),
            StoredFile.deleted_at.is_(None),
        )
    ).scalars()
    changed = 0
    for document in documents:
        if document.delete_after is None or document.delete_after > until:
            document.delete_after = until
            changed += 1
    return changed


def _require(value: str, message: Said) -> None:
    if not value:
        raise ValueError(message)


def _label(decision: Decision) -> str:
    return decision.value.replace("_", " ")


def add_note(
    session: Session, request: Request, text: str, *, user: StaffUser, now: datetime
) -> None:
    """An internal note: an event like any other, so it can never be edited or removed."""
    if not can_see(user, request):
        raise NotPermitted(Said(N_("you may not work on this request")))
    record_note(session, request, text, actor=user.email, now=now)


def record_note(
    session: Session, request: Request, text: str, *, actor: str, now: datetime
) -> None:
    """The note itself, for staff (`add_note` checks who) and an API key of the controller."""
    text = text.strip()
    _require(text, N_("the note is empty"))
    record_event(session, request, "note", actor=actor, now=now, payload={"text": text})


def assign(
    session: Session,
    request: Request,
    assignee: StaffUser | None,
    *,
    user: StaffUser,
    now: datetime,
) -> bool:
    """Assign (or unassign); agents take or release only their own. Returns whether it changed."""
    if not can_see(user, request):
        raise NotPermitted(Said(N_("you may not work on this request")))
    if not may_assign_to(user, assignee):
        raise NotPermitted(Said(N_("agents assign requests only to themselves")))
    if assignee is not None and not can_be_assigned(assignee, request):
        raise ValueError(f"{assignee.email} cannot work on this request")
    if request.assignee_id == (assignee.id if assignee else None):
        return False
    before = request.assignee.email if request.assignee else None
    request.assignee = assignee
    request.updated_at = now
    payload = {"from": before, "to": assignee.email if assignee else None}
    record_event(session, request, "assigned", actor=user.email, now=now, payload=payload)
    return True
