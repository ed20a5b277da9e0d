"""The staff queue: who sees which requests, the filtered and sorted page, counts per status.

A page costs a fixed number of queries whatever its size: the rows come with their controller
and assignee in the same query (joinedload), the counts in one GROUP BY.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select, true
from sqlalchemy.orm import Session, joinedload

from dsar.models import Request, Role, StaffUser
from dsar.workflow import OPEN_STATUSES, Channel, RequestType, Status

PAGE_SIZE = 50
# The default view: received and still open, so every row has a due date.
WORKING_STATUSES = tuple(s for s in Status if s.clock_running)


def effective_due():  # type: ignore[no-untyped-def]
    """SQL for Request.effective_due_date: the extended date once extended."""
    return func.coalesce(Request.extended_due_date, Request.due_date)


def may_see_requests(user: StaffUser) -> bool:
    """Admins manage accounts and settings; they do not read data subjects' requests."""
    return user.role in (Role.AGENT, Role.DPO)


def visible_to(user: StaffUser) -> ColumnElement[bool]:
    """The requests `user` may open: their controllers; for agents, unassigned or their own."""
    if not may_see_requests(user):
        return false()
    clauses: list[ColumnElement[bool]] = []
    if user.controllers:
        clauses.append(Request.controller_id.in_([c.id for c in user.controllers]))
    if user.role is Role.AGENT:
        clauses.append(or_(Request.assignee_id.is_(None), Request.assignee_id == user.id))
    return and_(*clauses) if clauses else true()


def can_see(user: StaffUser, request: Request) -> bool:
    """The same rule as `visible_to`, for one loaded request."""
    if not may_see_requests(user) or not user.may_work_for(request.controller_id):
        return False
    return user.role is not Role.AGENT or request.assignee_id in (None, user.id)


@dataclass(frozen=True)
class QueueFilters:
    status: str = "open"  # "open", "all" or a Status value
    type: RequestType | None = None
    assignee: str = ""  # "", "me", "none" or a staff id
    channel: Channel | None = None
    language: str = ""
    controller_id: int | None = None
    due_within: int | None = None  # days from today
    overdue: bool = False
    extended: bool = False
    search: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args: Any) -> QueueFilters:
        """Parse query-string arguments; a value that does not parse is ignored, not an error."""

        def pick(enum_cls: Any, raw: str | None) -> Any:
            try:
                return enum_cls(raw) if raw else None
            except ValueError:
                return None

        status = args.get("status", "open")
        if status not in ("open", "all") and pick(Status, status) is None:
            status = "open"
        return cls(
            status=status,
            type=pick(RequestType, args.get("type")),
            assignee=args.get("assignee", "")[:12],
            channel=pick(Channel, args.get("channel")),
            language=args.get("language", "")[:8],
            controller_id=args.get("controller", type=int),
            due_within=_bounded(args.get("due_within", type=int), 0, 3650),
            overdue=args.get("overdue") == "1",
            extended=args.get("extended") == "1",
            search=args.get("q", "").strip()[:200],
            page=max(args.get("page", 1, type=int) or 1, 1),
        )


def _bounded(value: int | None, low: int, high: int) -> int | None:
    return None if value is None else min(max(value, low), high)


@dataclass
class QueuePage:
    rows: list[Request]
    total: int
    page: int
    pages: int
    counts: dict[str, int] = field(default_factory=dict)


def _filtered(user: StaffUser, f: QueueFilters, today: date) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [visible_to(user)]
    if f.type:
        where.append(Request.type == f.type)
    if f.channel:
        where.append(Request.channel == f.channel)
    if f.language:
        where.append(Request.language == f.language)
    if f.controller_id:
        where.append(Request.controller_id == f.controller_id)
    if f.assignee == "me":
        where.append(Request.assignee_id == user.id)
    elif f.assignee == "none":
        where.append(Request.assignee_id.is_(None))
    elif f.assignee.isdigit():
        where.append(Request.assignee_id == int(f.assignee))
    if f.due_within is not None:
        where.append(effective_due() <= today + timedelta(days=f.due_within))
    if f.overdue:
        where.append(effective_due() < today)
        where.append(Request.status.in_(WORKING_STATUSES))
    if f.extended:
        where.append(Request.extended_due_date.is_not(None))
    if f.search:
        term = f.search.lower()
        where.append(
            or_(
                Request.reference == f.search.upper(),
                func.lower(Request.subject_email) == term,
                func.lower(Request.subject_name).contains(term, autoescape=True),
            )
        )
    return where


def _status_clause(f: QueueFilters) -> ColumnElement[bool] | None:
    if f.status == "open":
        return Request.status.in_(WORKING_STATUSES)
    if f.status == "all":
        return None
    return Request.status == Status(f.status)


def _order(f: QueueFilters) -> tuple[Any, ...]:
    if f.status == "open":  # every received request has a due date: the index gives the order
        return (effective_due(), Request.id)
    return (effective_due().is_(None), effective_due(), Request.id)


def _total_from_counts(f: QueueFilters, counts: dict[Status, int]) -> int | None:
    """The page total, when the open-status counts already hold it (saves one query)."""
    if f.status == "open":
        return sum(counts.get(s, 0) for s in WORKING_STATUSES)
    if f.status != "all" and Status(f.status) in OPEN_STATUSES:
        return counts.get(Status(f.status), 0)
    return None


def queue_page(session: Session, user: StaffUser, f: QueueFilters, today: date) -> QueuePage:
    """One page of the queue, sorted by effective due date (undated last), with status counts."""
    where = _filtered(user, f, today)
    status_clause = _status_clause(f)
    listed = [*where, status_clause] if status_clause is not None else where
    # Open statuses only: counting 100,000 closed requests on every page view buys nothing.
    counts: dict[Status, int] = dict(
        session.execute(  # type: ignore[arg-type]
            select(Request.status, func.count())
            .where(*where, Request.status.in_(OPEN_STATUSES))
            .group_by(Request.status)
        ).all()
    )
    total = _total_from_counts(f, counts)
    if total is None:
        total = session.execute(
            select(func.count()).select_from(Request).where(*listed)
        ).scalar_one()
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(f.page, pages)
    query: Select[tuple[Request]] = (
        select(Request)
        .where(*listed)
        .options(joinedload(Request.controller), joinedload(Request.assignee))
        .order_by(*_order(f))
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    rows = list(session.execute(query).unique().scalars())
    return QueuePage(rows, total, page, pages, {s.value: n for s, n in counts.items()})
