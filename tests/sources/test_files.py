"""CSV and JSON file sources."""

from __future__ import annotations

import json

import pytest

from dsar.register.datasources import FileSource
from dsar.sources import FileConnector, RegisterMismatch, SourceUnreachable, Subject


def _source(path, fmt, fields=("email", "points"), **more):  # type: ignore[no-untyped-def]
    return FileSource.model_validate(
        {
            "type": "file",
            "id": "loyalty",
            "name": "Loyalty points",
            "path": str(path),
            "format": fmt,
            "lookup": [{"field": "email", "key": "email"}],
            "activities": ["newsletter"],
            "fields": [{"name": f} for f in fields],
            "erasure": "delete",
            **more,
        }
    )


def test_a_page_of_records_and_the_registers_key(tmp_path):
    path = tmp_path / "loyalty.csv"
    lines = [f"zoe@example.org,{n}" for n in range(7)] + ["other@example.org,99"]
    path.write_text("email,points\n" + "\n".join(lines) + "\n")
    keyed = FileConnector(_source(path, "csv", key="points"))
    zoe = Subject.of("zoe@example.org")

    assert [r["points"] for r in keyed.page(zoe, "loyalty", 5, 5)] == ["5", "6"]
    assert keyed.key_columns("loyalty") == ("points",)
    assert keyed.search(zoe, 1)[0].key_columns == ("points",)
    assert FileConnector(_source(path, "csv")).key_columns("loyalty") == ()  # a row hash


def test_csv_rows_of_the_subject(tmp_path):
    path = tmp_path / "loyalty.csv"
    path.write_text(
        "email,points,note\nzoe@example.org,10,a\nother@example.org,5,b\nZOE@example.org,7,c\n"
    )
    connector = FileConnector(_source(path, "csv"))

    found = connector.search(Subject.of("zoe@example.org"), 5)

    assert found[0].count == 2
    assert found[0].sample == [
        {"email": "zoe@example.org", "points": "10"},
        {"email": "ZOE@example.org", "points": "7"},
    ]


def test_json_rows_of_the_subject(tmp_path):
    path = tmp_path / "loyalty.json"
    path.write_text(
        json.dumps(
            [{"email": "zoe@example.org", "points": 10}, {"email": "x@example.org", "points": 1}]
        )
    )
    rows = list(FileConnector(_source(path, "json")).rows(Subject.of("zoe@example.org"), "loyalty"))
    assert rows == [{"email": "zoe@example.org", "points": 10}]


def test_missing_file_is_unreachable(tmp_path):
    with pytest.raises(SourceUnreachable, match="does not exist"):
        FileConnector(_source(tmp_path / "gone.csv", "csv")).search(
            Subject.of("zoe@example.org"), 1
        )


def test_missing_field_is_named(tmp_path):
    path = tmp_path / "loyalty.csv"
    path.write_text("email,score\nzoe@example.org,1\n")
    with pytest.raises(RegisterMismatch, match="has no field 'points'"):
        FileConnector(_source(path, "csv")).search(Subject.of("zoe@example.org"), 1)


def test_the_search_reads_where_the_subjects_records_went(tmp_path):
    path = tmp_path / "loyalty.csv"
    path.write_text(
        "email,points,partner\nzoe@example.org,10,Air\nzoe@example.org,5,\n"
        "zoe@example.org,7,Rail\nzoe@example.org,1,Air\nother@example.org,3,Ship\n"
    )
    disclosures = {"column": "partner", "values": {"Air": "airline"}}
    source = _source(path, "csv", ("email", "points", "partner"), disclosures=disclosures)

    [found] = FileConnector(source).search(Subject.of("zoe@example.org"), 1)

    assert found.disclosed == ("Air", "Rail")  # distinct, no empty value, nobody else's
    assert (
        FileConnector(_source(path, "csv")).search(Subject.of("zoe@example.org"), 1)[0].disclosed
        == ()
    )


def test_values_of_gives_each_records_value_and_skips_empty_ones(tmp_path):
    path = tmp_path / "loyalty.csv"
    path.write_text("email,points\nzoe@example.org,1\n,2\nZoe@Example.org,3\nzoe@example.org,4\n")
    connector = FileConnector(_source(path, "csv"))

    assert list(connector.values_of("loyalty", "email")) == [
        "zoe@example.org",
        "Zoe@Example.org",
        "zoe@example.org",
    ]
    with pytest.raises(RegisterMismatch):
        list(connector.values_of("other", "email"))
