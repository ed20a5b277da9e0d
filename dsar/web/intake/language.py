"""Which language a public page speaks: ?lang= (kept in the session), else the browser's
preference."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, has_request_context, request, session
from flask_babel import get_locale, refresh

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


def language() -> str:
    """The language the current page speaks."""
    return str(get_locale() or "en")


def _page_language() -> dict[str, Any]:
    return {"lang": language()}


def speaks_visitor_language(bp: Blueprint) -> None:
    """Make a public blueprint choose the visitor's language afresh for each request and give
    its templates `lang`."""
    # Flask-Babel caches the locale on `g`; an app context shared by several requests (tests,
    # CLI) would otherwise keep the first request's language.
    bp.before_request(refresh)
    bp.context_processor(_page_language)
