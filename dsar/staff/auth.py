"""Flask-Login glue: loading the signed-in staff member and checking roles on the server.

Every staff page loads the signed-in member; most only read. So the loader reads one Core row
per controller (the member and the controllers they work for, in one query) into `SignedIn`:
0.03 ms where an ORM StaffUser with its controllers took 0.17 ms (SQLite, benchmarks/queue.py).
A member who works for every controller gets every controller's row from the same query, so
the pages' controller menus cost no query of their own. Pages that write take the ORM object
from `staff_user()`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import abort
from flask_login import UserMixin, current_user, login_required
from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import joinedload

from dsar.extensions import db
from dsar.models import Controller, Request, Role, StaffIdentity, StaffUser, staff_controller
from dsar.services.menus import CONTROLLER_COLUMNS, ControllerChoice


@dataclass(frozen=True, eq=False)
class SignedIn(UserMixin):
    """The signed-in staff member as pages read it: no ORM object, no lazy loads."""

    id: int
    email: str
    name: str
    role: Role
    controllers: tuple[ControllerChoice, ...]  # the ones they may work for, by name
    restricted: bool  # to those; otherwise `controllers` is every controller

    @property
    def controller_ids(self) -> frozenset[int]:
        """The controllers they are restricted to; empty: every controller (StaffIdentity)."""
        return frozenset(c.id for c in self.controllers) if self.restricted else frozenset()

    def may_work_for(self, controller_id: int) -> bool:
        return not self.restricted or controller_id in self.controller_ids


_STAFF, _CONTROLLER = StaffUser.__table__, Controller.__table__
_LINKED = staff_controller.c.controller_id
# A member linked to no controller (one row with a NULL link) is joined to every controller.
# Built once with a parameter for the id: every staff page runs it, so building and keying
# the statement per request would be spent again and again.
_SIGNED_IN = (
    select(_STAFF.c.email, _STAFF.c.name, _STAFF.c.role, _LINKED.is_not(None), *CONTROLLER_COLUMNS)
    .select_from(
        _STAFF.outerjoin(staff_controller, staff_controller.c.staff_id == _STAFF.c.id).outerjoin(
            _CONTROLLER, or_(_CONTROLLER.c.id == _LINKED, _LINKED.is_(None))
        )
    )
    .where(_STAFF.c.id == bindparam("staff_id"), _STAFF.c.active.is_(True))
)


def load_user(user_id: str) -> SignedIn | None:
    """The active staff member with this id, with their controllers by name; None otherwise."""
    if not user_id.isdigit():
        return None
    rows = db.session.execute(_SIGNED_IN, {"staff_id": int(user_id)}).all()
    if not rows:
        return None
    email, name, role, restricted = rows[0][:4]
    controllers = sorted(
        (ControllerChoice(*row[4:]) for row in rows if row[4] is not None), key=lambda c: c.name
    )
    return SignedIn(int(user_id), email, name, role, tuple(controllers), bool(restricted))


def roles_required(*roles: Role) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Refuse with 403 unless the logged-in user has one of `roles`; anonymous users log in."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403, "Your role does not allow this.")
            return view(*args, **kwargs)

        return wrapped

    return decorator


ANY_STAFF = (Role.AGENT, Role.DPO, Role.ADMIN)
MANAGERS = (Role.DPO, Role.ADMIN)  # the register export: no subjects' names in it


def signed_in() -> StaffIdentity:
    """The signed-in staff member, for reading and permission checks (behind roles_required)."""
    return current_user._get_current_object()  # type: ignore[no-any-return]


def staff_user() -> StaffUser:
    """The signed-in staff member as an ORM object, for services that write (one query)."""
    user = current_user._get_current_object()
    if isinstance(user, StaffUser):  # the request that signed in holds the object itself
        return user
    found = db.session.get(StaffUser, user.id, options=[joinedload(StaffUser.controllers)])
    if found is None or not found.active:
        abort(403, "Your account is no longer active.")
    return found


# The request with the controller and the assignee that pages show: one query, built once.
_VISIBLE_REQUEST = (
    select(Request)
    .options(joinedload(Request.controller), joinedload(Request.assignee))
    .where(Request.id == bindparam("request_id"))
)


def visible_request(request_id: int) -> Request:
    """The request if the signed-in user may open it; 404 otherwise, so a URL reveals nothing."""
    from dsar.services.queue import can_see

    found = db.session.execute(_VISIBLE_REQUEST, {"request_id": request_id}).scalar_one_or_none()
    if found is None or not can_see(signed_in(), found):
        abort(404, "There is no request with this number that you may open.")
    return found
