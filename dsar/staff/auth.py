"""Flask-Login glue: loading the signed-in staff member and checking roles on the server.

Every staff page loads the signed-in member; most only read. So the loader reads one Core row
per controller (the member and the controllers they work for, in one query) into `SignedIn`:
0.03 ms where an ORM StaffUser with its controllers took 0.17 ms (SQLite, benchmarks/queue.py).
Pages that write take the ORM object from `staff_user()`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import abort
from flask_login import UserMixin, current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from dsar.extensions import db
from dsar.models import Controller, Request, Role, StaffIdentity, StaffUser, staff_controller
from dsar.staff.choices import ControllerChoice


@dataclass(frozen=True, eq=False)
class SignedIn(UserMixin):
    """The signed-in staff member as pages read it: no ORM object, no lazy loads."""

    id: int
    email: str
    name: str
    role: Role
    controllers: tuple[ControllerChoice, ...]  # the ones they work for; empty: all

    @property
    def controller_ids(self) -> frozenset[int]:
        return frozenset(c.id for c in self.controllers)

    def may_work_for(self, controller_id: int) -> bool:
        return not self.controllers or controller_id in self.controller_ids


_STAFF, _CONTROLLER = StaffUser.__table__, Controller.__table__
_SIGNED_IN = select(
    _STAFF.c.email,
    _STAFF.c.name,
    _STAFF.c.role,
    _CONTROLLER.c.id,
    _CONTROLLER.c.name,
    _CONTROLLER.c.country,
    _CONTROLLER.c.subdivision,
    _CONTROLLER.c.timezone,
).select_from(
    _STAFF.outerjoin(staff_controller, staff_controller.c.staff_id == _STAFF.c.id).outerjoin(
        _CONTROLLER, _CONTROLLER.c.id == staff_controller.c.controller_id
    )
)


def load_user(user_id: str) -> SignedIn | None:
    """The active staff member with this id, with their controllers by name; None otherwise."""
    if not user_id.isdigit():
        return None
    rows = db.session.execute(
        _SIGNED_IN.where(_STAFF.c.id == int(user_id), _STAFF.c.active.is_(True))
    ).all()
    if not rows:
        return None
    email, name, role = rows[0][:3]
    controllers = sorted(
        (ControllerChoice(*row[3:]) for row in rows if row[3] is not None), key=lambda c: c.name
    )
    return SignedIn(int(user_id), email, name, role, tuple(controllers))


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
REQUEST_WORKERS = (Role.AGENT, Role.DPO)  # admins do not read requests (README, staff)
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


def visible_request(request_id: int) -> Request:
    """The request if the signed-in user may open it; 404 otherwise, so a URL reveals nothing."""
    from dsar.services.queue import can_see

    # Pages show the controller and the assignee: one query with the request.
    options = [joinedload(Request.controller), joinedload(Request.assignee)]
    request = db.session.get(Request, request_id, options=options)
    if request is None or not can_see(signed_in(), request):
        abort(404, "There is no request with this number that you may open.")
    return request
