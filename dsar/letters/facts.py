"""The request and what the search found, as the plain values a letter is built from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dsar.letters.identity import Identity


@dataclass(frozen=True)
class Subject:
    name: str
    email: str | None = None
    address: str | None = None  # as the subject wrote it, one line per address line
    salutation: str | None = None  # "ms" or "mr" when the subject gave one; None: by name


@dataclass(frozen=True)
class Representative:
    """Who asked on the subject's behalf: the letter goes to them and greets them
    (docs/representatives.md); `salutation` is theirs, as the form asked the sender."""

    name: str
    salutation: str | None = None
    # Which of the two decisions staff refused: "identity", "authority", "both", or None when
    # neither was refused (an identity not established by the ordinary decision: the letter
    # says, as to anyone, that who they are could not be confirmed).
    refused: str | None = None


@dataclass(frozen=True)
class CopyDelivery:
    """How the copy of the data was made available, as recorded: the live export and its mail.

    A letter says only this (never "attached"): the link mailed on `made_on` if `link_mailed`,
    the download on the subject's status page until `available_until`, a password if set.
    """

    made_on: date
    available_until: date
    link_mailed: bool
    with_password: bool


@dataclass(frozen=True)
class RecipientTold:
    """A register recipient told of the request's outcome (Art. 19), and the day it was."""

    recipient: str
    on: date


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
    copy: CopyDelivery | None = None  # access and portability: the copy as delivered
    told: tuple[RecipientTold, ...] = ()  # Art. 19 notices that reached their recipient
    suppressed: bool = False  # this request put the subject on the marketing suppression list
    representative: Representative | None = None  # asked on the subject's behalf


@dataclass(frozen=True)
class KeptRecords:
    """Records an erasure kept because a retention duty applies (Art. 17(3)(b))."""

    activity: str  # the activity whose retention keeps them
    categories: tuple[str, ...]
    count: int
    latest_on: date | None  # the latest trigger date (e.g. invoice date) among them
    kept_until: date | None = None  # the last day kept, as a recorded planned deletion says


@dataclass(frozen=True)
class FoundSource:
    """What the search found in one source: counts per category, and the activities."""

    source: str
    categories: Mapping[str, int]
    activities: tuple[str, ...]
    kept: tuple[KeptRecords, ...] = ()
    recipients: tuple[str, ...] = ()  # register recipients the subject's data went to
    unmapped_recipients: tuple[str, ...] = ()  # where it went, in values the register lacks


@dataclass(frozen=True)
class ExportedPart:
    """One table or file in the copy as built: the ZIP's files that hold it, what it holds."""

    label: str  # the table or file for people, in the copy's language
    files: tuple[str, ...]  # data.json and/or its CSV
    rows: int
    categories: tuple[str, ...]  # category ids
    columns: tuple[str, ...] = ()  # column labels


@dataclass(frozen=True)
class FoundData:
    """The fulfilment's summary for the letter; the copy itself is a separate export."""

    sources: tuple[FoundSource, ...]
    copy_format: str = "JSON, CSV"
    exported: tuple[ExportedPart, ...] = ()  # the latest live copy's parts; () before one
    erased: tuple[str, ...] | None = None  # category ids an erasure recorded as erased

    @property
    def activity_ids(self) -> list[str]:
        return list(dict.fromkeys(a for s in self.sources for a in s.activities))

    @property
    def recipient_ids(self) -> list[str]:
        return list(dict.fromkeys(r for s in self.sources for r in s.recipients))

    @property
    def unmapped_recipients(self) -> list[str]:
        return list(dict.fromkeys(v for s in self.sources for v in s.unmapped_recipients))


SALUTATIONS = ("ms", "mr")


def salutation_of(details: Mapping[str, Any] | None) -> str | None:
    """The salutation the subject chose ("ms", "mr"), or None: the letter greets by name."""
    value = (details or {}).get("salutation")
    return value if value in SALUTATIONS else None
