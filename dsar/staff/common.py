"""Small helpers the staff views share: the controller's local today, the clock settings, the
people a request can be assigned to."""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from sqlalchemy import literal, null, select, union_all

from dsar.deadlines import days_left, local_date
from dsar.extensions import db
from dsar.models import Controller, Request, StaffIdentity, StaffUser
from dsar.services.deadlines import ClockSettings
from dsar.services.requests import jurisdiction_of
from dsar.staff.auth import REQUEST_WORKERS, SignedIn
from dsar.staff.choices import ControllerChoice, StaffChoice

_STAFF = StaffUser.__table__
_ASSIGNABLE = (
    select(_STAFF.c.id, _STAFF.c.email)
    .where(_STAFF.c.active.is_(True), _STAFF.c.role.in_(REQUEST_WORKERS))
    .order_by(_STAFF.c.email)
)


def assignable_staff() -> list[StaffChoice]:
    """Everyone who can be given a request, for the DPO's assign menus: two columns, no objects."""
    return [StaffChoice(*row) for row in db.session.execute(_ASSIGNABLE)]


_CONTROLLER = Controller.__table__
_ALL_CONTROLLERS = select(
    _CONTROLLER.c.id,
    _CONTROLLER.c.name,
    _CONTROLLER.c.country,
    _CONTROLLER.c.subdivision,
    _CONTROLLER.c.timezone,
).order_by(_CONTROLLER.c.name)


def workable_controllers(user: StaffIdentity) -> list[ControllerChoice]:
    """The controllers `user` works for, by name: their own list (loaded with them), or all."""
    return workable_controllers_of(user) or [
        ControllerChoice(*row) for row in db.session.execute(_ALL_CONTROLLERS)
    ]


def workable_controllers_of(user: StaffIdentity) -> list[ControllerChoice]:
    """The controllers `user` is limited to, by name; empty when they work for all."""
    if isinstance(user, SignedIn):
        return list(user.controllers)
    return sorted(
        (
            ControllerChoice(c.id, c.name, c.country, c.subdivision, c.timezone)
            for c in user.controllers  # type: ignore[attr-defined]
        ),
        key=lambda c: c.name,
    )


# Both of a DPO's queue menus in one statement (one round trip on PostgreSQL): controllers
# as ("c", id, name, country, subdivision, timezone), assignable staff as ("s", id, email).
_BOTH_MENUS = union_all(
    select(literal("c").label("kind"), *_ALL_CONTROLLERS.selected_columns),
    select(literal("s").label("kind"), _STAFF.c.id, _STAFF.c.email, null(), null(), null()).where(
        _ASSIGNABLE.whereclause
    ),
).order_by("kind", "name")


def queue_menus(
    user: StaffIdentity, with_staff: bool
) -> tuple[list[ControllerChoice], list[StaffChoice]]:
    """The queue's controllers (`workable_controllers`) and, for DPOs, the assignable staff,
    in as few statements as the user needs."""
    if not with_staff:
        return workable_controllers(user), []
    mine = workable_controllers_of(user)
    if mine:
        return mine, assignable_staff()
    controllers: list[ControllerChoice] = []
    staff: list[StaffChoice] = []
    for kind, *values in db.session.execute(_BOTH_MENUS):
        if kind == "c":
            controllers.append(ControllerChoice(*values))
        else:
            staff.append(StaffChoice(*values[:2]))
    return controllers, staff


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
