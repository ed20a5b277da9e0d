"""Secret, expiring public links: the subject's export download, a system owner's upload."""

from flask import Blueprint

from dsar.web.intake.language import speaks_visitor_language

bp = Blueprint("downloads", __name__)
speaks_visitor_language(bp)

from dsar.web.downloads import extracts, views  # noqa: E402,F401
