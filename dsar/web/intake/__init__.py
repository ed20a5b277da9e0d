"""The public pages data subjects use."""

from flask import Blueprint

from dsar.web.intake.language import speaks_visitor_language

bp = Blueprint("intake", __name__)
speaks_visitor_language(bp)

from dsar.web.intake import (  # noqa: E402,F401
    confirm_views,
    message_views,
    signing_key,
    status_views,
    verify_views,
    views,
)
