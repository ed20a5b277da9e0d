"""Which day it is for a controller (D7) and how many days a request has left: one rule for the
staff pages, the deadline operations and the jobs.

Callers read the clock once and pass `now`; the date of a controller is its time zone's date at
that instant, so a request received on Monday evening in Berlin is not counted from Tuesday in UTC.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.controllers.models import Controller
from dsar.requests.deadlines.legal_calendar import date_in, local_date
from dsar.requests.deadlines.rules import days_left
from dsar.requests.models import Request
from dsar.requests.operations import jurisdiction_of
from dsar.requests.workflow import Status


def today_of(controller: Controller, now: datetime) -> date:
    """The controller's local date at `now` (D7)."""
    return local_date(now, jurisdiction_of(controller))


def days_left_while_running(today: date, due: date | None, status: Status) -> int | None:
    """Calendar days to `due` (negative once overdue) while the clock runs, else None."""
    if due is None or not status.clock_running:
        return None
    return days_left(today, due)


class LocalToday:
    """Each controller's local date at `now`, computed once per controller per page."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self._days: dict[int, date] = {}

    def of(self, controller: Controller | None) -> date:
        """The controller's date; with no controller at all, the date in UTC."""
        if controller is None:
            return self.now.date()
        if controller.id not in self._days:
            self._days[controller.id] = today_of(controller, self.now)
        return self._days[controller.id]

    def days_left(self, request: Request) -> int | None:
        """The request's days left from its controller's date; None when no clock runs."""
        return days_left_while_running(
            self.of(request.controller), request.effective_due_date, request.status
        )


def today_by_controller(session: Session, now: datetime) -> dict[int, date]:
    """Every controller's local date at `now`, by id (the jobs' sweeps over all requests)."""
    rows = session.execute(select(Controller.id, Controller.timezone)).all()
    return {controller_id: date_in(now, timezone) for controller_id, timezone in rows}
