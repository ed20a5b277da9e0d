"""PURE: what a letter says, built from the register and the request's facts, with its checks.

No Flask, no database, no clock: `build_letter(...)` takes plain values and `today`, and
raises `IncompleteLetter` naming every mandatory element (docs/legal-rules.md section 5) it lacks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dsar.letters.checks import missing_elements, placeholder_gaps
from dsar.letters.content_parts import (
    ActivityView,
    ExportedView,
    KeptView,
    Party,
    RecipientView,
    SourceView,
    activity_views,
    address_lines,
    category_label,
    erased_categories,
    exported_views,
    kept_views,
    recipient_label,
    recipient_party,
    recipient_views,
    source_views,
)
from dsar.letters.facts import FoundData, RequestFacts
from dsar.letters.identity import IdentityView, identity_view
from dsar.register import Activity, Register

LETTER_TYPES = (
    "acknowledgement",
    "identity_request",
    "clarification",
    "extension",
    "access",
    "rectification",
    "erasure",
    "restriction",
    "restriction_lift",
    "objection",
    "consent_withdrawal",
    "refusal",
    "identity_failed",
    "recipient_notice",
    "portability",
    "human_review",
)

# The parts staff write per letter type; the required ones must be filled before approval.
FREE_TEXT: Mapping[str, tuple[str, ...]] = {
    "acknowledgement": ("note",),
    "identity_request": ("doubt", "needed", "note"),
    "clarification": ("question", "provided", "note"),
    "extension": ("reasons", "note"),
    "access": ("unnamed", "withheld", "note"),
    "rectification": ("changes", "note"),
    "erasure": ("untold", "note"),
    "restriction": ("note",),
    "restriction_lift": ("reason", "note"),
    "objection": ("grounds", "note"),
    "consent_withdrawal": ("note",),
    "refusal": ("facts", "reasons", "note"),
    "identity_failed": ("unidentified", "note"),
    "recipient_notice": ("identifier", "change", "note"),
    "portability": ("not_transmitted_reason", "ineligible_reason", "note"),
    "human_review": ("review", "note"),
}


class IncompleteLetter(ValueError):
    """A mandatory element is missing: the letter must not be approved or sent like this."""

    def __init__(self, letter_type: str, missing: list[str]) -> None:
        self.letter_type = letter_type
        self.missing = missing
        super().__init__(f"the {letter_type} letter is incomplete: missing {'; '.join(missing)}")


@dataclass(frozen=True)
class LetterContent:
    """Everything a template shows; built once, rendered as HTML, text and PDF."""

    letter_type: str
    language: str
    today: date
    facts: RequestFacts
    controller: Party
    dpo: Party | None
    authority: Party | None
    activities: tuple[ActivityView, ...] = ()
    found: tuple[SourceView, ...] = ()
    exported: tuple[ExportedView, ...] = ()  # the copy's parts as built (portability's scope)
    kept: tuple[KeptView, ...] = ()
    erased: tuple[str, ...] = ()
    restricted: tuple[str, ...] = ()  # the categories a recorded restriction covers
    disclosed: tuple[RecipientView, ...] = ()  # recipients the search found got the data
    told: tuple[tuple[str, date], ...] = ()  # recipients told of the outcome (Art. 19), when
    untold: tuple[str, ...] = ()  # erasure: recipients the search found got data, not told
    recipient: Party | None = None
    copy_format: str | None = None
    texts: Mapping[str, str] = field(default_factory=dict)
    identity: IdentityView | None = None
    fingerprint: str | None = None  # the install's signing key, in the footer (docs/receipts.md)

    @property
    def details(self) -> Mapping[str, Any]:
        return self.facts.details


def build_letter(
    register: Register,
    facts: RequestFacts,
    *,
    letter_type: str,
    today: date,
    found: FoundData | None = None,
    texts: Mapping[str, str] | None = None,
) -> LetterContent:
    """The letter's content; IncompleteLetter lists every missing mandatory element."""
    if letter_type not in LETTER_TYPES:
        raise ValueError(
            f"unknown letter type {letter_type!r}: use one of {', '.join(LETTER_TYPES)}"
        )
    lang = facts.language
    if lang not in register.controller.languages:
        raise ValueError(
            f"{register.controller.slug} writes in {', '.join(register.controller.languages)}, "
            f"not {lang!r}"
        )
    texts = {k: v.strip() for k, v in (texts or {}).items() if k in FREE_TEXT[letter_type] and v}
    fallback = register.controller.languages[0]

    def t(text: Any) -> str:
        return text.get(lang, fallback) if text is not None else ""

    controller = register.controller
    authority = register.supervisory_authority
    told_ids = {told.recipient for told in facts.told}
    dpo = register.dpo
    relevant = _relevant(register, letter_type, facts, found)
    content = LetterContent(
        letter_type=letter_type,
        language=lang,
        today=today,
        facts=facts,
        controller=Party(
            controller.name,
            address_lines(controller.address),
            controller.contact.email,
            controller.contact.phone,
            controller.contact.web,
        ),
        dpo=Party(
            dpo.name or "",
            address_lines(dpo.address),
            dpo.email,
            dpo.phone,
            feminine=dpo.salutation == "ms",
        )
        if dpo
        else None,
        authority=(
            Party(
                t(authority.name),
                address_lines(authority.address),
                authority.email,
                authority.phone,
                authority.web,
            )
            if authority is not None
            else None
        ),
        activities=tuple(
            activity_views(
                register,
                relevant,
                t,
                texts.get("unnamed", ""),
            )
        ),
        disclosed=recipient_views(
            register, found.recipient_ids if found else [], t, texts.get("unnamed", "")
        ),
        found=tuple(source_views(register, found, t)),
        exported=tuple(exported_views(register, found, t)),
        kept=tuple(kept_views(register, found, t)),
        erased=tuple(erased_categories(register, found, t)),
        restricted=tuple(
            category_label(register, c, t) for c in facts.details.get("restricted_categories", ())
        ),
        recipient=recipient_party(register, facts),
        told=tuple((recipient_label(register, told.recipient, t), told.on) for told in facts.told),
        untold=tuple(
            recipient_label(register, r, t)
            for r in (found.recipient_ids if found and letter_type == "erasure" else [])
            if r not in told_ids
        ),
        copy_format=found.copy_format if found else None,
        texts=texts,
        identity=identity_view(register, facts.identity, t),
    )
    missing = missing_elements(content, register, found)
    recipient_ids = [r for a in relevant for r in a.recipients]
    recipient_ids += (found.recipient_ids if found else []) + [facts.details.get("recipient", "")]
    missing += placeholder_gaps(register, [a.id for a in relevant], recipient_ids)
    if missing:
        raise IncompleteLetter(letter_type, missing)
    return content


def _relevant(
    register: Register, letter_type: str, facts: RequestFacts, found: FoundData | None
) -> list[Activity]:
    wanted: list[str]
    if letter_type in ("access", "portability", "erasure"):
        wanted = found.activity_ids if found else []
    elif letter_type in (
        "objection", "consent_withdrawal", "restriction", "restriction_lift", "human_review"
    ):  # fmt: skip
        # Only what the subject named or staff recorded: never every consent activity.
        wanted = list(facts.details.get("activities") or [])
    else:
        wanted = []
    return [a for a in (register.activity(i) for i in wanted) if a is not None]
