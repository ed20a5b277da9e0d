"""The staff queue: who sees which requests, the filtered and sorted page, counts per status.

A page costs a fixed number of queries whatever its size: the rows come with their assignee's
address in one Core query (plain values, no ORM objects to build), the counts and the staff
menu in one more. The default page reads a partial index on the open statuses
(models/requests.py); its counts come from the trigger-kept tally (models/tally.py), a filtered
page's from a GROUP BY. The statements are built once per viewer, filters and day (`_statements`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    String,
    and_,
    bindparam,
    false,
    func,
    literal_column,
    or_,
    select,
    true,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session

from dsar.deadlines import days_left
from dsar.models import REQUEST_WORKERS, Request, Role, StaffIdentity, StaffUser, Viewer
from dsar.models.requests import OPEN, WORKING
from dsar.models.tally import UNASSIGNED, OpenRequestTally
from dsar.services.menus import ASSIGNABLE, StaffChoice
from dsar.workflow import OPEN_STATUSES, Channel, RequestType, Status

PAGE_SIZE = 50
# The default view: received and still open, so every row has a due date.
WORKING_STATUSES = tuple(s for s in Status if s.clock_running)
# Table columns, not mapped attributes: the page's queries run as Core, with no ORM overhead.
REQUEST, STAFF = Request.__table__, StaffUser.__table__
TALLY = OpenRequestTally.__table__


def effective_due():  # type: ignore[no-untyped-def]
    """SQL for Request.effective_due_date: the extended date once extended."""
    return func.coalesce(REQUEST.c.extended_due_date, REQUEST.c.due_date)


def may_see_requests(user: Viewer) -> bool:
    """Admins manage accounts and settings; they do not read data subjects' requests."""
    return user.role in REQUEST_WORKERS


class _Keys(NamedTuple):
    """The columns visibility and the shared filters read: the request's or the tally's."""

    controller_id: Any
    assignee: Any
    unassigned: ColumnElement[bool]
    type: Any


_REQUEST_KEYS = _Keys(
    REQUEST.c.controller_id, REQUEST.c.assignee_id, REQUEST.c.assignee_id.is_(None), REQUEST.c.type
)
_TALLY_KEYS = _Keys(
    TALLY.c.controller_id, TALLY.c.assignee_key, TALLY.c.assignee_key == UNASSIGNED, TALLY.c.type
)


def visible_to(user: Viewer, keys: _Keys = _REQUEST_KEYS) -> ColumnElement[bool]:
    """The requests `user` may open: their controllers; for agents, unassigned or their own."""
    if not may_see_requests(user):
        return false()
    clauses: list[ColumnElement[bool]] = []
    if user.controller_ids:
        clauses.append(keys.controller_id.in_(sorted(user.controller_ids)))
    if user.role is Role.AGENT:
        clauses.append(or_(keys.unassigned, keys.assignee == user.id))
    return and_(*clauses) if clauses else true()


def _keyed(user: Viewer, f: QueueFilters, keys: _Keys) -> list[ColumnElement[bool]]:
    """Visibility and the filters the tally can answer too: controller, assignee, type."""
    where: list[ColumnElement[bool]] = [visible_to(user, keys)]
    if f.type:
        where.append(keys.type == f.type.value)
    if f.controller_id:
        where.append(keys.controller_id == f.controller_id)
    if f.assignee == "me":
        where.append(keys.assignee == user.id)
    elif f.assignee == "none":
        where.append(keys.unassigned)
    elif f.assignee.isdigit():
        where.append(keys.assignee == (int(f.assignee) or -1))  # no staff id is 0
    return where


def can_see(user: StaffIdentity, request: Request) -> bool:
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


class QueueRow(NamedTuple):
    """What one line of the queue shows: plain values, read with one Core query. A tuple: the
    template unpacks it into loop variables (no attribute lookup per cell)."""

    id: int
    reference: str
    type: str
    status: str  # for people: "in progress"
    subject_name: str
    subject_email: str
    channel: str
    language: str
    controller_id: int
    assignee_email: str | None
    due: date | None
    extended: bool
    days_left: int | None  # None when no clock runs; negative once overdue


@dataclass
class QueuePage:
    rows: list[QueueRow]
    total: int
    page: int
    pages: int
    counts: dict[str, int] = field(default_factory=dict)
    staff: list[StaffChoice] = field(default_factory=list)  # asked for with_staff


def _filtered(user: Viewer, f: QueueFilters, today: date) -> list[ColumnElement[bool]]:
    where = _keyed(user, f, _REQUEST_KEYS)
    if f.channel:
        where.append(REQUEST.c.channel == f.channel)
    if f.language:
        where.append(REQUEST.c.language == f.language)
    if f.due_within is not None:
        where.append(effective_due() <= today + timedelta(days=f.due_within))
    if f.overdue:
        where.append(effective_due() < today)
        where.append(WORKING)
    if f.extended:
        where.append(REQUEST.c.extended_due_date.is_not(None))
    if f.search:
        term = f.search.lower()
        where.append(
            or_(
                REQUEST.c.reference == f.search.upper(),
                func.lower(REQUEST.c.subject_email) == term,
                func.lower(REQUEST.c.subject_name).contains(term, autoescape=True),
            )
        )
    return where


# The assign and filter menus' staff as ("s", email, id).
_STAFF_MENU = select(
    literal_column("'s'").label("kind"),
    ASSIGNABLE.selected_columns.email.label("key"),
    ASSIGNABLE.selected_columns.id,
).where(ASSIGNABLE.whereclause)


def _counts_and_staff_statement(
    user: Viewer, f: QueueFilters, where: list[ColumnElement[bool]], with_staff: bool
) -> CompoundSelect:
    """Requests per open status under the page's filters (whatever its status filter) and, if
    asked, the assignable staff by address: one statement, one round trip on PostgreSQL.
    Rows (kind, key, number): ("n", status, count) and ("s", email, id)."""
    n = literal_column("'n'").label("kind")
    status = type_coerce(REQUEST.c.status, String).label("key")
    if _tally_serves(f):
        # The tally has every received status; unconfirmed web requests (few) come from the table.
        parts = [
            select(n, TALLY.c.status.label("key"), func.sum(TALLY.c.n).label("number"))
            .where(*_keyed(user, f, _TALLY_KEYS))
            .group_by(TALLY.c.status),
            select(n, status, func.count())
            .where(*where, REQUEST.c.status == Status.AWAITING_CONFIRMATION)
            .group_by(REQUEST.c.status),
        ]
    else:
        parts = [
            select(n, status, func.count().label("number"))
            .where(*where, OPEN)  # literal statuses: ix_request_open_status covers it
            .group_by(REQUEST.c.status)
        ]
    if with_staff:
        parts.append(_STAFF_MENU)
    return union_all(*parts).order_by("kind", "key")


def _read_counts_and_staff(
    session: Session, statement: CompoundSelect
) -> tuple[dict[Status, int], list[StaffChoice]]:
    counts: dict[Status, int] = {}
    staff: list[StaffChoice] = []
    for kind, key, number in session.execute(statement):
        if kind == "n":
            counts[Status(key)] = int(number)
        else:
            staff.append(StaffChoice(int(number), key))
    return counts, staff


def _tally_serves(f: QueueFilters) -> bool:
    """The tally knows controller, assignee, status and type: other filters need the rows."""
    return not (
        f.channel or f.language or f.due_within is not None or f.overdue or f.extended or f.search
    )


def _status_clause(f: QueueFilters) -> ColumnElement[bool] | None:
    if f.status == "open":
        return WORKING  # literal statuses: ix_request_working_due serves the page
    if f.status == "all":
        return None
    return REQUEST.c.status == Status(f.status)


def _total_from_counts(f: QueueFilters, counts: dict[Status, int]) -> int | None:
    """The page total, when the open-status counts already hold it (saves one query)."""
    if f.status == "open":
        return sum(counts.get(s, 0) for s in WORKING_STATUSES)
    if f.status != "all" and Status(f.status) in OPEN_STATUSES:
        return counts.get(Status(f.status), 0)
    return None


class _Viewer(NamedTuple):
    """What the page's statements depend on about the user: hashable, to key the cache."""

    id: int
    role: Role
    controller_ids: frozenset[int]


class _Statements(NamedTuple):
    listed: tuple[ColumnElement[bool], ...]  # the page's conditions, its status included
    counts_and_staff: CompoundSelect
    rows: Select[Any] | None  # the default view's rows (offset as a parameter); None otherwise


@lru_cache(maxsize=256)
def _statements(viewer: _Viewer, f: QueueFilters, today: date, with_staff: bool) -> _Statements:
    """The page's statements, built once per viewer, filters and day, not once per view.

    Building and keying them took about 0.15 ms of a 4.5 ms view on PostgreSQL
    (benchmarks/queue.py); a built statement keeps its cache key, so a cached one skips both.
    """
    where = _filtered(viewer, f, today)
    status_clause = _status_clause(f)
    listed = [*where, status_clause] if status_clause is not None else where
    rows = None
    if f.status == "open":  # every received request has a due date: the index gives the order
        rows = (
            _ROWS.where(*listed)
            .order_by(effective_due(), REQUEST.c.id)
            .limit(PAGE_SIZE)
            .offset(bindparam("offset"))
        )
    return _Statements(
        tuple(listed), _counts_and_staff_statement(viewer, f, where, with_staff), rows
    )


def queue_page(
    session: Session,
    user: StaffIdentity,
    f: QueueFilters,
    today: date,
    today_by_controller: Mapping[int, date] | None = None,
    with_staff: bool = False,
) -> QueuePage:
    """One page of the queue, sorted by effective due date (undated last), with status counts
    and, `with_staff`, the staff a DPO can filter by and assign to.

    `today` dates the filters; each row's days left count from its controller's local date
    (`today_by_controller`, D7), `today` for a controller not in it.
    """
    today_by_controller = today_by_controller or {}
    viewer = _Viewer(user.id, user.role, user.controller_ids)
    statements = _statements(viewer, replace(f, page=1), today, with_staff)
    listed = list(statements.listed)
    # Open statuses only: counting 100,000 closed requests on every page view buys nothing.
    counts, staff = _read_counts_and_staff(session, statements.counts_and_staff)
    total = _total_from_counts(f, counts)
    if total is None:
        total = session.execute(
            select(func.count()).select_from(REQUEST).where(*listed)
        ).scalar_one()
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(f.page, pages)
    offset = (page - 1) * PAGE_SIZE
    if statements.rows is not None:
        values = session.execute(statements.rows, {"offset": offset}).all()
    else:
        values = _undated_last(session, listed, offset)
    rows = [_row(v, today_by_controller, today) for v in values]
    return QueuePage(rows, total, page, pages, {s.value: n for s, n in counts.items()}, staff)


def _undated_last(session: Session, listed: list[ColumnElement[bool]], offset: int) -> list[Any]:
    """A page of rows in due order with the undated ones last, as two index-ordered queries.

    One query ordered by (due IS NULL, due, id) must sort every matching row: 95,000 completed
    requests took 49 ms on SQLite. Dated rows in (status, due, id) order come from
    ix_request_status_effective_due, undated ones by id; the dated ones are counted only
    when a page starts past their end.
    """
    due = effective_due()
    dated = _ROWS.where(*listed, due.is_not(None)).order_by(due, REQUEST.c.id)
    values = list(session.execute(dated.limit(PAGE_SIZE).offset(offset)).all())
    if len(values) == PAGE_SIZE:
        return values
    skip = 0
    if not values and offset:
        count = select(func.count()).select_from(REQUEST).where(*listed, due.is_not(None))
        skip = offset - session.execute(count).scalar_one()
    undated = _ROWS.where(*listed, due.is_(None)).order_by(REQUEST.c.id)
    values += session.execute(undated.limit(PAGE_SIZE - len(values)).offset(skip)).all()
    return values


# One line of the queue: its columns, the assignee's address from one outer join.
_ROWS = select(
    REQUEST.c.id,
    REQUEST.c.reference,
    type_coerce(REQUEST.c.type, String),
    type_coerce(REQUEST.c.status, String),
    REQUEST.c.subject_name,
    REQUEST.c.subject_email,
    type_coerce(REQUEST.c.channel, String),
    REQUEST.c.language,
    REQUEST.c.controller_id,
    STAFF.c.email,
    effective_due().label("due"),
    REQUEST.c.extended_due_date.is_not(None),
).select_from(REQUEST.outerjoin(STAFF, STAFF.c.id == REQUEST.c.assignee_id))


# Enum columns are read as their stored strings (type_coerce: same SQL, no enum conversion per
# cell); these turn them into what a row needs.
_STATUS_LABEL = {s.value: s.value.replace("_", " ") for s in Status}
_CLOCK_RUNNING = frozenset(s.value for s in Status if s.clock_running)


def _row(values: Any, today_by_controller: Mapping[int, date], today: date) -> QueueRow:
    (id_, reference, type_, status, name, email, channel, language, controller_id) = values[:9]
    assignee_email, due, extended = values[9:]
    left = None
    if due is not None and status in _CLOCK_RUNNING:
        left = days_left(today_by_controller.get(controller_id, today), due)
    return QueueRow(
        id=id_,
        reference=reference or "",
        type=type_,
        status=_STATUS_LABEL[status],
        subject_name=name,
        subject_email=email or "",
        channel=channel,
        language=language,
        controller_id=controller_id,
        assignee_email=assignee_email,
        due=due,
        extended=bool(extended),
        days_left=left,
    )
