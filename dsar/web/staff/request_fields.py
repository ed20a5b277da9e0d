"""What the subject's form brought (request.details), labelled for the case page: lookup keys by
the register's label, rectification items as "wrong → correct", consent activities and erasure
categories by their register titles; empty values and internal keys left out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from dsar.intake.texts import ERASURE_GROUNDS, RESTRICTION_GROUNDS
from dsar.register import Register
from dsar.web.intake.language import language
from dsar.web.page_words import _l

# Shown elsewhere on the page (the extension notice) or of no use to a reader (the form's version).
HIDDEN = frozenset({"form_version", "extension_notice_due", "lookup_keys"})
LABELS = {
    "message": _l("Message from the subject"),
    "salutation": _l("Salutation"),
    "items": _l("To correct (wrong → correct)"),
    "scope": _l("What to erase"),
    "categories": _l("Data to erase"),
    "ground": _l("Ground given"),
    "format": _l("Format"),
    "transmit_to": _l("Send directly to"),
    "objection": _l("Objection to"),
    "grounds": _l("The subject's reasons"),
    "activities": _l("Consent withdrawn for"),
}
WORDS: dict[str, dict[str, object]] = {
    "salutation": {"ms": _l("Ms"), "mr": _l("Mr")},
    "scope": {
        "all": _l("everything about the subject"),
        "categories": _l("only the chosen data"),
    },
    "format": {"json": "JSON", "csv": "CSV", "both": _l("JSON and CSV")},
    "objection": {
        "direct_marketing": _l("direct marketing (Art. 21(2))"),
        "legitimate_interest": _l("processing based on legitimate interests (Art. 21(1))"),
    },
}


@dataclass(frozen=True)
class Field:
    """One labelled row: its lines of text; `claim` for a typed lookup key."""

    key: str
    label: str
    lines: tuple[str, ...]
    claim: bool = False


def article(ground: str) -> str:
    """ "17.1.b" -> "Art. 17(1)(b)"."""
    head, *parts = ground.split(".")
    return f"Art. {head}" + "".join(f"({p})" for p in parts)


def _title(text: Any, fallback: str) -> str:
    if text is None:
        return fallback
    return text.get(language()) or text.get("en") or fallback


def _lines(key: str, value: Any, register: Register | None) -> list[str]:
    if key == "items":
        return [f"{i.get('wrong', '')} → {i.get('correct', '')}" for i in value or []]
    if key == "activities":
        found = register.activity if register is not None else (lambda _id: None)
        return [_title(a.title, i) if (a := found(i)) else i for i in value or []]
    if key == "categories":
        cat = register.category if register is not None else (lambda _id: None)
        return [_title(c.label, i) if (c := cat(i)) else i for i in value or []]
    if key == "ground" and isinstance(value, str):
        texts = {**ERASURE_GROUNDS, **RESTRICTION_GROUNDS}
        return [f"{texts[value]} ({article(value)})" if value in texts else value]
    if key == "transmit_to" and isinstance(value, dict):
        return [str(v) for k in ("name", "address", "endpoint") if (v := value.get(k))]
    if key in WORDS and isinstance(value, str):
        return [str(WORDS[key].get(value, value))]
    if isinstance(value, bool):
        return [_("yes") if value else _("no")]
    if isinstance(value, list):
        return [str(v) for v in value if v not in (None, "")]
    if isinstance(value, dict):
        return [f"{k.replace('_', ' ')}: {v}" for k, v in value.items() if v not in (None, "")]
    return [str(value)]


def request_fields(details: dict[str, Any] | None, register: Register | None) -> list[Field]:
    """The request's details as labelled rows: typed lookup keys first, then the form's fields."""
    details = details or {}
    fields = []
    for key_id, value in (details.get("lookup_keys") or {}).items():
        if value:
            known = register.lookup_key(key_id) if register is not None else None
            label = _title(known.label, key_id) if known else key_id.replace("_", " ")
            typed = _("%(label)s (typed)", label=label)
            fields.append(Field(key_id, typed, (str(value),), claim=True))
    for key, value in details.items():
        if key in HIDDEN or value in (None, "", [], {}):
            continue
        lines = tuple(line for line in _lines(key, value, register) if line)
        if lines:
            label = str(LABELS.get(key, key.replace("_", " ").capitalize()))
            fields.append(Field(key, label, lines))
    return fields
