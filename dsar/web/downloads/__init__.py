"""Public delivery of exports: the subject downloads with a secret, expiring link."""

from flask import Blueprint

from dsar.web.intake.language import speaks_visitor_language

bp = Blueprint("downloads", __name__)
speaks_visitor_language(bp)

from dsar.web.downloads import views  # noqa: E402,F401
