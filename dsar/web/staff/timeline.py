"""The case page's timeline as sentences: each recorded action in words where a label exists (the
raw action name otherwise), its payload's empty values left out, statuses and people in words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from dsar.requests.models import RequestEvent
from dsar.requests.workflow import RequestType, Status
from dsar.web.staff.labels import RIGHT_LABELS, STATUS_LABELS, local_time, written_date

SENTENCES = {
    "created": "Request created",
    "received": "Request received; the statutory clock started",
    "original_attached": "Original request attached",
    # Filed through the API (docs/api.md): the controller's statement, not a staff decision.
    "identity_verified_by_controller": "The controller states it verified the subject (account)",
    "document_attached": "Document attached",
    "confirm_email": "The subject confirmed the e-mail address",
    "expire": "Expired: the e-mail address was never confirmed",
    "verify_identity": "Identity verified",
    "request_information": "Information requested from the subject (Art. 12(6))",
    "receive_information": "The requested information was received",
    "fail_identity": "Identity could not be established",
    "propose_refusal": "Refusal proposed",
    "approve_refusal": "Refusal approved",
    "reject_refusal": "Refusal rejected: work goes on",
    "prepare_answer": "Answer prepared",
    "reopen": "Back to work: the answer was not ready",
    "complete": "Completed: the answer reached the subject",
    "withdraw": "The subject withdrew the request",
    "merge": "Merged into another request of the same subject and right (one answer)",
    "absorbed": "Another request of the same subject and right was merged into this one",
    "note": "Note",
    "assigned": "Assignment changed",
    "extended": "Deadline extended by two months (Art. 12(3))",
    "extension_lapsed": "Extension lapsed",
    "due_date_changed": "Due date changed",
    "search_sources": "Sources searched",
    "letter_drafted": "Letter drafted",
    "letter_edited": "Letter edited",
    "letter_facts": "Letter facts recorded",
    "letter_approved": "Letter approved",
    "letter_sent": "Letter sent",
    "letter_posted": "Letter recorded as posted",
    "erasure_planned": "Erasure planned",
    "erasure_carried_out": "Erasure carried out",
    "erasure_retry": "Erasure retried",
    "erasure_task_done": "Erasure step done by hand",
    "rectification_planned": "Rectification planned",
    "rectification_approved": "Rectification approved",
    "rectification_applied": "Rectification applied",
    "rectification_by_hand": "Rectification step done by hand",
    "restriction_placed": "Restriction placed",
    "restriction_lifting": "Restriction being lifted",
    "restriction_retry": "Restriction retried",
    "processing_stop_decided": "Stop of processing decided",
    "processing_stopped": "Processing stopped",
    "processing_stop_by_hand": "Processing stop done by hand",
    "processing_stop_retry": "Processing stop retried",
    "suppressed": "Address put on the suppression list",
    "recipient_notice_closed": "Recipient notice closed",
    "transmit_export": "Export transmitted",
    "queue_transmission": "Transmission queued",
    "manual_source_done": "Source searched by hand",
    "manual_upload_link_sent": "Upload link sent for a source searched by hand",
    "manual_findings_supplied": "Findings supplied for a source searched by hand",
    "manual_finding_removed": "Finding removed",
}
_STATUSES = {s.value: s for s in Status}
_RIGHTS = {t.value: t for t in RequestType}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_SKIPPED = frozenset({"clock", "text"})  # the clock's internals; a note's text is shown whole


@dataclass(frozen=True)
class Entry:
    """One timeline line: the sentence and its details ("status: new → in progress")."""

    sentence: str
    details: tuple[str, ...]


def _words(value: Any, zone: str) -> str:
    if value is None or value == "":
        return "nobody"
    if isinstance(value, str) and value in _STATUSES:
        return STATUS_LABELS[_STATUSES[value]]
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_words(v, zone) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k.replace('_', ' ')}: {_words(v, zone)}" for k, v in value.items() if v)
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return written_date(date.fromisoformat(value))
    if isinstance(value, str) and _ISO_MOMENT.match(value):
        try:
            return local_time(datetime.fromisoformat(value), zone)
        except ValueError:
            return value
    if isinstance(value, str) and value in _RIGHTS:
        return RIGHT_LABELS[_RIGHTS[value]]
    return str(value)


def entry(event: RequestEvent, zone: str) -> Entry:
    """The sentence for `event`, and its payload's non-empty values in words (times in `zone`)."""
    payload = dict(event.payload or {})
    sentence = SENTENCES.get(event.action, event.action.replace("_", " ").capitalize())
    details: list[str] = []
    if "from" in payload or "to" in payload:
        before, after = payload.pop("from", None), payload.pop("to", None)
        what = "assignee" if event.action == "assigned" else "status"
        details.append(f"{what}: {_words(before, zone)} → {_words(after, zone)}")
    for key, value in payload.items():
        if key in _SKIPPED or value is None or value in ("", [], {}):
            continue
        details.append(f"{key.replace('_', ' ')}: {_words(value, zone)}")
    return Entry(sentence, tuple(details))
