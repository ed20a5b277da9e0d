"""Flask-Login glue: loading the user and checking roles on the server."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from dsar.extensions import db
from dsar.models import Request, Role, StaffUser


def load_user(user_id: str) -> StaffUser | None:
    if not user_id.isdigit():
        return None
    # Every staff page reads the user's controllers (visibility): load them in the same query.
    options = [joinedload(StaffUser.controllers)]
    user = db.session.get(StaffUser, int(user_id), options=options)
    return user if user is not None and user.active else None


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


def staff_user() -> StaffUser:
    """The signed-in staff member, typed (call only behind roles_required)."""
    return current_user._get_current_object()  # type: ignore[no-any-return]


def visible_request(request_id: int) -> Request:
    """The request if the signed-in user may open it; 404 otherwise, so a URL reveals nothing."""
    from dsar.services.queue import can_see

    # Pages show the controller and the assignee: one query with the request.
    options = [joinedload(Request.controller), joinedload(Request.assignee)]
    request = db.session.get(Request, request_id, options=options)
    if request is None or not can_see(staff_user(), request):
        abort(404, "There is no request with this number that you may open.")
    return request
