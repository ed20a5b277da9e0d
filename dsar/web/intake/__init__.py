"""The public pages data subjects use."""

from flask import Blueprint

bp = Blueprint("intake", __name__)

from dsar.web.intake import confirm_views, status_views, views  # noqa: E402,F401
