"""The dashboard's work figures: each one the number of requests that the queue lists under
one query string, in total and per controller, so that every figure links to its rows.

A figure is defined by the queue's own arguments (dsar/requests/queue.py `QueueFilters`) and
counted by the queue's own clauses: the number and the list it leads to cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from dsar.requests.models import OPEN, Request
from dsar.requests.queue import QueueFilters, figure_where
from dsar.requests.workflow import RequestType, Status


@dataclass(frozen=True)
class FigureSpec:
    key: str  # the element's id on the page
    label: str  # lazy: in the language of the page that shows it
    args: Mapping[str, str]  # the queue's query string


OPEN_WORK = FigureSpec("open-total", _l("Open requests (received, the clock running)"), {})
DUE_THIS_WEEK = FigureSpec(
    "due-this-week",
    _l("Answers owed this week: due today or in the next 6 days, still open"),
    {"due_from": "0", "due_within": "6"},
)
OVERDUE = FigureSpec(
    "overdue", _l("Overdue: the due date has passed, still open"), {"overdue": "1"}
)
NOTICE_DUE = FigureSpec(
    "notice-due",
    _l("Extensions whose notice to the subject has not been sent (Art. 12(3))"),
    {"notice_due": "1"},
)
WAITING = FigureSpec(
    "waiting",
    _l("Waiting for the subject: the e-mail confirmation or the information asked for"),
    {"status": "all", "waiting": "subject"},
)
FIGURES = (OPEN_WORK, DUE_THIS_WEEK, OVERDUE, NOTICE_DUE, WAITING)
PER_CONTROLLER = (OPEN_WORK, DUE_THIS_WEEK, OVERDUE)  # the columns of the controllers' table


@dataclass(frozen=True)
class Figure:
    spec: FigureSpec
    total: int
    by_controller: Mapping[int, int]

    def args_for(self, controller_id: int | None = None) -> dict[str, Any]:
        """The queue's query string for the figure, limited to one controller if given."""
        args: dict[str, Any] = dict(self.spec.args)
        if controller_id is not None:
            args["controller"] = controller_id
        return args


def work_figures(
    session: Session,
    visible: ColumnElement[bool],
    today_by_controller: Mapping[int, date],
    today: date,
) -> dict[str, Figure]:
    """Each figure's number among the `visible` requests, per controller and in total; dates
    in each controller's local day (`today` for one not in `today_by_controller`)."""
    figures = {}
    for spec in FIGURES:
        filters = QueueFilters.from_args(MultiDict(spec.args))
        counts = counts_by_controller(session, visible, filters, today_by_controller, today)
        figures[spec.key] = Figure(spec, sum(counts.values()), counts)
    return figures


def counts_by_controller(
    session: Session,
    visible: ColumnElement[bool],
    f: QueueFilters,
    today_by_controller: Mapping[int, date],
    today: date,
) -> dict[int, int]:
    """Per controller, the number of `visible` requests the queue lists under `f`'s status and
    figure filters (no other filter: the figures use none)."""
    where = figure_where(f, today, today_by_controller)
    rows = session.execute(
        select(Request.controller_id, func.count())
        .where(visible, *where)
        .group_by(Request.controller_id)
    ).all()
    return {controller_id: number for controller_id, number in rows}


def open_by_status_and_right(
    session: Session, visible: ColumnElement[bool]
) -> Sequence[tuple[Status, RequestType, int]]:
    """The open requests (received or not) per status and right, among the `visible` ones, in
    the order of the life cycle and of the rights."""
    rows = session.execute(
        select(Request.status, Request.type, func.count())
        .where(visible, OPEN)
        .group_by(Request.status, Request.type)
    ).all()
    statuses, rights = list(Status), list(RequestType)
    return sorted(
        ((status, kind, number) for status, kind, number in rows),
        key=lambda row: (statuses.index(row[0]), rights.index(row[1])),
    )
