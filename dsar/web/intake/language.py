"""Which language a page speaks: ?lang= (kept in the session), else the browser's preference."""

from __future__ import annotations

from flask import has_request_context, request, session

from dsar.core.i18n import DEFAULT_LANGUAGE, LANGUAGES

SESSION_KEY = "lang"


def chosen_language() -> str | None:
    """The language the visitor picked with the switch (?lang=de), remembered in the session."""
    picked = request.args.get("lang", "")
    if picked in LANGUAGES:
        if session.get(SESSION_KEY) != picked:
            session[SESSION_KEY] = picked
        return picked
    stored = session.get(SESSION_KEY)
    return stored if stored in LANGUAGES else None


def select_locale() -> str:
    """Flask-Babel's locale selector: the switch wins over Accept-Language."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    return chosen_language() or request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE
