"""Who may see and do what: the staff roles, the requests each member may open, the decisions
each may take. The one place for these rules; views, services and queries import them."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_, select, true

from dsar.accounts.models import Role, StaffUser
from dsar.outbox.models import OutboxMessage
from dsar.requests.models import Request
from dsar.requests.workflow import Decision, RequestType

# Who works data subjects' requests; admins manage accounts and settings, not requests.
REQUEST_WORKERS = (Role.AGENT, Role.DPO)
ANY_STAFF = (Role.AGENT, Role.DPO, Role.ADMIN)
MANAGERS = (Role.DPO, Role.ADMIN)  # the dashboard and the register export: no subjects' names
LETTER_APPROVERS = (Role.DPO,)

DPO_ONLY = frozenset({Role.DPO})
# The DPO approves refusals and extensions (Art. 12(3), 12(5)) and the execution of erasure.
DECISION_ROLES: dict[Decision, frozenset[Role]] = {
    **{decision: frozenset(REQUEST_WORKERS) for decision in Decision},
    Decision.EXTEND: DPO_ONLY,
    Decision.APPROVE_REFUSAL: DPO_ONLY,
    Decision.REJECT_REFUSAL: DPO_ONLY,
}


def may_see_requests(user: StaffUser) -> bool:
    """Admins manage accounts and settings; they do not read data subjects' requests."""
    return user.role in REQUEST_WORKERS


def of_their_controllers(user: StaffUser) -> ColumnElement[bool]:
    """SQL: requests of the controllers `user` works for (all of them when not limited)."""
    if user.controller_ids:
        return Request.controller_id.in_(sorted(user.controller_ids))
    return true()


def visible_to(user: StaffUser) -> ColumnElement[bool]:
    """SQL: the requests `user` may open; for agents, only unassigned ones or their own."""
    if not may_see_requests(user):
        return false()
    clauses = [of_their_controllers(user)]
    if user.role is Role.AGENT:
        clauses.append(or_(Request.assignee_id.is_(None), Request.assignee_id == user.id))
    return and_(*clauses)


def counted_for(user: StaffUser) -> ColumnElement[bool]:
    """SQL: the requests in `user`'s dashboard figures: those they may open in the queue; for an
    admin, who opens none, those of their controllers (numbers only, no names)."""
    return visible_to(user) if may_see_requests(user) else of_their_controllers(user)


def mail_visible_to(user: StaffUser) -> ColumnElement[bool]:
    """SQL: the outbox rows `user` may read: those of requests they may open, and mail
    addressed to themselves (reminders, digests); never another controller's or colleague's."""
    of_their_requests = OutboxMessage.request_id.in_(select(Request.id).where(visible_to(user)))
    to_them = and_(OutboxMessage.request_id.is_(None), OutboxMessage.recipient == user.email)
    return or_(of_their_requests, to_them)


def may_manage(admin: StaffUser, member: StaffUser) -> bool:
    """Whether `admin` may see and change `member`'s account: an admin limited to controllers
    manages only accounts limited to some of those (never an account of every controller)."""
    if admin.role is not Role.ADMIN:
        return False
    if not admin.controller_ids:
        return True
    return bool(member.controller_ids) and member.controller_ids <= admin.controller_ids


def may_grant(admin: StaffUser, controller_ids: frozenset[int]) -> bool:
    """Whether `admin` may give an account these controllers (none: every controller)."""
    if not admin.controller_ids:
        return True
    return bool(controller_ids) and controller_ids <= admin.controller_ids


def can_see(user: StaffUser, request: Request) -> bool:
    """The same rule as `visible_to`, for one loaded request."""
    if not may_see_requests(user) or not user.may_work_for(request.controller_id):
        return False
    return user.role is not Role.AGENT or request.assignee_id in (None, user.id)


def may_decide(user: StaffUser, request: Request, decision: Decision) -> bool:
    """Whether `user` may take `decision` on `request` (the life cycle decides whether now)."""
    if not can_see(user, request) or user.role not in DECISION_ROLES[decision]:
        return False
    # Preparing an erasure request's answer says it was carried out: the DPO approves that.
    return not (
        decision is Decision.PREPARE_ANSWER
        and request.type is RequestType.ERASURE
        and user.role is not Role.DPO
    )


def may_merge(user: StaffUser, duplicate: Request, survivor: Request) -> bool:
    """Whether `user` may merge `duplicate` into `survivor`: a request worker who may open and
    decide on both (the same controller is a rule of the merge, dsar/requests/merging.py)."""
    return user.role in REQUEST_WORKERS and can_see(user, duplicate) and can_see(user, survivor)


def may_approve_rectification(user: StaffUser, request: Request) -> bool:
    """A DPO, or the agent the request is assigned to, approves a rectification's mapping,
    even their own: the issue asks four eyes only for erasure."""
    if not can_see(user, request):
        return False
    return user.role is Role.DPO or (user.role is Role.AGENT and request.assignee_id == user.id)


def may_assign_to(user: StaffUser, assignee: StaffUser | None) -> bool:
    """DPOs give requests to anyone; agents take or release only their own."""
    return user.role is not Role.AGENT or assignee is None or assignee.id == user.id


def can_be_assigned(assignee: StaffUser, request: Request) -> bool:
    """Whether `assignee` can take `request`: an active request worker for its controller."""
    return (
        assignee.active
        and assignee.role in REQUEST_WORKERS
        and assignee.may_work_for(request.controller_id)
    )


def may_compare_documents(user: StaffUser) -> bool:
    """Verifying a lookup key by comparing a document overrides the automated checks: DPO only."""
    return user.role is Role.DPO
