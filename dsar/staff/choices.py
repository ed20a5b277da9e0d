"""Staff members and controllers as the staff menus show them: plain tuples, no ORM objects."""

from __future__ import annotations

from typing import NamedTuple

from dsar.deadlines import Jurisdiction
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
