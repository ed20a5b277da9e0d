"""The public pages data subjects use."""

from flask import Blueprint

from dsar.web.intake.language import speaks_visitor_language

bp = Blueprint("intake", __name__)
speaks_visitor_language(bp)

from dsar.web.intake import confirm_views, signing_key, status_views, views  # noqa: E402,F401
