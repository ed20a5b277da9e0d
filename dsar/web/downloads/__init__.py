"""Public delivery of exports: the subject downloads with a secret, expiring link."""

from flask import Blueprint

bp = Blueprint("downloads", __name__)

from dsar.web.downloads import views  # noqa: E402,F401
