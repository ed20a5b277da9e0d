"""PURE: what a letter says, built from the register and the request's facts, with its checks.

No Flask, no database, no clock: `build_letter(...)` takes plain values and `today`, and
raises `IncompleteLetter` naming every mandatory element (docs/legal-rules.md section 5) it lacks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from dsar.letters.checks import missing_elements
from dsar.letters.identity import Identity, IdentityView, identity_view
from dsar.letters.labels import LEGAL_BASES, SAFEGUARDS
from dsar.register import Activity, Register
from dsar.register.schema import Address

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
    "recipient_notice",
    "portability",
)
LANGUAGES = ("de", "en")

# The parts staff write per letter type; the required ones must be filled before approval.
FREE_TEXT: Mapping[str, tuple[str, ...]] = {
    "acknowledgement": ("note",),
    "identity_request": ("doubt", "needed", "note"),
    "clarification": ("question", "provided", "note"),
    "extension": ("reasons", "note"),
    "access": ("withheld", "note"),
    "rectification": ("changes", "note"),
    "erasure": ("note",),
    "restriction": ("note",),
    "restriction_lift": ("reason", "note"),
    "objection": ("grounds", "note"),
    "consent_withdrawal": ("note",),
    "refusal": ("facts", "reasons", "note"),
    "recipient_notice": ("identifier", "change", "note"),
    "portability": ("not_transmitted_reason", "ineligible_reason", "note"),
}


class IncompleteLetter(ValueError):
    """A mandatory element is missing: the letter must not be approved or sent like this."""

    def __init__(self, letter_type: str, missing: list[str]) -> None:
        self.letter_type = letter_type
        self.missing = missing
        super().__init__(f"the {letter_type} letter is incomplete: missing {'; '.join(missing)}")


@dataclass(frozen=True)
class Subject:
    name: str
    email: str | None = None
    address: str | None = None  # as the subject wrote it, one line per address line


@dataclass(frozen=True)
class RequestFacts:
    """The request as the letter needs it; `details` holds the type's own facts (see docs)."""

    reference: str
    request_type: str
    language: str
    subject: Subject
    received_on: date | None
    due_date: date | None
    extended_due_date: date | None = None
    clock_policy: str = "edpb"
    details: Mapping[str, Any] = field(default_factory=dict)
    identity: Identity | None = None


@dataclass(frozen=True)
class KeptRecords:
    """Records an erasure kept because a retention duty applies (Art. 17(3)(b))."""

    activity: str  # the activity whose retention keeps them
    categories: tuple[str, ...]
    count: int
    latest_on: date  # the latest trigger date (e.g. invoice date) among them


@dataclass(frozen=True)
class FoundSource:
    """What the search found in one source: counts per category, and the activities."""

    source: str
    categories: Mapping[str, int]
    activities: tuple[str, ...]
    kept: tuple[KeptRecords, ...] = ()


@dataclass(frozen=True)
class FoundData:
    """The fulfilment's summary for the letter; the copy itself is a separate export."""

    sources: tuple[FoundSource, ...]
    copy_format: str = "JSON, CSV"

    @property
    def activity_ids(self) -> list[str]:
        return list(dict.fromkeys(a for s in self.sources for a in s.activities))


@dataclass(frozen=True)
class Party:
    name: str
    lines: tuple[str, ...] = ()
    email: str | None = None
    phone: str | None = None
    web: str | None = None


@dataclass(frozen=True)
class RecipientView:
    label: str
    named: bool
    country: str | None


@dataclass(frozen=True)
class ActivityView:
    title: str
    purpose: str
    legal_bases: tuple[str, ...]
    legitimate_interest: str | None
    categories: tuple[str, ...]
    recipients: tuple[RecipientView, ...]
    retention: str
    norm: str | None
    origin: str | None
    automated: tuple[str, str] | None  # logic, consequences (Art. 15(1)(h))
    transfers: tuple[tuple[str, str, str, str], ...]  # recipient, country, safeguard, text
    direct_marketing: bool = False


@dataclass(frozen=True)
class SourceView:
    name: str
    categories: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class KeptView:
    activity: str
    categories: tuple[str, ...]
    count: int
    norm: str | None
    retention: str
    expires_on: date | None
    deletion_on: date | None


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
    kept: tuple[KeptView, ...] = ()
    erased: tuple[str, ...] = ()
    recipient: Party | None = None
    copy_format: str | None = None
    texts: Mapping[str, str] = field(default_factory=dict)
    identity: IdentityView | None = None

    @property
    def details(self) -> Mapping[str, Any]:
        return self.facts.details


def planned_deletion(activity: Activity, latest_on: date) -> tuple[date | None, date | None]:
    """Last day of storage and the deletion day after it (docs/legal-rules.md 4.1: R1-R5)."""
    expires = activity.retention.expires_on(latest_on)
    return expires, (expires + timedelta(days=1) if expires else None)


def address_lines(address: Address | None) -> tuple[str, ...]:
    if address is None:
        return ()
    return (address.street, f"{address.postcode} {address.city}", address.country)


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
    dpo = register.dpo
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
        dpo=Party(dpo.name or "", address_lines(dpo.address), dpo.email, dpo.phone)
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
            _activity_views(register, _relevant(register, letter_type, facts, found), t)
        ),
        found=tuple(_source_views(register, found, t)),
        kept=tuple(_kept_views(register, found, t)),
        erased=tuple(_erased(register, found, t)),
        recipient=_recipient(register, facts),
        copy_format=found.copy_format if found else None,
        texts=texts,
        identity=identity_view(register, facts.identity, t),
    )
    missing = missing_elements(content, register, found)
    if missing:
        raise IncompleteLetter(letter_type, missing)
    return content


def _relevant(
    register: Register, letter_type: str, facts: RequestFacts, found: FoundData | None
) -> list[Activity]:
    wanted: list[str]
    if letter_type in ("access", "portability", "erasure"):
        wanted = found.activity_ids if found else []
    elif letter_type in ("objection", "consent_withdrawal", "restriction", "restriction_lift"):
        wanted = list(facts.details.get("activities") or [])
        if not wanted and letter_type == "consent_withdrawal":
            wanted = [a.id for a in register.consent_activities]
    else:
        wanted = []
    return [a for a in (register.activity(i) for i in wanted) if a is not None]


def _activity_views(register: Register, activities: list[Activity], t: Any) -> list[ActivityView]:
    views = []
    for activity in activities:
        recipients = [register.recipient(r) for r in activity.recipients]
        views.append(
            ActivityView(
                title=t(activity.title),
                purpose=t(activity.purpose),
                legal_bases=tuple(activity.legal_basis),
                legitimate_interest=t(activity.legitimate_interest) or None,
                categories=tuple(
                    t(c.label) for c in map(register.category, activity.data_categories) if c
                ),
                recipients=tuple(
                    RecipientView(
                        r.name if r.named and r.name else t(r.category), r.named, r.country
                    )
                    for r in recipients
                    if r is not None
                ),
                retention=t(activity.retention.text),
                norm=activity.retention.norm,
                origin=t(activity.origin) or None,
                automated=(
                    (
                        t(activity.automated_decision.logic),
                        t(activity.automated_decision.consequences),
                    )
                    if activity.automated_decision and activity.automated_decision.present
                    else None
                ),
                transfers=tuple(
                    (
                        _recipient_label(register, tr.recipient, t),
                        tr.country,
                        tr.safeguard,
                        t(tr.description),
                    )
                    for tr in activity.transfers
                ),
                direct_marketing=activity.direct_marketing,
            )
        )
    return views


def _recipient_label(register: Register, recipient_id: str, t: Any) -> str:
    recipient = register.recipient(recipient_id)
    if recipient is None:
        return recipient_id
    return recipient.name if recipient.named and recipient.name else t(recipient.category)


def _category_label(register: Register, category_id: str, t: Any) -> str:
    category = register.category(category_id)
    return t(category.label) if category else category_id


def _source_views(register: Register, found: FoundData | None, t: Any) -> list[SourceView]:
    views = []
    for source in found.sources if found else ():
        registered = register.source(source.source)
        views.append(
            SourceView(
                registered.name if registered else source.source,
                tuple((_category_label(register, c, t), n) for c, n in source.categories.items()),
            )
        )
    return views


def _kept_views(register: Register, found: FoundData | None, t: Any) -> list[KeptView]:
    views = []
    for kept in (k for s in (found.sources if found else ()) for k in s.kept):
        activity = register.activity(kept.activity)
        if activity is None:
            continue
        expires, deletion = planned_deletion(activity, kept.latest_on)
        views.append(
            KeptView(
                activity=t(activity.title),
                categories=tuple(_category_label(register, c, t) for c in kept.categories),
                count=kept.count,
                norm=activity.retention.norm,
                retention=t(activity.retention.text),
                expires_on=expires,
                deletion_on=deletion,
            )
        )
    return views


def _erased(register: Register, found: FoundData | None, t: Any) -> list[str]:
    """Categories found and not kept anywhere: the part of the data that was erased."""
    if found is None:
        return []
    kept = {c for s in found.sources for k in s.kept for c in k.categories}
    found_ids = dict.fromkeys(c for s in found.sources for c in s.categories)
    return [_category_label(register, c, t) for c in found_ids if c not in kept]


def _recipient(register: Register, facts: RequestFacts) -> Party | None:
    recipient_id = facts.details.get("recipient")
    recipient = register.recipient(recipient_id) if recipient_id else None
    if recipient is None:
        return None
    name = (
        recipient.name
        if recipient.named and recipient.name
        else recipient.category.get(facts.language, "en") or ""
    )
    return Party(name, email=facts.details.get("recipient_contact") or recipient.contact)


def safeguard_label(language: str, safeguard: str) -> str:
    return SAFEGUARDS[language].get(safeguard, safeguard)


def legal_basis_label(language: str, basis: str) -> str:
    return LEGAL_BASES[language].get(basis, basis)
