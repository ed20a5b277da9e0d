"""The public pages data subjects use."""

from flask import Blueprint

bp = Blueprint("intake", __name__)

from dsar.intake import views  # noqa: E402,F401
