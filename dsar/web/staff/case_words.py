"""Words for the case page and its letters, in the page's language: the checklist's steps, the
identity's state, why information is asked for, refusal grounds, letter kinds and states, file
purposes and channels. Template filters; a value without words is shown as it is."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

from flask_babel import gettext as _

from dsar.core.words import Said, said_of
from dsar.letters.content import IncompleteLetter
from dsar.requests.checklist import Step
from dsar.requests.closing import NotReady
from dsar.requests.workflow import IllegalTransition
from dsar.web.page_words import _l, word_filter
from dsar.web.staff import bp
from dsar.web.staff.change_words import CHANGES, change_state_words
from dsar.web.staff.labels import status_label

STEPS = {
    "representative": _l("Verify the representative's identity"),
    "authority": _l("Verify the authority"),
    "identity": _l("Identity settled"),
    "search": _l("Every source searched"),
    "copy": _l("Copy of the data built"),
    "erasure": _l("Erasure carried out"),
    "rectification": _l("Rectification carried out"),
    "restriction": _l("Restriction in place"),
    "stop": _l("Processing stopped"),
    "objection": _l("Objection decided"),
    "prepared": _l("Answer prepared"),
    "sent": _l("Answer approved and sent"),
    "delivered": _l("Answer delivered or posted"),
}
IDENTITY = {
    "unverified": _l("not yet established"),
    "email_confirmed": _l("e-mail address confirmed through our link"),
    "information_requested": _l("information asked for (Art. 12(6))"),
    "verified": _l("verified"),
    "failed": _l("could not be established"),
}
PURPOSES = {
    "identity": _l("to confirm the identity (Art. 12(6))"),
    "clarification": _l("to clarify what the request covers (Recital 63)"),
}
GROUNDS = {
    "manifestly_unfounded": _l("manifestly unfounded"),
    "excessive": _l("excessive"),
}
LETTER_KINDS = {
    "acknowledgement": _l("acknowledgement"),
    "identity_request": _l("request for proof of identity"),
    "clarification": _l("request for clarification"),
    "extension": _l("extension notice"),
    "access": _l("access answer"),
    "rectification": _l("rectification answer"),
    "erasure": _l("erasure answer"),
    "restriction": _l("restriction answer"),
    "restriction_lift": _l("notice of lifting the restriction"),
    "objection": _l("objection answer"),
    "consent_withdrawal": _l("answer to the withdrawal of consent"),
    "refusal": _l("refusal"),
    "identity_failed": _l("identity not established"),
    "recipient_notice": _l("notice to a recipient"),
    "portability": _l("portability answer"),
    "human_review": _l("human review"),
}
LETTER_STATES = {"draft": _l("draft"), "approved": _l("approved"), "sent": _l("sent")}
NOTICE_STATES = {
    "drafted": _l("drafted"),
    "queued": _l("queued"),
    "sent": _l("sent"),
    "not delivered": _l("not delivered"),
    "posted": _l("posted"),
    "confirmed": _l("confirmed"),
    "closed": _l("closed"),
}
NOTICE_ACTIONS = {"rectify": _l("rectified"), "erase": _l("erased"), "restrict": _l("restricted")}
FILE_PURPOSES = {
    "identity_document": _l("identity document"),
    "supporting_document": _l("supporting document"),
    "original_request": _l("original request"),
    "export": _l("export"),
    "letter": _l("letter"),
    "evidence": _l("evidence"),
    "extract": _l("extract"),
    "message": _l("message attachment"),
    "inbound_mail": _l("e-mail received"),
    "authority_proof": _l("proof of authority"),
}
# The life cycle's actions, as the refusal of one names it ("cannot prepare answer ...").
ACTIONS = {
    "verify_identity": _l("verify identity"),
    "request_information": _l("request information"),
    "receive_information": _l("receive information"),
    "fail_identity": _l("fail identity"),
    "propose_refusal": _l("propose refusal"),
    "approve_refusal": _l("approve refusal"),
    "reject_refusal": _l("reject refusal"),
    "prepare_answer": _l("prepare answer"),
    "reopen": _l("reopen"),
    "withdraw": _l("withdraw"),
    "extend": _l("extend"),
}
LANGUAGE_NAMES = {"de": _l("German"), "en": _l("English")}


def _entry(table: Mapping[str, object], value: object) -> object:
    """`value`'s entry in `table` (a `Word`), or `value` itself in plain words."""
    key = str(getattr(value, "value", value))
    return table.get(key, key.replace("_", " "))


def _word(table: Mapping[str, object], value: object) -> str:
    return str(_entry(table, value))


@bp.app_template_filter("checklist_step")
def checklist_step(step: Step) -> str:
    """A checklist step in words; a step done by hand says that its letter records it."""
    words = _word(STEPS, step.key)
    return _("%(step)s (by hand: the letter records it)", step=words) if step.by_hand else words


def letter_kind(value: object) -> str:
    """What a letter is: "access answer", "extension notice"."""
    return _word(LETTER_KINDS, value)


def letter_state(value: object) -> str:
    """A letter's status: draft, approved, sent."""
    return _word(LETTER_STATES, value)


def language_name(value: object) -> str:
    """A language's name: "German"."""
    return _word(LANGUAGE_NAMES, value)


# Template filters writing a table's entry in the page's language (dsar/web/page_words.py).
for _name, _table in (
    ("identity_state", IDENTITY),  # how far the subject's identity is established
    ("purpose_text", PURPOSES),  # why information is asked for from the subject
    ("ground_words", GROUNDS),  # a refusal ground (Art. 12(5))
    ("letter_kind", LETTER_KINDS),
    ("letter_state", LETTER_STATES),
    ("notice_state", NOTICE_STATES),  # where a recipient notice stands
    ("notice_action", NOTICE_ACTIONS),  # the data "erased", "rectified", "restricted"
    ("file_purpose", FILE_PURPOSES),  # what a stored file is for
    ("language_name", LANGUAGE_NAMES),
):
    bp.add_app_template_filter(word_filter(partial(_entry, _table)), _name)


@bp.app_template_filter("said")
def said(sentence: object) -> str:
    """A domain module's sentence (dsar/core/words.py), or an operation's refusal raised with
    one, in the page's language; a letter's kind or state and a change's state put into it in
    words too. Any other value is shown as it is."""
    if isinstance(sentence, BaseException):
        sentence = said_of(sentence) or str(sentence)
    if isinstance(sentence, CHANGES):
        return change_state_words(sentence)
    if not isinstance(sentence, Said):
        return str(sentence)
    values = dict(sentence.values)
    if "kind" in values:
        values["kind"] = letter_kind(values["kind"])
    if "state" in values and str(values["state"]) in LETTER_STATES:
        values["state"] = letter_state(values["state"])
    if "decision" in values:
        values["decision"] = _word(ACTIONS, str(values["decision"]).replace(" ", "_"))
    spoken = (Said, BaseException, *CHANGES)
    values = {k: said(v) if isinstance(v, spoken) else v for k, v in values.items()}
    return _(sentence.msgid, **values)


def not_ready(error: NotReady) -> str:
    """Why a step must wait, and each thing it waits for, in the page's language."""
    sentence = said(error.sentence)
    return (
        f"{sentence}: {'; '.join(said(b) for b in error.blockers)}" if error.blockers else sentence
    )


def first_upper(text: str) -> str:
    """`text` starting with a capital; the rest as written (names and keys keep their case)."""
    return text[:1].upper() + text[1:]


def error_words(error: Exception) -> str:
    """What an operation's refusal says, in the page's language where it was written so: a
    sentence (dsar/core/words.py), a step not ready, a step the status does not allow."""
    if isinstance(error, NotReady):
        return not_ready(error)
    if isinstance(error, IncompleteLetter):
        return _(
            "the %(kind)s letter is incomplete: missing %(missing)s",
            kind=letter_kind(error.letter_type),
            missing="; ".join(said(m) for m in error.missing),
        )
    if isinstance(error, IllegalTransition):
        return _(
            "cannot %(action)s a request that is %(status)s",
            action=_word(ACTIONS, error.action),
            status=str(status_label(error.status)),
        )
    return said(error.args[0]) if error.args and isinstance(error.args[0], Said) else str(error)
