"""The one small interface every data-source connector has: count, sample, page, stream rows.

A connector is built from one register source and knows nothing of requests or the app; the
fulfilment services call it. Writes (erasure, rectification) will join this interface later.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Protocol

from dsar.register.datasources import EMAIL_KEY

MAX_DISCLOSED = 50  # distinct recipient values read per part: more are a register problem


class SourceUnreachable(Exception):
    """The source cannot be reached now (no connection, missing file): nothing may be exported."""


class RegisterMismatch(Exception):
    """The register names a table, column or field the source does not have; no query was run."""


@dataclass(frozen=True)
class Subject:
    """How to find one person: lookup key id -> value; `email` is the built-in key."""

    keys: Mapping[str, str]

    @classmethod
    def of(cls, email: str | None, lookup: Mapping[str, Any] | None = None) -> Subject:
        keys = {k: str(v).strip() for k, v in (lookup or {}).items() if v not in (None, "")}
        if email:
            keys[EMAIL_KEY] = email.strip()
        return cls(keys)

    def values(self, key: str) -> list[str]:
        """The values to compare for `key`: an e-mail also as lower case (index-friendly)."""
        value = self.keys.get(key)
        if value is None:
            return []
        if key == EMAIL_KEY and value.lower() != value:
            return [value, value.lower()]
        return [value]


@dataclass(frozen=True)
class ClaimCheck:
    """What one source holds under a typed lookup key: rows, and the e-mails on file for them.

    `checkable` is False when some table matches the key without a `verifiable_by` column, so
    its rows cannot be tied to anybody's address.
    """

    rows: int
    contacts: frozenset[str]
    checkable: bool


@dataclass(frozen=True)
class PartSpec:
    """A table or file of a source as the register describes it: its columns and activities."""

    name: str
    columns: tuple[str, ...]


@dataclass
class PartFound:
    """What one table or file holds about the subject: a count and the first rows."""

    name: str
    columns: list[str]
    count: int
    sample: list[dict[str, Any]] = field(default_factory=list)
    key_columns: tuple[str, ...] = ()  # what identifies a row for exclusions; () = a hash
    # The distinct values of the register's `disclosures.column` among the subject's rows:
    # where they went (a carrier per order); () when the register names no such column.
    disclosed: tuple[str, ...] = ()


class Connector(Protocol):
    """Reads one source; every method raises SourceUnreachable or RegisterMismatch."""

    source_id: str

    def parts(self) -> list[PartSpec]:
        """The tables or files in register order."""
        ...

    def search(self, subject: Subject, sample_size: int) -> list[PartFound]:
        """Count the subject's rows in each part and return a small sample of each."""
        ...

    def rows(self, subject: Subject, part: str) -> Iterator[dict[str, Any]]:
        """Stream the subject's rows of one part, in a stable order, one at a time."""
        ...

    def page(self, subject: Subject, part: str, offset: int, limit: int) -> list[dict[str, Any]]:
        """At most `limit` of the subject's rows of one part after the first `offset`, in the
        order of `rows`: what staff review one page at a time."""
        ...

    def key_columns(self, part: str) -> tuple[str, ...]:
        """The columns that identify a row of `part` (for exclusions); () means hash the row."""
        ...

    def values_of(self, part: str, column: str) -> Iterator[Any]:
        """Each value of one lookup column (file: field) of `part`, streamed: how an erased
        subject is found again from hashes (dsar.suppression.recovery)."""
        ...

    def close(self) -> None: ...


def jsonable(value: Any) -> Any:
    """A database value as JSON can hold it: dates in ISO 8601, bytes in base64."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def row_key(row: Mapping[str, Any], key_columns: Sequence[str]) -> str:
    """A row's stable identity for exclusions: its key values, or a hash of the whole row."""
    if key_columns and all(c in row for c in key_columns):
        return ",".join(str(row[c]) for c in key_columns)
    canonical = json.dumps(row, sort_keys=True, default=str, ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()[:16]
