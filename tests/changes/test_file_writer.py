"""Erasing a subject from CSV and JSON files: an atomic rewrite that keeps everybody else's."""

from __future__ import annotations

import csv
import json
import os
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from dsar.changes.executors import file_rows_executor
from dsar.changes.file_writer import FileWriter
from dsar.changes.plan import plan_erasure
from dsar.jobs.models import PlannedDeletion
from dsar.register import FileSource
from dsar.sources import FileConnector, Subject

ZOE = Subject.of("zoe@example.org")
FIELDS = ("id", "email", "name", "city", "ordered")
ROWS = [
    dict(zip(FIELDS, values, strict=True))
    for values in (
        ("1", "zoe@example.org", "Zoë", "Köln", "2025-05-01"),
        ("2", "jonas@example.org", "Jonas", "Bonn", "2025-06-01"),
        ("3", "ZOE@example.org", "Zoë S.", "Köln", "2024-02-01"),
        ("4", "anna@example.org", "Anna", "Essen", "2025-07-01"),
    )
]


def _source(path: Path, erasure: object, **field_rules: object) -> FileSource:
    fields = [
        {"name": "id"},
        {"name": "email", "categories": ["contact"]},
        {"name": "name", "categories": ["identity"]},
        {"name": "city", "categories": ["postal_address"]},
        {"name": "ordered", "categories": ["order"]},
    ]
    for spec in fields:
        if spec["name"] in field_rules:
            spec["erasure"] = field_rules[spec["name"]]
    return FileSource.model_validate(
        {
            "type": "file", "id": "legacy", "name": "Legacy export", "path": str(path),
            "key": "id", "lookup": [{"field": "email", "key": "email"}],
            "activities": ["orders"], "fields": fields, "erasure": erasure,
        }
    )  # fmt: skip


def _write(path: Path, kind: str) -> None:
    if kind == "csv":
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(ROWS[0]))
            writer.writeheader()
            writer.writerows(ROWS)
    else:
        path.write_text(json.dumps(ROWS, ensure_ascii=False), encoding="utf-8")


def _read(path: Path) -> list[dict[str, str]]:
    if path.suffix == ".csv":
        with path.open(newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))
    return json.loads(path.read_text(encoding="utf-8"))


def _erase(session, register, source, context, scope=None):  # type: ignore[no-untyped-def]
    plan = plan_erasure(register, source, FileConnector(source), ZOE, scope)
    return FileWriter(source).apply(session, plan, context, session.commit)[0]


@pytest.mark.parametrize("kind", ["csv", "json"])
def test_delete_rewrites_the_file_without_the_subject_s_records(
    session, register, context, tmp_path, kind
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / f"legacy.{kind}"
    _write(path, kind)
    report = _erase(session, register, _source(path, "delete"), context)

    assert _read(path) == [ROWS[1], ROWS[3]]  # the others, unchanged and in order
    assert (report.removed, report.verified, report.failed) == (2, True, False)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left
    again = _erase(session, register, _source(path, "delete"), context)
    assert again.removed == 2  # the total recorded, not 2 more


def test_anonymise_and_keep_by_column_and_plan_the_kept_records(
    session, register, context, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "legacy.csv"
    _write(path, "csv")
    source = _source(
        path,
        {"action": "keep", "retention": "orders", "date_column": "ordered"},
        email={"action": "anonymise", "value": "erased@invalid"},
        name={"action": "anonymise", "value": None},
    )
    report = _erase(session, register, source, context)

    rows = _read(path)
    emails = [r["email"] for r in rows]
    assert emails == ["erased@invalid", "jonas@example.org", "erased@invalid", "anna@example.org"]
    assert [r["name"] for r in rows] == ["", "Jonas", "", "Anna"]
    assert [r["city"] for r in rows] == ["Köln", "Bonn", "Köln", "Essen"]  # kept
    assert (report.anonymised, report.kept, report.verified) == (2, 2, True)
    planned = session.execute(select(PlannedDeletion).order_by(PlannedDeletion.blocked_until))
    found = {
        p.blocked_until.isoformat(): json.loads(p.record_key)["keys"] for p in planned.scalars()
    }
    assert found == {"2030-12-31": ["3"], "2031-12-31": ["1"]}  # 6 years after each year's end

    executor = file_rows_executor(lambda session, planned: source)
    first = session.execute(
        select(PlannedDeletion).where(PlannedDeletion.blocked_until.in_([date(2031, 12, 31)]))
    ).scalar_one()
    evidence = executor(session, first, context.now)
    assert evidence.startswith("deleted 1 of 1 rows of legacy.legacy")
    assert [r["id"] for r in _read(path)] == ["2", "3", "4"]  # record 1, kept until 2031
    assert executor(session, first, context.now).endswith("; 1 were already gone")


def test_a_partial_scope_anonymises_only_its_columns_and_says_what_it_cannot_do(
    session, register, context, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "legacy.json"
    _write(path, "json")
    source = _source(path, "delete", city={"action": "anonymise", "value": None})
    report = _erase(session, register, source, context, scope={"postal_address", "identity"})

    rows = _read(path)
    assert [r["city"] for r in rows] == [None, "Bonn", None, "Essen"]
    assert [r["name"] for r in rows] == ["Zoë", "Jonas", "Zoë S.", "Anna"]  # no rule for it alone
    assert len(rows) == 4  # not deleted: email and ordered are out of scope
    assert report.anonymised == 2
    assert any("legacy.name: not erased" in reason for reason in report.reasons)


def test_a_failed_rewrite_leaves_the_old_file(
    session, register, context, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "legacy.csv"
    _write(path, "csv")
    before = path.read_bytes()

    def broken_fsync(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        _erase(session, register, _source(path, "delete"), context)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_a_partly_scoped_keep_empties_only_the_kept_fields_when_it_ends(
    session, register, context, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "legacy.csv"
    _write(path, "csv")
    source = _source(path, {"action": "keep", "retention": "orders", "date_column": "ordered"})
    report = _erase(session, register, source, context, scope={"postal_address"})
    assert report.kept == 2 and _read(path) == ROWS  # nothing changes yet

    executor = file_rows_executor(lambda session, planned: source)
    evidence = [
        executor(session, p, context.now)
        for p in session.execute(select(PlannedDeletion)).scalars()
    ]
    assert all(e.startswith("emptied the kept columns of 1 of 1 rows") for e in evidence)
    rows = _read(path)
    assert [r["city"] for r in rows] == ["", "Bonn", "", "Essen"]
    assert [r["name"] for r in rows] == ["Zoë", "Jonas", "Zoë S.", "Anna"]  # out of scope
