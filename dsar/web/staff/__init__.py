"""The staff workspace: sign-in, queue, request detail and decisions, users, dashboard."""

from flask import Blueprint
from flask_babel import refresh

bp = Blueprint("staff", __name__)
bp.before_request(refresh)  # the language afresh for each request (dsar/web/intake/language.py)

from dsar.web.staff import (  # noqa: E402,F401
    auth_views,
    case_words,
    claims,
    dashboard_views,
    data_words,
    detail,
    erasure,
    export_links,
    files,
    fulfilment,
    intake_views,
    labels,
    letter_answer,
    letters,
    manual_findings,
    notices,
    processing,
    queue,
    rectification,
    restriction,
    review,
    saved_views,
    session_life,
    users,
    views,
)
