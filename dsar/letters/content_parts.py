"""PURE: a letter's parts (parties, activities, found and kept data) in the register's words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from dsar.letters.facts import FoundData, RequestFacts
from dsar.register import Activity, Register
from dsar.register.schema import Address


@dataclass(frozen=True)
class Party:
    name: str
    lines: tuple[str, ...] = ()
    email: str | None = None
    phone: str | None = None
    web: str | None = None
    feminine: bool = False  # German: "Datenschutzbeauftragte" (the register's dpo.salutation)


@dataclass(frozen=True)
class RecipientView:
    label: str
    named: bool
    country: str | None
    unnamed_reason: str = ""  # as the register or staff record it; empty: none recorded
    category: str = ""


@dataclass(frozen=True)
class AutomatedView:
    """An Art. 22 decision as the access letter states it (Art. 15(1)(h), 22(2)-(3))."""

    logic: str
    significance: str
    consequences: str
    exception: str | None  # contract, law or consent: Art. 22(2)(a), (b), (c)
    safeguards: str


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
    automated: AutomatedView | None
    transfers: tuple[tuple[str, str, str, str], ...]  # recipient, country, safeguard, text
    direct_marketing: bool = False


@dataclass(frozen=True)
class SourceView:
    name: str
    categories: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class ExportedView:
    label: str
    files: tuple[str, ...]
    rows: int
    categories: tuple[str, ...]


@dataclass(frozen=True)
class KeptView:
    activity: str
    categories: tuple[str, ...]
    count: int
    norm: str | None
    retention: str
    expires_on: date | None
    deletion_on: date | None
    claims: bool = False  # kept to defend legal claims (Art. 17(3)(e)), not by a legal duty


def planned_deletion(activity: Activity, latest_on: date) -> tuple[date | None, date | None]:
    """Last day of storage and the deletion day after it (docs/legal-rules.md 4.1: R1-R5)."""
    expires = activity.retention.expires_on(latest_on)
    return expires, (expires + timedelta(days=1) if expires else None)


def address_lines(address: Address | None) -> tuple[str, ...]:
    if address is None:
        return ()
    return (address.street, f"{address.postcode} {address.city}", address.country)


def recipient_views(
    register: Register, recipient_ids: list[str], t: Any, reason: str = ""
) -> tuple[RecipientView, ...]:
    """Recipients as a letter names them (C-154/21): by name, or by category with the reason
    the register records, else `reason` (what staff wrote on the letter), else none."""
    return tuple(
        RecipientView(
            r.name if r.named and r.name else t(r.category),
            r.named,
            r.country,
            "" if r.named else (t(r.unnamed_reason) if r.unnamed_reason else reason),
            t(r.category),
        )
        for r in map(register.recipient, recipient_ids)
        if r is not None
    )


def activity_views(
    register: Register, activities: list[Activity], t: Any, unnamed_reason: str = ""
) -> list[ActivityView]:
    """Each activity as the letter states it (Art. 15(1)(a)-(h)), in the letter's language."""
    views = []
    for activity in activities:
        views.append(
            ActivityView(
                title=t(activity.title),
                purpose=t(activity.purpose),
                legal_bases=tuple(activity.legal_basis),
                legitimate_interest=t(activity.legitimate_interest) or None,
                categories=tuple(
                    t(c.label) for c in map(register.category, activity.data_categories) if c
                ),
                recipients=recipient_views(register, activity.recipients, t, unnamed_reason),
                retention=t(activity.retention.text),
                norm=activity.retention.norm,
                origin=t(activity.origin) or None,
                automated=_automated_view(activity, t),
                transfers=tuple(
                    (
                        recipient_label(register, tr.recipient, t),
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


def _automated_view(activity: Activity, t: Any) -> AutomatedView | None:
    decision = activity.automated_decision
    if decision is None or not decision.present:
        return None
    return AutomatedView(
        t(decision.logic),
        t(decision.significance),
        t(decision.consequences),
        decision.exception,
        t(decision.safeguards),
    )


def recipient_label(register: Register, recipient_id: str, t: Any) -> str:
    recipient = register.recipient(recipient_id)
    if recipient is None:
        return recipient_id
    return recipient.name if recipient.named and recipient.name else t(recipient.category)


def category_label(register: Register, category_id: str, t: Any) -> str:
    """A category's label in the letter's language (its id where the register lacks it)."""
    category = register.category(category_id)
    return t(category.label) if category else category_id


def source_views(register: Register, found: FoundData | None, t: Any) -> list[SourceView]:
    """Each source searched, with the count of records per category found there."""
    views = []
    for source in found.sources if found else ():
        registered = register.source(source.source)
        views.append(
            SourceView(
                registered.name if registered else source.source,
                tuple((category_label(register, c, t), n) for c, n in source.categories.items()),
            )
        )
    return views


def exported_views(register: Register, found: FoundData | None, t: Any) -> list[ExportedView]:
    """Each table or file in the copy as built, with the files that hold it (portability)."""
    return [
        ExportedView(
            e.label, e.files, e.rows, tuple(category_label(register, c, t) for c in e.categories)
        )
        for e in (found.exported if found else ())
    ]


def kept_views(register: Register, found: FoundData | None, t: Any) -> list[KeptView]:
    """Records an erasure kept, with the norm that keeps them and their deletion day."""
    views = []
    for kept in (k for s in (found.sources if found else ()) for k in s.kept):
        activity = register.activity(kept.activity)
        if activity is None:
            continue
        expires: date | None
        deletion: date | None
        if kept.kept_until is not None:  # as the erasure's planned deletion recorded it
            expires, deletion = kept.kept_until, kept.kept_until + timedelta(days=1)
        elif kept.latest_on is not None:
            expires, deletion = planned_deletion(activity, kept.latest_on)
        else:
            expires = deletion = None
        views.append(
            KeptView(
                activity=t(activity.title),
                categories=tuple(category_label(register, c, t) for c in kept.categories),
                count=kept.count,
                norm=activity.retention.norm,
                retention=t(activity.retention.text),
                expires_on=expires,
                deletion_on=deletion,
                claims=activity.retention.ground == "legal_claims",
            )
        )
    return views


def erased_categories(register: Register, found: FoundData | None, t: Any) -> list[str]:
    """Categories found and not kept anywhere: the part of the data that was erased."""
    if found is None:
        return []
    if found.erased is not None:  # what a carried-out erasure recorded
        return [category_label(register, c, t) for c in found.erased]
    kept = {c for s in found.sources for k in s.kept for c in k.categories}
    found_ids = dict.fromkeys(c for s in found.sources for c in s.categories)
    return [category_label(register, c, t) for c in found_ids if c not in kept]


def recipient_party(register: Register, facts: RequestFacts) -> Party | None:
    """The recipient an Art. 19 notice goes to (details.recipient), or None."""
    recipient_id = facts.details.get("recipient")
    recipient = register.recipient(recipient_id) if recipient_id else None
    if recipient is None:
        return None
    name = (
        recipient.name
        if recipient.named and recipient.name
        else recipient.category.get(facts.language, "en") or ""
    )
    lines = tuple(line.strip() for line in (recipient.postal or "").splitlines() if line.strip())
    return Party(name, lines, email=facts.details.get("recipient_contact") or recipient.contact)
