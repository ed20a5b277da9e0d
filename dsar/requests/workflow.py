"""The request life cycle as a pure state machine: which action may move a request where.

No Flask, no database: the service layer asks `transition(status, action)` before it changes
anything, and the web layer turns `IllegalTransition` into a clear message.
"""

from __future__ import annotations

import enum
from types import MappingProxyType

# The grounds a subject may name (Art. 17(1)(a)-(f) for erasure, Art. 18(1)(a)-(d) for
# restriction): stored in request.details["ground"]; the forms and the letters word them.
ERASURE_GROUNDS = ("17.1.a", "17.1.b", "17.1.c", "17.1.d", "17.1.e", "17.1.f")
RESTRICTION_GROUNDS = ("18.1.a", "18.1.b", "18.1.c", "18.1.d")


class RequestType(enum.StrEnum):
    ACCESS = "access"  # Art. 15
    RECTIFICATION = "rectification"  # Art. 16
    ERASURE = "erasure"  # Art. 17
    RESTRICTION = "restriction"  # Art. 18
    PORTABILITY = "portability"  # Art. 20
    OBJECTION = "objection"  # Art. 21
    CONSENT_WITHDRAWAL = "consent_withdrawal"  # Art. 7(3)

    @property
    def article(self) -> str:
        return _ARTICLES[self]


_ARTICLES = {
    RequestType.ACCESS: "Art. 15",
    RequestType.RECTIFICATION: "Art. 16",
    RequestType.ERASURE: "Art. 17",
    RequestType.RESTRICTION: "Art. 18",
    RequestType.PORTABILITY: "Art. 20",
    RequestType.OBJECTION: "Art. 21",
    RequestType.CONSENT_WITHDRAWAL: "Art. 7(3)",
}


class Channel(enum.StrEnum):
    WEB = "web"
    EMAIL = "email"
    POST = "post"
    PHONE = "phone"
    API = "api"


class Verification(enum.StrEnum):
    """How far the subject's identity is established (proportionate: e-mail ownership first)."""

    UNVERIFIED = "unverified"
    EMAIL_CONFIRMED = "email_confirmed"
    INFORMATION_REQUESTED = "information_requested"
    VERIFIED = "verified"
    FAILED = "failed"


class Status(enum.StrEnum):
    AWAITING_CONFIRMATION = "awaiting_confirmation"  # web form sent, e-mail not yet confirmed
    NEW = "new"  # received; the clock runs
    AWAITING_INFORMATION = "awaiting_information"  # Art. 12(6): identity information asked for
    IN_PROGRESS = "in_progress"  # identity settled; being worked on
    AWAITING_APPROVAL = "awaiting_approval"  # a refusal waits for the DPO
    # The answer is drafted; it closes the request once sent (outbox delivered) or posted.
    ANSWERING = "answering"
    COMPLETED = "completed"  # the final letter was sent: `answered_at` is its date
    REFUSED = "refused"  # Art. 12(5) refusal, approved
    IDENTITY_FAILED = "identity_failed"  # Art. 11(2)/12(2): could not identify the subject
    WITHDRAWN = "withdrawn"  # the subject withdrew the request
    EXPIRED = "expired"  # the e-mail address was never confirmed
    # Merged into another open request of the same subject and right (Request.merged_into_id):
    # that request's answer answers both; this one's clock stopped, it is not "answered".
    MERGED = "merged"

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATUSES

    @property
    def clock_running(self) -> bool:
        """Whether the statutory deadline applies (it does not before the request is received)."""
        return self in OPEN_STATUSES and self is not Status.AWAITING_CONFIRMATION


OPEN_STATUSES = frozenset(
    {
        Status.AWAITING_CONFIRMATION,
        Status.NEW,
        Status.AWAITING_INFORMATION,
        Status.IN_PROGRESS,
        Status.AWAITING_APPROVAL,
        Status.ANSWERING,
    }
)
CLOSED_STATUSES = frozenset(set(Status) - OPEN_STATUSES)


class Action(enum.StrEnum):
    CONFIRM_EMAIL = "confirm_email"
    EXPIRE = "expire"
    VERIFY_IDENTITY = "verify_identity"
    REQUEST_INFORMATION = "request_information"
    RECEIVE_INFORMATION = "receive_information"
    FAIL_IDENTITY = "fail_identity"
    PROPOSE_REFUSAL = "propose_refusal"
    APPROVE_REFUSAL = "approve_refusal"
    REJECT_REFUSAL = "reject_refusal"
    PREPARE_ANSWER = "prepare_answer"  # staff: nothing is missing; the final letter is drafted
    REOPEN = "reopen"  # staff: back to work before the answer goes out
    COMPLETE = "complete"  # the system: the final letter was delivered or posted
    WITHDRAW = "withdraw"
    MERGE = "merge"  # staff: a duplicate goes into the other request (dsar/requests/merging.py)


class Decision(enum.StrEnum):
    """What staff decide on a request: an action of the life cycle, or an extension."""

    VERIFY_IDENTITY = "verify_identity"
    REQUEST_INFORMATION = "request_information"
    RECEIVE_INFORMATION = "receive_information"
    FAIL_IDENTITY = "fail_identity"
    EXTEND = "extend"
    PROPOSE_REFUSAL = "propose_refusal"
    APPROVE_REFUSAL = "approve_refusal"
    REJECT_REFUSAL = "reject_refusal"
    PREPARE_ANSWER = "prepare_answer"
    REOPEN = "reopen"
    WITHDRAW = "withdraw"


S, A = Status, Action
_withdrawable = (S.NEW, S.AWAITING_INFORMATION, S.IN_PROGRESS, S.AWAITING_APPROVAL, S.ANSWERING)
# Received, and not once a refusal waits for the DPO or an answer is drafted (those are decided
# on their own); an unconfirmed second submit is not received and expires on its own.
_mergeable = (S.NEW, S.AWAITING_INFORMATION, S.IN_PROGRESS)

TRANSITIONS: MappingProxyType[tuple[Status, Action], Status] = MappingProxyType(
    {
        (S.AWAITING_CONFIRMATION, A.CONFIRM_EMAIL): S.NEW,
        (S.AWAITING_CONFIRMATION, A.EXPIRE): S.EXPIRED,
        (S.NEW, A.VERIFY_IDENTITY): S.IN_PROGRESS,
        (S.NEW, A.REQUEST_INFORMATION): S.AWAITING_INFORMATION,
        (S.NEW, A.FAIL_IDENTITY): S.IDENTITY_FAILED,
        (S.NEW, A.PROPOSE_REFUSAL): S.AWAITING_APPROVAL,
        (S.AWAITING_INFORMATION, A.RECEIVE_INFORMATION): S.NEW,
        (S.AWAITING_INFORMATION, A.VERIFY_IDENTITY): S.IN_PROGRESS,
        (S.AWAITING_INFORMATION, A.FAIL_IDENTITY): S.IDENTITY_FAILED,
        (S.IN_PROGRESS, A.REQUEST_INFORMATION): S.AWAITING_INFORMATION,
        (S.IN_PROGRESS, A.PROPOSE_REFUSAL): S.AWAITING_APPROVAL,
        (S.IN_PROGRESS, A.PREPARE_ANSWER): S.ANSWERING,
        (S.ANSWERING, A.REOPEN): S.IN_PROGRESS,
        (S.ANSWERING, A.COMPLETE): S.COMPLETED,
        (S.AWAITING_APPROVAL, A.APPROVE_REFUSAL): S.REFUSED,
        (S.AWAITING_APPROVAL, A.REJECT_REFUSAL): S.IN_PROGRESS,
        **{(status, A.WITHDRAW): S.WITHDRAWN for status in _withdrawable},
        **{(status, A.MERGE): S.MERGED for status in _mergeable},
    }
)
del S, A


class IllegalTransition(Exception):
    """An action that the request's current status does not allow."""

    def __init__(self, status: Status, action: Action) -> None:
        self.status = status
        self.action = action
        allowed = ", ".join(sorted(a.value for a in allowed_actions(status))) or "none"
        super().__init__(
            f"cannot {action.value.replace('_', ' ')} a request that is "
            f"{status.value.replace('_', ' ')} (allowed: {allowed})"
        )


def transition(status: Status, action: Action) -> Status:
    """The status after `action`, or IllegalTransition if the action is not allowed now."""
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        raise IllegalTransition(status, action) from None


def allowed_actions(status: Status) -> frozenset[Action]:
    """The actions that the life cycle allows from `status`."""
    return frozenset(action for (source, action) in TRANSITIONS if source is status)
