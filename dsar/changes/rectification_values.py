"""PURE: a rectification's new value, checked against the register column's `type` and the
live column (its length, NOT NULL), and how the value is stored, written and audited.

A value is kept as JSON (text, integer, number as text, money in the column's stored unit,
date and datetime as ISO text, boolean) and turned into the column's Python type only when
it is written, so the plan staff approve shows exactly what will be written.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from dsar.core.words import N_
from dsar.register.datasources import FieldSpec

BOOLEANS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
_INTEGER = re.compile(r"[+-]?\d+")


class InvalidValue(ValueError):
    """The new value does not fit the column; the message names the column."""


@dataclass(frozen=True)
class LiveColumn:
    """What the database says of a column: its longest text (None: unlimited), NULL allowed."""

    length: int | None = None
    nullable: bool = True


def parse_value(where: str, spec: FieldSpec, raw: str, live: LiveColumn | None = None) -> Any:
    """The value staff typed as the column stores it; InvalidValue names `where` otherwise.

    An empty value empties the column (NULL), which a NOT NULL column refuses."""
    text = raw.strip()
    live = live or LiveColumn()
    if not text:
        if not live.nullable:
            raise InvalidValue(N_("column %(where)s cannot be empty (NOT NULL)", where=where))
        return None
    kind = spec.type
    if kind == "text":
        if live.length is not None and len(text) > live.length:
            raise InvalidValue(
                N_(
                    "column %(where)s holds at most %(most)s characters, not %(given)s",
                    where=where,
                    most=live.length,
                    given=len(text),
                )
            )
        return text
    if kind == "integer":
        if not _INTEGER.fullmatch(text):
            raise InvalidValue(
                N_("column %(where)s takes a whole number, not %(text)r", where=where, text=text)
            )
        return int(text)
    if kind in ("number", "money"):
        try:
            number = Decimal(text.replace(",", ".") if text.count(",") == 1 else text)
        except InvalidOperation:
            raise InvalidValue(
                N_("column %(where)s takes a number, not %(text)r", where=where, text=text)
            ) from None
        if not number.is_finite():
            raise InvalidValue(
                N_("column %(where)s takes a number, not %(text)r", where=where, text=text)
            )
        if kind == "number":
            return str(number)
        stored = number.scaleb(spec.scale)
        if stored != stored.to_integral_value():
            raise InvalidValue(
                N_(
                    "column %(where)s takes an amount in %(currency)s with at most %(scale)s "
                    "decimals, not %(text)r",
                    where=where,
                    currency=spec.currency,
                    scale=spec.scale,
                    text=text,
                )
            )
        return int(stored)
    if kind == "date":
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise InvalidValue(
                N_(
                    "column %(where)s takes a date (YYYY-MM-DD), not %(text)r",
                    where=where,
                    text=text,
                )
            ) from None
    if kind == "datetime":
        try:
            return datetime.fromisoformat(text).isoformat()
        except ValueError:
            raise InvalidValue(
                N_(
                    "column %(where)s takes a date and time (YYYY-MM-DD HH:MM), not %(text)r",
                    where=where,
                    text=text,
                )
            ) from None
    if text.lower() not in BOOLEANS:
        raise InvalidValue(
            N_("column %(where)s takes yes or no, not %(text)r", where=where, text=text)
        )
    return BOOLEANS[text.lower()]


def python_value(spec: FieldSpec, value: Any) -> Any:
    """The stored JSON value as the database column takes it."""
    if value is None:
        return None
    if spec.type == "number":
        return Decimal(value)
    if spec.type == "date":
        return date.fromisoformat(value)
    if spec.type == "datetime":
        return datetime.fromisoformat(value)
    return value


def shown(spec: FieldSpec, value: Any) -> str:
    """The value for people: money in its currency's unit, an empty value as "(empty)"."""
    if value is None or value == "":
        return "(empty)"
    if spec.type == "money":
        amount = Decimal(int(value)).scaleb(-spec.scale)
        return f"{amount:.{spec.scale}f} {spec.currency}"
    if spec.type == "boolean":
        return "yes" if value in (True, "true", "1", 1) else "no"
    return str(value)


def same(found: Any, value: Any) -> bool:
    """Whether a value read back equals the value written (a file keeps everything as text)."""
    if value is None:
        return found in (None, "")
    if found is None:
        return False
    if isinstance(value, bool):
        return (
            str(found).lower() in ("1", "true") if value else str(found).lower() in ("0", "false")
        )
    if isinstance(found, datetime | date):
        found = found.isoformat()
    if isinstance(found, Decimal | float):  # a NUMERIC column gives 12.50 for "12.5"
        try:
            return Decimal(str(found)) == Decimal(str(value))
        except InvalidOperation:
            return False
    return str(found) == str(value)


def audited(value: Any, mode: str) -> Any:
    """A value for the audit trail: itself, or its SHA-256 (DSAR_AUDIT_RECTIFICATION=hashes)."""
    if mode != "hashes":
        return value
    encoded = json.dumps(value, sort_keys=True, default=str).encode()
    return "sha256:" + hashlib.sha256(encoded).hexdigest()
