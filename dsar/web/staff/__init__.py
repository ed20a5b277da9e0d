"""The staff workspace: sign-in, queue, request detail and decisions, users, dashboard."""

from flask import Blueprint
from flask_babel import refresh

bp = Blueprint("staff", __name__)
# The language is chosen afresh for each request (Flask-Babel caches it on `g`).
bp.before_request(refresh)

from dsar.web.staff import (  # noqa: E402,F401
    account_words,
    api_keys,
    auth_views,
    case_words,
    change_words,
    claims,
    dashboard_views,
    data_words,
    detail,
    erasure,
    evidence,
    export_links,
    files,
    fulfilment,
    inbox,
    intake_views,
    labels,
    language,
    letter_answer,
    letters,
    manual_findings,
    merge,
    messages,
    notices,
    processing,
    queue,
    receipts,
    rectification,
    redaction,
    representation,
    restriction,
    review,
    saved_views,
    session_life,
    step_words,
    users,
    views,
    webhooks,
)
