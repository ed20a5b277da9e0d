"""Flask-Login glue: loading the user and checking roles on the server."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required

from dsar.extensions import db
from dsar.models import Role, StaffUser


def load_user(user_id: str) -> StaffUser | None:
    user = db.session.get(StaffUser, int(user_id)) if user_id.isdigit() else None
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
