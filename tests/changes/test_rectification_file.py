"""Rectifying a CSV and a JSON file source: one atomic rewrite, read back, others intact; and
the values checked against the register's column types (pure)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dsar.changes.models import RectificationStatus
from dsar.changes.rectification_plan import ItemMapping
from dsar.changes.rectification_values import InvalidValue, LiveColumn, parse_value, same, shown
from dsar.changes.rectifications import (
    approve_rectification,
    carry_out_rectification,
    plan_request_rectification,
)
from dsar.register import FileSource
from dsar.register.datasources import FieldSpec
from dsar.requests.operations import apply_action
from dsar.requests.workflow import Action, RequestType
from tests.factories import make_request, make_staff

ROWS = [
    {"id": "1", "email": "zoe@example.org", "name": "Zoe", "city": "Koeln"},
    {"id": "2", "email": "jonas@example.org", "name": "Jonas", "city": "Bonn"},
    {"id": "3", "email": "zoe@example.org", "name": "Zoe S.", "city": "Koeln"},
]
ITEMS = [{"wrong": "city", "correct": "Köln"}, {"wrong": "name", "correct": "Zoë"}]
NAME = "legacy|legacy|name"


def _source(path: Path) -> FileSource:
    return FileSource.model_validate(
        {
            "type": "file", "id": "legacy", "name": "Legacy export", "path": str(path),
            "key": "id", "lookup": [{"field": "email", "key": "email"}],
            "activities": ["orders"], "erasure": "delete",
            "fields": [
                {"name": "id"},
                {"name": "email", "categories": ["contact"]},
                {"name": "name", "categories": ["identity"]},
                {"name": "city", "categories": ["postal_address"]},
            ],
        }
    )  # fmt: skip


def _write(path: Path, kind: str) -> None:
    if kind == "csv":
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(ROWS[0]))
            writer.writeheader()
            writer.writerows(ROWS)
    else:
        path.write_text(json.dumps(ROWS), encoding="utf-8")


def _read(path: Path, kind: str) -> list[dict[str, str]]:
    if kind == "csv":
        with path.open(newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))
    return list(json.loads(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("kind", ["csv", "json"])
def test_a_file_is_rewritten_with_the_value_and_read_back(  # type: ignore[no-untyped-def]
    session, controller, now, register, tmp_path, kind
) -> None:
    path = tmp_path / f"legacy.{kind}"
    _write(path, kind)
    file_register = register.model_copy(update={"sources": [_source(path)]})
    request = make_request(
        session, controller, now, type=RequestType.RECTIFICATION, subject_email="zoe@example.org",
        details={"items": ITEMS},
    )  # fmt: skip
    apply_action(session, request, Action.VERIFY_IDENTITY, actor="test", now=now)
    rectification = plan_request_rectification(
        session, request, file_register,
        [ItemMapping(0, "legacy|legacy|city", "", "Köln"), ItemMapping(1, NAME, "3", "Zoë")],
        actor="dana@example.org", now=now,
    )  # fmt: skip
    assert _read(path, kind) == ROWS  # planning changes nothing
    assert rectification.items[0]["before"] == ["Koeln"] and rectification.items[1]["rows"] == 1
    approve_rectification(session, rectification, approver=make_staff(session, now), now=now)

    carry_out_rectification(session, rectification, file_register, now=now)

    assert rectification.status is RectificationStatus.DONE
    assert [r["verified"] for r in rectification.reports] == [True, True]
    assert _read(path, kind) == [
        {**ROWS[0], "city": "Köln"},
        ROWS[1],  # somebody else's record, as it was
        {**ROWS[2], "city": "Köln", "name": "Zoë"},
    ]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


MONEY = FieldSpec(type="money", currency="EUR", scale=2)


@pytest.mark.parametrize(
    ("spec", "raw", "stored"),
    [
        (FieldSpec(type="integer"), "42", 42),
        (FieldSpec(type="number"), "3.50", "3.50"),
        (MONEY, "12,34", 1234),
        (FieldSpec(type="date"), "2026-05-03", "2026-05-03"),
        (FieldSpec(type="datetime"), "2026-05-03 10:00", "2026-05-03T10:00:00"),
        (FieldSpec(type="boolean"), "yes", True),
        (FieldSpec(), "Köln", "Köln"),
        (FieldSpec(), "", None),
    ],
)
def test_values_are_stored_as_the_column_types_them(spec, raw, stored) -> None:  # type: ignore[no-untyped-def]
    assert parse_value("t.c", spec, raw) == stored


@pytest.mark.parametrize(
    ("spec", "raw", "live", "why"),
    [
        (FieldSpec(type="integer"), "4.2", None, "t.c takes a whole number"),
        (FieldSpec(type="number"), "abc", None, "t.c takes a number"),
        (MONEY, "12.345", None, "t.c takes an amount in EUR with at most 2 decimals"),
        (FieldSpec(type="date"), "3 May", None, "t.c takes a date"),
        (FieldSpec(type="datetime"), "soon", None, "t.c takes a date and time"),
        (FieldSpec(type="boolean"), "maybe", None, "t.c takes yes or no"),
        (FieldSpec(), "abcdef", LiveColumn(length=5), "t.c holds at most 5 characters"),
        (FieldSpec(), "", LiveColumn(nullable=False), "t.c cannot be empty"),
    ],
)
def test_values_of_the_wrong_type_are_refused_naming_the_column(spec, raw, live, why) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidValue, match=why):
        parse_value("t.c", spec, raw, live)


def test_read_back_compares_as_stored() -> None:
    from decimal import Decimal

    assert same(Decimal("3.50"), "3.5") and same("", None) and not same("x", "y")
    assert same(1, True) and not same("01234", "1234")


@given(st.integers(min_value=-(10**12), max_value=10**12), st.integers(min_value=0, max_value=4))
def test_an_amount_shown_is_the_amount_typed(cents: int, scale: int) -> None:
    """Money: the stored minor units, shown again, read back as the same stored value."""
    spec = FieldSpec(type="money", currency="EUR", scale=scale)
    typed = shown(spec, cents).removesuffix(" EUR")
    assert parse_value("t.c", spec, typed) == cents
