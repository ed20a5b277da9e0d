"""The staff queue: the filtered and sorted page of requests and its counts per open status.

Plain queries, built for each page view: the rows with their assignee's address (one query),
the counts per open status (a GROUP BY on the partial index of open requests) and, for other
status filters than the open ones, the total. Who sees which requests: services/permissions.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from dsar.accounts.models import StaffUser
from dsar.requests.deadlines.today import days_left_while_running
from dsar.requests.models import OPEN, WORKING, Request
from dsar.requests.permissions import visible_to
from dsar.requests.queue_clauses import extension_notice_due, in_local_days, waiting_for_subject
from dsar.requests.repeats import duplicated_rows
from dsar.requests.workflow import OPEN_STATUSES, Channel, RequestType, Status

PAGE_SIZE = 50
# The default view: received and still open, so every row has a due date.
WORKING_STATUSES = tuple(s for s in Status if s.clock_running)


def effective_due() -> ColumnElement[Any]:
    """SQL for Request.effective_due_date: the extended date once extended."""
    return func.coalesce(Request.extended_due_date, Request.due_date)


def overdue(today: date) -> tuple[ColumnElement[bool], ...]:
    """SQL for a request whose clock runs and whose effective due date is before `today`."""
    return (effective_due() < today, WORKING)


# The query parameters `QueueFilters.from_args` reads (saved views keep these and no others).
FILTER_KEYS = (
    "q", "status", "type", "assignee", "channel", "language", "controller", "due_within",
    "due_from", "overdue", "extended", "notice_due", "waiting",
)  # fmt: skip


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
    due_from: int | None = None  # days from today: with due_within, "due this week"
    waiting: bool = False  # waiting=subject: for the subject's confirmation or information
    notice_due: bool = False  # extended, and the extension's notice not sent yet

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
            due_from=_bounded(args.get("due_from", type=int), 0, 3650),
            waiting=args.get("waiting") == "subject",
            notice_due=args.get("notice_due") == "1",
        )


def _bounded(value: int | None, low: int, high: int) -> int | None:
    return None if value is None else min(max(value, low), high)


@dataclass
class QueuePage:
    rows: Sequence[Row[Any]]  # named as in ROW_COLUMNS: row.reference, row.due, ...
    total: int
    page: int
    pages: int
    counts: dict[str, int] = field(default_factory=dict)  # per open status value
    days_left: dict[int, int | None] = field(default_factory=dict)  # by request id; None: no clock
    # Rows another open request of the same subject and right shares (dsar/requests/repeats.py).
    possible_duplicates: set[int] = field(default_factory=set)


# What one line of the queue shows, the assignee's address from an outer join.
ROW_COLUMNS = (
    Request.id,
    Request.reference,
    Request.type,
    Request.status,
    Request.subject_name,
    Request.subject_email,
    Request.channel,
    Request.language,
    Request.controller_id,
    Request.extended_due_date,
    effective_due().label("due"),
    StaffUser.email.label("assignee_email"),
)


def _filtered(user: StaffUser, f: QueueFilters) -> list[ColumnElement[bool]]:
    """Visibility and every filter but the status and the dated ones (`_figure_clauses`)."""
    where = [visible_to(user)]
    if f.type:
        where.append(Request.type == f.type)
    if f.controller_id:
        where.append(Request.controller_id == f.controller_id)
    if f.assignee == "me":
        where.append(Request.assignee_id == user.id)
    elif f.assignee == "none":
        where.append(Request.assignee_id.is_(None))
    elif f.assignee.isdigit():
        where.append(Request.assignee_id == (int(f.assignee) or -1))  # no staff id is 0
    if f.channel:
        where.append(Request.channel == f.channel)
    if f.language:
        where.append(Request.language == f.language)
    if f.extended:
        where.append(Request.extended_due_date.is_not(None))
    if f.search:
        where.append(matches(f.search))
    return where


def matches(term: str) -> ColumnElement[bool]:
    """SQL: any part of the reference, name or e-mail address, case-insensitive: a plain
    ILIKE '%term%' (SQLite: lower() LIKE lower()), with LIKE's own `%` and `_` in `term` escaped.
    No index serves it; its cost at 100,000 requests is in BENCHMARKS.md."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = "%" + escaped + "%"
    return or_(
        *(
            column.ilike(pattern, escape="\\")
            for column in (Request.reference, Request.subject_name, Request.subject_email)
        )
    )


def _status_clause(f: QueueFilters) -> ColumnElement[bool] | None:
    if f.status == "open":
        return WORKING  # literal statuses: ix_request_working_due serves the page
    if f.status == "all":
        return None
    return Request.status == Status(f.status)


def _counts(session: Session, where: list[ColumnElement[bool]]) -> dict[Status, int]:
    """Requests per open status under the page's filters, whatever its status filter."""
    rows = session.execute(
        select(Request.status, func.count())
        .where(*where, OPEN)  # literal statuses: ix_request_open_status covers it
        .group_by(Request.status)
    ).all()
    return {status: number for status, number in rows}


def queue_page(
    session: Session,
    user: StaffUser,
    f: QueueFilters,
    today: date,
    today_by_controller: Mapping[int, date] | None = None,
) -> QueuePage:
    """One page of the queue, sorted by effective due date (undated last), with status counts.

    `today` dates the filters; each row's days left count from its controller's local date
    (`today_by_controller`, D7), `today` for a controller not in it.
    """
    today_by_controller = today_by_controller or {}
    where = _where(user, f, today, today_by_controller)
    status_clause = _status_clause(f)
    listed = where if status_clause is None else [*where, status_clause]
    counts = _counts(session, where)
    if f.status == "open":
        total = sum(counts.get(s, 0) for s in WORKING_STATUSES)
    elif f.status != "all" and Status(f.status) in OPEN_STATUSES:
        total = counts.get(Status(f.status), 0)
    else:  # closed statuses are not counted above
        count = select(func.count()).select_from(Request).where(*listed)
        total = session.execute(count).scalar_one()
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(f.page, pages)
    offset = (page - 1) * PAGE_SIZE
    if f.status == "open":  # every received request has a due date: the index gives the order
        rows = session.execute(
            _rows(listed).order_by(effective_due(), Request.id).limit(PAGE_SIZE).offset(offset)
        ).all()
    else:
        rows = _undated_last(session, listed, offset)
    left = {
        row.id: days_left_while_running(
            today_by_controller.get(row.controller_id, today), row.due, row.status
        )
        for row in rows
    }
    twins = duplicated_rows(session, [row.id for row in rows if row.status.is_open])
    by_status = {s.value: n for s, n in counts.items()}
    return QueuePage(rows, total, page, pages, by_status, left, twins)


def _where(
    user: StaffUser, f: QueueFilters, today: date, today_by_controller: Mapping[int, date]
) -> list[ColumnElement[bool]]:
    """`_filtered`, with the dates in each controller's local day, and the dashboard's filters."""
    return [*_filtered(user, f), *_figure_clauses(f, today, today_by_controller)]


def _figure_clauses(
    f: QueueFilters, today: date, today_by_controller: Mapping[int, date]
) -> list[ColumnElement[bool]]:
    """The due dates, overdue, waiting and notice filters, each date the controller's own."""

    def on(day: date) -> ColumnElement[bool]:
        clauses: list[ColumnElement[bool]] = []
        if f.due_from is not None:
            clauses.append(effective_due() >= day + timedelta(days=f.due_from))
        if f.due_within is not None:
            clauses.append(effective_due() <= day + timedelta(days=f.due_within))
        if f.overdue:
            clauses.extend(overdue(day))
        return and_(*clauses)

    where = []
    if f.due_from is not None or f.due_within is not None or f.overdue:
        where.append(in_local_days(on, today, today_by_controller))
    if f.waiting:
        where.append(waiting_for_subject())
    if f.notice_due:
        where.append(extension_notice_due())
    return where


def figure_where(
    f: QueueFilters, today: date, today_by_controller: Mapping[int, date]
) -> list[ColumnElement[bool]]:
    """The queue's clauses for `f`'s status and its dated, waiting and notice filters, without
    visibility or the other filters: what the dashboard counts (requests/dashboard_figures.py)."""
    status_clause = _status_clause(f)
    dated = _figure_clauses(f, today, today_by_controller)
    return dated if status_clause is None else [*dated, status_clause]


def _rows(where: list[ColumnElement[bool]]) -> Select[Any]:
    """The queue's lines under `where`, unordered."""
    return (
        select(*ROW_COLUMNS).outerjoin(StaffUser, StaffUser.id == Request.assignee_id).where(*where)
    )


def _undated_last(
    session: Session, listed: list[ColumnElement[bool]], offset: int
) -> list[Row[Any]]:
    """A page of rows in due order with the undated ones last, as two index-ordered queries.

    One query ordered by (due IS NULL, due, id) must sort every matching row: 95,000 completed
    requests took 49 ms on SQLite. Dated rows in (status, due, id) order come from
    ix_request_status_effective_due, undated ones by id; the dated ones are counted only
    when a page starts past their end.
    """
    due = effective_due()
    dated = _rows([*listed, due.is_not(None)]).order_by(due, Request.id)
    rows = list(session.execute(dated.limit(PAGE_SIZE).offset(offset)).all())
    if len(rows) == PAGE_SIZE:
        return rows
    skip = 0
    if not rows and offset:
        count = select(func.count()).select_from(Request).where(*listed, due.is_not(None))
        skip = offset - session.execute(count).scalar_one()
    undated = _rows([*listed, due.is_(None)]).order_by(Request.id)
    rows += session.execute(undated.limit(PAGE_SIZE - len(rows)).offset(skip)).all()
    return rows
