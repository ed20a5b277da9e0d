"""The staff workspace: sign-in, queue, request detail and decisions, users, dashboard."""

from flask import Blueprint

bp = Blueprint("staff", __name__)

from dsar.web.staff import (  # noqa: E402,F401
    api_keys,
    auth_views,
    claims,
    dashboard_views,
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
