"""A fictional data subject with plausible found data, so every template can be reviewed."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dsar.core.signing import fingerprint
from dsar.letters.content import LetterContent, build_letter
from dsar.letters.facts import (
    CopyDelivery,
    ExportedPart,
    FoundData,
    FoundSource,
    KeptRecords,
    RecipientTold,
    RequestFacts,
    Subject,
)
from dsar.letters.identity import Identity, KeyUsed
from dsar.letters.sample_texts import REFUSAL_REASONS, TEXTS
from dsar.register import Register
from dsar.register.datasources import FileSource, SqlSource
from dsar.requests.deadlines.rules import statutory_deadline
from dsar.requests.operations import register_jurisdiction
from dsar.suppression.marketing import objects_to_marketing

SUBJECT = Subject(
    name="Jürgen Weiß",
    email="juergen.weiss@example.org",
    address="Große Straße 5\n10117 Berlin",
    salutation="mr",
)
REQUEST_TYPE = {
    "human_review": "objection",
    "acknowledgement": "access",
    "identity_request": "access",
    "clarification": "access",
    "extension": "access",
    "access": "access",
    "refusal": "access",
    "identity_failed": "access",
    "rectification": "rectification",
    "erasure": "erasure",
    "recipient_notice": "erasure",
    "restriction": "restriction",
    "restriction_lift": "restriction",
    "objection": "objection",
    "consent_withdrawal": "consent_withdrawal",
    "portability": "portability",
}


@dataclass(frozen=True)
class Sample:
    facts: RequestFacts
    found: FoundData
    texts: dict[str, str]


def sample_found(register: Register, today: date) -> FoundData:
    """Something in every source: a few records per category, some kept for retention."""
    sources = []
    for number, source in enumerate(register.sources):
        if isinstance(source, SqlSource):
            categories = [c for t in source.tables for col in t.columns for c in col.categories]
            activities = [a for t in source.tables for a in t.activities]
        elif isinstance(source, FileSource):
            categories = [c for f in source.fields for c in f.categories]
            activities = list(source.activities)
        else:
            categories, activities = list(source.categories), list(source.activities)
        counts = {c: 1 + (number + i) % 3 for i, c in enumerate(dict.fromkeys(categories))}
        kept = []
        for activity_id in dict.fromkeys(activities):
            activity = register.activity(activity_id)
            if activity and activity.retention.norm and activity.retention.duration:
                kept_categories = tuple(c for c in activity.data_categories if c in counts)
                if kept_categories:
                    kept.append(
                        KeptRecords(activity_id, kept_categories, 2, date(today.year - 1, 3, 15))
                    )
        sources.append(
            FoundSource(
                source.id,
                counts,
                tuple(dict.fromkeys(activities)),
                tuple(kept),
                recipients=tuple(dict.fromkeys(_disclosed_to(source))),
            )
        )
    return FoundData(tuple(sources))


def _disclosed_to(source: Any) -> list[str]:
    """Every recipient a source's `disclosures` can name: what a sample letter lists."""
    containers = source.tables if isinstance(source, SqlSource) else [source]
    disclosures = [d for c in containers if (d := getattr(c, "disclosures", None)) is not None]
    return [r for d in disclosures for r in [*d.to, *d.values.values()]]


def sample_copy(register: Register, language: str) -> tuple[ExportedPart, ...]:
    """A portability copy of every table or file with provided data on consent or contract."""
    parts: list[ExportedPart] = []
    for source in register.sources:
        specs: list[Any] = []
        if isinstance(source, SqlSource):
            specs = [(f"{source.id}/{t.name}.csv", t, t.columns) for t in source.tables]
        elif isinstance(source, FileSource):
            specs = [(f"{source.id}/{source.id}.csv", source, source.fields)]
        for csv_name, spec, columns in specs:
            portable = [
                c
                for c in columns
                if c.provided
                and any(
                    (a := register.activity(i)) and a.portability_possible
                    for i in c.activities or spec.activities
                )
            ]
            if portable:
                label = (spec.label.get(language) if spec.label else None) or spec.name
                kept = [c for c in columns if c.name == spec.key] + portable  # the export's
                categories = tuple(dict.fromkeys(k for c in kept for k in c.categories))
                files = ("data.json", csv_name)
                parts.append(ExportedPart(label, files, 1 + len(parts) % 3, categories))
    return tuple(parts)


def sample_inputs(register: Register, letter_type: str, language: str, today: date) -> Sample:
    """The request facts, found data and staff texts of the sample letter."""
    jurisdiction = register_jurisdiction(register)
    received_on = today - timedelta(days=9)
    received_at = datetime.combine(received_on, time(10), ZoneInfo(jurisdiction.timezone))
    received_at = received_at.astimezone(UTC)
    activities = register.activities
    objectionable = [a.id for a in activities if a.direct_marketing] or [
        a.id for a in activities if a.objection_possible
    ]
    consent = [a.id for a in register.consent_activities] or [activities[0].id]
    recipient = next((r for r in register.recipients if r.contact), None) or (
        register.recipients[0] if register.recipients else None
    )
    details_by_type: dict[str, dict[str, Any]] = {
        "rectification": {"done_on": today.isoformat(), "rectification_status": "done"},
        "erasure": {"done_on": today.isoformat(), "erasure_status": "done"},
        "restriction": {
            "ground": "18.1.a",
            "activities": [activities[0].id],
            "done_on": today.isoformat(),
            "restriction_status": "active",
            "restricted_categories": [c.id for c in register.categories][:2],
        },
        "restriction_lift": {
            "ground": "18.1.a",
            "activities": [activities[0].id],
            "lift_on": (today + timedelta(days=14)).isoformat(),
        },
        "objection": {
            "outcome": "stopped",
            "activities": objectionable[:1],
            "done_on": today.isoformat(),
            "stop_status": "done",
        },
        "consent_withdrawal": {
            "effective_on": received_on.isoformat(),
            "activities": consent,
            "stop_status": "done",
        },
        "recipient_notice": {
            "recipient": recipient.id if recipient else None,
            "recipient_contact": None
            if recipient and recipient.contact
            else "datenschutz@empfaenger.example",
            "action": "erase",
            "action_on": today.isoformat(),
        },
        "refusal": {"ground": "excessive", "fee": "25.00"},
        "human_review": {
            "activities": [
                a.id
                for a in register.activities
                if a.automated_decision and a.automated_decision.present
            ][:1],
            "outcome": "confirmed",
            "reviewed_on": today.isoformat(),
        },  # fmt: skip
        "portability": {
            "transmit_to": "Beispiel Neu GmbH",
            "transmitted": True,
            "transmitted_on": today.isoformat(),
        },
    }
    details = details_by_type.get(letter_type, {})
    key = register.lookup_keys[0].id if register.lookup_keys else None
    keys: tuple[KeyUsed, ...] = ()
    if key:
        keys = {
            "access": (KeyUsed(key, "K-100042", "verified", "code_to_contact_on_file"),),
            "portability": (KeyUsed(key, "K-100043", "set_aside"),),
        }.get(letter_type, ())
    identity = Identity(SUBJECT.email, True, keys)
    facts = RequestFacts(
        reference=f"DSAR-{today.year}-000042",
        request_type=REQUEST_TYPE.get(letter_type, "access"),
        language=language,
        subject=SUBJECT,
        received_on=received_on,
        due_date=statutory_deadline(received_at, jurisdiction),
        extended_due_date=statutory_deadline(received_at, jurisdiction, extended=True),
        details=details,
        identity=identity,
        copy=CopyDelivery(today, today + timedelta(days=14), link_mailed=True, with_password=False)
        if letter_type in ("access", "portability")
        else None,
    )
    found = sample_found(register, today)
    if letter_type == "portability":
        found = replace(found, exported=sample_copy(register, language))
    if letter_type == "objection":  # stopped marketing puts the subject on the list
        facts = replace(facts, suppressed=objects_to_marketing(register, details))
    if letter_type in ("erasure", "rectification", "restriction"):
        # Art. 19: every recipient the sample search found was told, the first one a day late.
        told = [
            RecipientTold(r, today + timedelta(days=min(i, 1)))
            for i, r in enumerate(
                found.recipient_ids or [r.id for r in register.recipients if r.contact][:1]
            )
        ]
        facts = replace(facts, told=tuple(told))
    texts = dict(TEXTS[language])
    if letter_type == "refusal":  # effort alone is no ground: the refusal's reasons differ
        texts["reasons"] = REFUSAL_REASONS[language]
    return Sample(facts, found, texts)


# The footer's key fingerprint in samples: that of the all-zero key, never an install's.
SAMPLE_FINGERPRINT = fingerprint(bytes(32))


def sample_letter(
    register: Register, letter_type: str, language: str, today: date
) -> LetterContent:
    """The sample letter's content for `dsar letters sample` and the tests."""
    sample = sample_inputs(register, letter_type, language, today)
    content = build_letter(
        register,
        sample.facts,
        letter_type=letter_type,
        today=today,
        found=sample.found,
        texts=sample.texts,
    )
    return replace(content, fingerprint=SAMPLE_FINGERPRINT)
