"""How long a staff session lasts: it ends after an hour without a request (idle) and twelve
hours after sign-in (absolute), whatever the cookie says; signing out ends it at once
(StaffUser.session_epoch). Copying the cookie extends none of these."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, flash, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from dsar.core.clock import now as clock_now
from dsar.web.staff import bp

SIGNED_IN_AT, SEEN_AT = "signed_in_at", "seen_at"
REFRESH_SECONDS = 60  # the cookie is rewritten at most once a minute


def start(now: datetime) -> None:
    """Called at sign-in: the session's clocks start."""
    session[SIGNED_IN_AT] = session[SEEN_AT] = int(now.timestamp())


@bp.before_request
def _end_old_sessions() -> ResponseReturnValue | None:
    if not current_user.is_authenticated or request.endpoint in ("staff.login", "static"):
        return None
    settings = current_app.config["DSAR_SETTINGS"]
    now = int(clock_now().timestamp())
    signed_in, seen = session.get(SIGNED_IN_AT), session.get(SEEN_AT)
    if not isinstance(signed_in, int) or not isinstance(seen, int):
        signed_in = seen = -(2**62)  # a session from before these clocks: ended
    too_old = now - signed_in > settings.staff_session_hours * 3600
    if too_old or now - seen > settings.staff_idle_minutes * 60:
        logout_user()
        session.clear()
        flash(_("Your session has ended: please sign in again."), "error")
        return redirect(url_for("staff.login"))
    if now - seen >= REFRESH_SECONDS:
        session[SEEN_AT] = now
    return None
