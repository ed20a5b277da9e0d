"""Flask-Login glue: loading the signed-in staff member and checking roles on the server.

`current_user` is the signed-in member's StaffUser, loaded with the controllers they work for
in the same query. What each role may do is in dsar/requests/permissions.py.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask import request as flask_request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from dsar.accounts.models import Role, StaffUser
from dsar.extensions import db
from dsar.requests.models import Request
from dsar.requests.permissions import can_see
from dsar.web.transaction import SAFE_METHODS


def load_user(session_id: str) -> StaffUser | None:
    """The active staff member of this session id ("id.epoch", `StaffUser.get_id`), with their
    controllers; None when the id is malformed or its epoch has ended (signed out since)."""
    user_id, _dot, epoch = session_id.partition(".")
    if not (user_id.isdigit() and epoch.isdigit()) or len(session_id) > 40:
        return None
    return (
        db.session.execute(
            select(StaffUser)
            .options(joinedload(StaffUser.controllers))
            .where(
                StaffUser.id == int(user_id),
                StaffUser.session_epoch == int(epoch),
                StaffUser.active.is_(True),
            )
        )
        .unique()
        .scalar_one_or_none()
    )


def roles_required(*roles: Role) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Refuse with 403 unless the logged-in user has one of `roles`; anonymous users log in."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403, _("Your role does not allow this."))
            return view(*args, **kwargs)

        return wrapped

    return decorator


def visible_request(request_id: int) -> Request:
    """The request if the signed-in user may open it; 404 otherwise, so a URL reveals nothing.

    A step (POST) locks the request's row until its commit, before anything else: two steps on
    one request at the same moment queue (PostgreSQL; SQLite has one writer at a time anyway),
    and the later one reads what the earlier committed, its trail's head included.
    """
    query = (
        select(Request)
        # what every case page reads: the representation too (its gates, its panel)
        .options(
            joinedload(Request.controller),
            joinedload(Request.assignee),
            joinedload(Request.representation),
        )
        .where(Request.id == request_id)
    )
    if flask_request.method not in SAFE_METHODS:
        query = query.with_for_update(of=Request)
    found = db.session.execute(query).scalar_one_or_none()
    if found is None or not can_see(current_user, found):
        abort(404, _("There is no request with this number that you may open."))
    return found
