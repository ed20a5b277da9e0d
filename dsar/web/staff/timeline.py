"""The case page's timeline as sentences: each recorded action in words where a label exists (the
raw action name otherwise), its payload's empty values left out, statuses and people in words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _

from dsar.requests.models import RequestEvent
from dsar.requests.workflow import RequestType, Status
from dsar.web.page_words import _l
from dsar.web.staff.case_words import language_name
from dsar.web.staff.labels import channel_label, local_time, right_label, status_label, written_date

SENTENCES = {
    "created": _l("Request created"),
    "received": _l("Request received; the statutory clock started"),
    "original_attached": _l("Original request attached"),
    "original_not_stored": _l("Original e-mail too large to store: read it in the mailbox"),
    "mail.reply": _l("The subject replied by e-mail (attached)"),
    "confirm_email": _l("The subject confirmed the e-mail address"),
    "expire": _l("Expired: the e-mail address was never confirmed"),
    "verify_identity": _l("Identity verified"),
    "request_information": _l("Information requested from the subject (Art. 12(6))"),
    "receive_information": _l("The requested information was received"),
    "fail_identity": _l("Identity could not be established"),
    "propose_refusal": _l("Refusal proposed"),
    "approve_refusal": _l("Refusal approved"),
    "reject_refusal": _l("Refusal rejected: work goes on"),
    "prepare_answer": _l("Answer prepared"),
    "reopen": _l("Back to work: the answer was not ready"),
    "complete": _l("Completed: the answer reached the subject"),
    "withdraw": _l("The subject withdrew the request"),
    "note": _l("Note"),
    "assigned": _l("Assignment changed"),
    "extended": _l("Deadline extended by two months (Art. 12(3))"),
    "extension_lapsed": _l("Extension lapsed"),
    "due_date_changed": _l("Due date changed"),
    "search_sources": _l("Sources searched"),
    "letter_drafted": _l("Letter drafted"),
    "letter_edited": _l("Letter edited"),
    "letter_facts": _l("Letter facts recorded"),
    "letter_approved": _l("Letter approved"),
    "letter_sent": _l("Letter sent"),
    "letter_posted": _l("Letter recorded as posted"),
    "erasure_planned": _l("Erasure planned"),
    "erasure_carried_out": _l("Erasure carried out"),
    "erasure_retry": _l("Erasure retried"),
    "erasure_task_done": _l("Erasure step done by hand"),
    "rectification_planned": _l("Rectification planned"),
    "rectification_approved": _l("Rectification approved"),
    "rectification_applied": _l("Rectification applied"),
    "rectification_by_hand": _l("Rectification step done by hand"),
    "restriction_placed": _l("Restriction placed"),
    "restriction_lifting": _l("Restriction being lifted"),
    "restriction_retry": _l("Restriction retried"),
    "processing_stop_decided": _l("Stop of processing decided"),
    "processing_stopped": _l("Processing stopped"),
    "message_posted": _l("Message in the thread with the subject"),
    "messages_read": _l("Messages in the thread read"),
    "processing_stop_by_hand": _l("Processing stop done by hand"),
    "processing_stop_retry": _l("Processing stop retried"),
    "suppressed": _l("Address put on the suppression list"),
    "recipient_notice_closed": _l("Recipient notice closed"),
    "transmit_export": _l("Export transmitted"),
    "queue_transmission": _l("Transmission queued"),
    "manual_source_done": _l("Source searched by hand"),
    "manual_upload_link_sent": _l("Upload link sent for a source searched by hand"),
    "manual_findings_supplied": _l("Findings supplied for a source searched by hand"),
    "manual_finding_removed": _l("Finding removed"),
    "manual_finding_added": _l("Finding added for a source searched by hand"),
    "build_access_export": _l("Access export built"),
    "build_portability_export": _l("Portability export built"),
    "download_export": _l("Export downloaded"),
    "revoke_download_links": _l("Download links ended"),
    "exclude_data": _l("Data left out of the export"),
    "include_data_again": _l("Data put back into the export"),
    "send_lookup_key_code": _l("Code sent to check a typed key"),
    "verify_lookup_key": _l("Typed key verified"),
    "set_aside_lookup_key": _l("Typed key set aside"),
    "erasure_approved": _l("Erasure approved"),
    "erasure_tombstone": _l("Erased subject recorded for replays"),
    "rectification_retry": _l("Rectification retried"),
    "recipient_notice_drafted": _l("Recipient notice drafted"),
    "recipient_notice_confirmed": _l("Recipient confirmed the notice"),
    "answered": _l("Answered"),
    "identity_verified_by_controller": _l(
        "The controller states it verified the subject (account)"
    ),
    "document_attached": _l("Document attached"),
    "merge": _l("Merged into another request of the same subject and right (one answer)"),
    "absorbed": _l("Another request of the same subject and right was merged into this one"),
    "redaction_added": _l("Redaction marked in a document"),
    "redaction_removed": _l("Redaction removed from a document"),
    "redaction_applied": _l("Redacted copy made: the export takes it instead of the original"),
    "representation_recorded": _l("Asked on the subject's behalf by a representative"),
    "representative_identity_verified": _l("The representative's identity verified"),
    "representative_identity_refused": _l("The representative's identity refused"),
    "representative_authority_verified": _l("The representative's authority verified"),
    "representative_authority_refused": _l("The representative's authority refused"),
}
SHOWN_ON_STATUS_PAGE = _l("Our messages were shown on the subject's status page")

# The payload's keys in words; a key without words is shown as it is ("letter id").
KEYS = {
    "reason": _l("reason"),
    "ground": _l("ground"),
    "purpose": _l("purpose"),
    "what": _l("what"),
    "why": _l("why"),
    "source": _l("source"),
    "sources": _l("sources"),
    "letter_id": _l("letter"),
    "letter_type": _l("letter"),
    "type": _l("type"),
    "due_date": _l("due date"),
    "extended_due_date": _l("extended to"),
    "received_at": _l("received at"),
    "posted_on": _l("posted on"),
    "copy_posted": _l("copy posted"),
    "channel": _l("channel"),
    "language": _l("language"),
    "filename": _l("file"),
    "note": _l("note"),
    "detail": _l("detail"),
    "method": _l("method"),
    "key": _l("key"),
    "count": _l("count"),
    "finding": _l("finding"),
    "part": _l("table / file"),
    "kind": _l("kind"),
    "url": _l("address"),
    "cause": _l("cause"),
    "run": _l("search"),
    "rows": _l("rows"),
    "row": _l("row"),
    "outcome": _l("outcome"),
    "entries": _l("entries"),
    "export": _l("export"),
    "exports": _l("exports"),
    "excluded_rows": _l("rows left out"),
    "excluded_fields": _l("fields left out"),
    "formats": _l("formats"),
    "expires_at": _l("expires"),
    "password": _l("password"),
    "field": _l("field"),
    "reason_code": _l("reason"),
    "comment": _l("comment"),
    "policy": _l("clock rule"),
    "on": _l("on"),
    "sent": _l("sent"),
    "failures": _l("failures"),
    "new_due_date": _l("new due date"),
    "message": _l("message"),
    "messages": _l("messages"),
    "author": _l("from"),
    "reader": _l("read by"),
    "body_chars": _l("characters"),
    "body_sha256": _l("SHA-256 of the text"),
    "attachments": _l("attachments"),
    "name": _l("name"),
    "sha256": _l("SHA-256"),
    "notified": _l("told by e-mail"),
    "representative": _l("representative"),
    "on_behalf_of": _l("on behalf of"),
    "relation": _l("relationship"),
    "proof_file": _l("proof of authority"),
    "old_due_date": _l("old due date"),
    "document": _l("document"),
    "redaction": _l("redaction"),
    "redactions": _l("redactions"),
    "matches": _l("places found"),
    "reason_text": _l("in your words"),
    "page": _l("page"),
    "area": _l("area in points"),
    "redacted_file": _l("redacted copy"),
    "redacted_sha256": _l("SHA-256 of the copy"),
    "replaces": _l("replaces copy"),
}
# Recorded values that are codes: a manual search's outcome, a redaction's kind and reason.
VALUES = {
    "nothing_found": _l("nothing found"),
    "found": _l("found"),
    "third_party": _l("another person's data (Art. 15(4))"),  # a redaction's reason
    "trade_secret": _l("trade secret"),
    "other": _l("other"),  # a redaction's reason, described in its reason text
    "term": _l("search term"),  # what a redaction marks
    "area": _l("area"),
    "staff": _l("staff"),  # a message's author (dsar/messages)
    "subject": _l("the subject"),
}
# Values with words of their own: how the request came in, the language it is answered in.
_OWN_WORDS = {"channel": channel_label, "language": language_name}
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
        return _("nobody")
    if isinstance(value, str) and value in _STATUSES:
        return str(status_label(_STATUSES[value]))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(_words(v, zone) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{_key(k)}: {_words(v, zone)}" for k, v in value.items() if v)
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return written_date(date.fromisoformat(value))
    if isinstance(value, str) and _ISO_MOMENT.match(value):
        try:
            return local_time(datetime.fromisoformat(value), zone)
        except ValueError:
            return value
    if isinstance(value, str) and value in VALUES:
        return str(VALUES[value])
    if isinstance(value, str) and value in _RIGHTS:
        return str(right_label(_RIGHTS[value]))
    return str(value)


def _key(key: str) -> str:
    return str(KEYS.get(key, key.replace("_", " ")))


def entry(event: RequestEvent, zone: str) -> Entry:
    """The sentence for `event`, and its payload's non-empty values in words (times in `zone`)."""
    payload = dict(event.payload or {})
    known = SENTENCES.get(event.action)
    if event.action == "messages_read" and payload.get("reader") == "subject":
        # Whoever opened the status link (a mail scanner too): shown, not known to be read.
        known = SHOWN_ON_STATUS_PAGE
        del payload["reader"]
    sentence = str(known) if known else event.action.replace("_", " ").capitalize()
    details: list[str] = []
    if "from" in payload or "to" in payload:
        before, after = payload.pop("from", None), payload.pop("to", None)
        change = {"before": _words(before, zone), "after": _words(after, zone)}
        if event.action == "assigned":
            details.append(_("assignee: %(before)s → %(after)s", **change))
        else:
            details.append(_("status: %(before)s → %(after)s", **change))
    for key, value in payload.items():
        if key in _SKIPPED or value is None or value in ("", [], {}):
            continue
        shown = _OWN_WORDS[key](value) if key in _OWN_WORDS else _words(value, zone)
        details.append(f"{_key(key)}: {shown}")
    return Entry(sentence, tuple(details))
