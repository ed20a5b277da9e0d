"""Small helpers the staff views share: the controller's local today, the clock settings, the
controllers a member works for."""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from sqlalchemy import select

from dsar.accounts.models import StaffUser
from dsar.controllers.models import Controller
from dsar.extensions import db
from dsar.requests.deadlines.legal_calendar import local_date
from dsar.requests.deadlines.operations import ClockSettings
from dsar.requests.deadlines.rules import days_left
from dsar.requests.models import Request
from dsar.requests.operations import jurisdiction_of


def workable_controllers(user: StaffUser) -> list[Controller]:
    """The controllers `user` works for, by name: their own, or every controller if not limited."""
    own = sorted(user.controllers, key=lambda c: c.name)
    return own or list(db.session.scalars(select(Controller).order_by(Controller.name)))


def clock_settings() -> ClockSettings:
    return ClockSettings.from_settings(current_app.config["DSAR_SETTINGS"])


def secret_key() -> str:
    """The app's secret key: it keys the hashes of e-mail addresses in the sign-in throttle."""
    return str(current_app.config["DSAR_SETTINGS"].secret_key)


class LocalToday:
    """Each controller's local date at `now` (D7), computed once per controller per page."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self._days: dict[int, date] = {}

    def of(self, controller: Controller) -> date:
        if controller.id not in self._days:
            self._days[controller.id] = local_date(self.now, jurisdiction_of(controller))
        return self._days[controller.id]

    def days_left(self, request: Request) -> int | None:
        due = request.effective_due_date
        if due is None or not request.status.clock_running:
            return None
        return days_left(self.of(request.controller), due)
