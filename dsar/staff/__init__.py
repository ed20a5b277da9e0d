"""The staff workspace."""

from flask import Blueprint

bp = Blueprint("staff", __name__)

from dsar.staff import views  # noqa: E402,F401
