"""Words for the data pages (search results, review, manual sources, exports), in the page's
language: why data is left out, how a source's search ended, export kinds and why a download
link ended. Template filters; a value without words is shown as it is."""

from __future__ import annotations

from collections.abc import Mapping

from dsar.fulfilment.models import ExclusionReason
from dsar.web.page_words import _l
from dsar.web.staff import bp

# Art. 15(4): why a row or field is left out of the export.
EXCLUSION_REASONS = {
    ExclusionReason.THIRD_PARTY: _l("Personal data of another person"),
    ExclusionReason.CONFIDENTIAL: _l("Another person's confidential communication"),
    ExclusionReason.INTELLECTUAL_PROPERTY: _l("Trade secrets or intellectual property"),
    ExclusionReason.NOT_SUBJECT: _l("Not about the requester (wrongly matched)"),
    ExclusionReason.OTHER: _l("Other (say which right it protects)"),
}
FINDINGS = {
    "found": _l("found"),
    "unreachable": _l("unreachable"),
    "mismatch": _l("register does not match"),
    "manual": _l("manual source"),
}
EXPORT_KINDS = {"access": _l("access (Art. 15)"), "portability": _l("portability (Art. 20)")}
LINK_ENDS = {
    "superseded": _l("a newer export was built"),
    "withdrawn": _l("the request was withdrawn"),
    "refused": _l("the request was refused"),
    "identity_failed": _l("the identity could not be established"),
    "merged": _l("the request was merged into another"),
    "staff": _l("revoked by staff"),
}
CLAIM_METHODS = {
    "row_carries_email": _l("the record carries the e-mail address"),
    "document_compared": _l("document compared"),
    "code_to_contact_on_file": _l("a code sent to the e-mail on file"),
}


def _word(table: Mapping[str, object], value: object) -> str:
    key = str(getattr(value, "value", value))
    return str(table.get(key, key.replace("_", " ")))


@bp.app_template_filter("finding_words")
def finding_words(value: object) -> str:
    """How the search of one table or file ended."""
    return _word(FINDINGS, value)


@bp.app_template_filter("export_kind")
def export_kind(value: object) -> str:
    """What an export is for: access or portability."""
    return _word(EXPORT_KINDS, value)


@bp.app_template_filter("link_end")
def link_end(value: object) -> str:
    """Why a download link ended."""
    return _word(LINK_ENDS, value)


@bp.app_template_filter("claim_method")
def claim_method(value: object) -> str:
    """How a typed lookup key was verified."""
    return _word(CLAIM_METHODS, value)
