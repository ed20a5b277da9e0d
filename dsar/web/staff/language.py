"""Which language a staff page speaks: the signed-in member's stored language; before they
have one (and on the sign-in pages), the public pages' choice: ?lang=, the session, the
browser. The first sign-in stores the page's language, so reminders and digests follow it;
the switch in the navigation stores the member's choice."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from flask import has_request_context, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from dsar.accounts.language import choose_language
from dsar.accounts.models import StaffUser
from dsar.core.clock import now as clock_now
from dsar.core.i18n import LANGUAGES
from dsar.extensions import db
from dsar.requests.permissions import ANY_STAFF
from dsar.web.intake import language as public
from dsar.web.staff import bp
from dsar.web.staff.auth import roles_required

public.speaks_visitor_language(bp)  # a fresh choice for every request; `lang` for <html lang>


def stored_language() -> str | None:
    """The signed-in staff member's language on a staff page; None elsewhere or before a choice."""
    if request.blueprint != "staff" or not current_user.is_authenticated:
        return None
    chosen = current_user.language
    return chosen if chosen in LANGUAGES else None


def select_locale() -> str:
    """Flask-Babel's locale selector for the whole app: the staff member's language on staff
    pages, else the public choice (switch, session, browser)."""
    if has_request_context():
        return stored_language() or public.select_locale()
    return public.select_locale()


def remember_at_sign_in(user: StaffUser, now: datetime) -> None:
    """At sign-in: a member without a language gets the sign-in page's (the browser's best
    match, or what they switched to there)."""
    if user.language is None:
        choose_language(db.session(), user, public.language(), now=now, actor=user.email)


def _back(referrer: str | None) -> str:
    """Where the switch returns to: the page it was on (the Referer, same origin by the
    Referrer-Policy), else the staff start page; never another site."""
    parts = urlsplit(referrer or "")
    if parts.netloc != request.host or not parts.path.startswith("/"):
        return url_for("staff.home")
    return parts.path + (f"?{parts.query}" if parts.query else "")


@bp.post("/language")
@roles_required(*ANY_STAFF)
def set_language() -> ResponseReturnValue:
    """The switch: store the member's language and return to the page they were on."""
    choose_language(
        db.session(),
        current_user._get_current_object(),
        request.form.get("language", ""),
        now=clock_now(),
        actor=current_user.email,
    )
    return redirect(_back(request.referrer), 303)
