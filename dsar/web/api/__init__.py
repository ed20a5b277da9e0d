"""The JSON API for a controller's own systems, /api/v1 (docs/api.md): keys, not cookies."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from dsar.web.api import case_views, docs, request_views, webhook_views  # noqa: E402,F401
