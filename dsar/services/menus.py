"""Staff members and controllers as the staff menus show them: plain tuples, no ORM objects,
and the statements that read them (pages put them into their own statements)."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import select

from dsar.legal_calendar import Jurisdiction
from dsar.models import REQUEST_WORKERS, Controller, StaffUser
from dsar.services.requests import jurisdiction_of


class StaffChoice(NamedTuple):
    id: int
    email: str


class ControllerChoice(NamedTuple):
    """A controller as the queue and the intake menus show it, with what dates its days."""

    id: int
    name: str
    country: str
    subdivision: str | None
    timezone: str

    @property
    def jurisdiction(self) -> Jurisdiction:
        return jurisdiction_of(self)


_STAFF, _CONTROLLER = StaffUser.__table__, Controller.__table__
# Who can be given a request: active request workers.
ASSIGNABLE = select(_STAFF.c.id, _STAFF.c.email).where(
    _STAFF.c.active.is_(True), _STAFF.c.role.in_(REQUEST_WORKERS)
)
CONTROLLER_COLUMNS = (
    _CONTROLLER.c.id,
    _CONTROLLER.c.name,
    _CONTROLLER.c.country,
    _CONTROLLER.c.subdivision,
    _CONTROLLER.c.timezone,
)
