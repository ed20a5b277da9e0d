"""Leaving rows and single fields out of a copy: absent from data.json and the CSVs, counted by
reason in the manifest, never shown there."""

from __future__ import annotations

import csv
import io
import json

import pytest

from dsar.fulfilment.exclusions import exclude, excluded_for
from dsar.fulfilment.models import ExclusionReason
from dsar.fulfilment.search import FulfilmentError
from tests.fulfilment.test_export import _build, _prepared

SECRET = "Musterweg 75, 80331 München"  # the address on customer 42's four orders


def _leave_out(session, request, now, row_key, field="", code=ExclusionReason.THIRD_PARTY):  # type: ignore[no-untyped-def]
    return exclude(
        session,
        request,
        source_id="shop_db",
        part="orders",
        row_key=row_key,
        field=field,
        reason_code=code,
        reason="the neighbour's parcel",
        actor="dana@example.org",
        now=now,
    )


def _orders(archive):  # type: ignore[no-untyped-def]
    data = json.loads(archive.read("data.json"))
    part = next(p for p in data["sources"][0]["parts"] if p["name"] == "orders")
    rows = list(csv.reader(io.StringIO(archive.read("shop_db/orders.csv").decode(), newline="")))
    return part, rows


def test_an_excluded_field_is_absent_from_json_and_csv(app, session, now, verified_request):
    request = verified_request()
    register = _prepared(app, session, now, request)
    _leave_out(session, request, now, "117", field="shipping_address")
    _built, archive = _build(app, session, now, request, register)

    part, rows = _orders(archive)
    record = next(r for r in part["rows"] if r["id"] == 117)
    assert "shipping_address" not in record and record["total_cents"] == 7048
    assert all("shipping_address" in r for r in part["rows"] if r["id"] != 117)
    csv_117 = next(r for r in rows[1:] if r[0] == "117")
    assert csv_117[-2] == "" and sum(SECRET in cell for r in rows for cell in r) == 3
    assert (part["row_count"], part["excluded_rows"], part["excluded_fields"]) == (4, 0, 1)
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["exclusions"] == [
        {
            "source": "shop_db",
            "part": "orders",
            "field": "shipping_address",
            "reason": "third_party",
            "count": 1,
        }
    ]


def test_excluded_rows_are_counted_by_reason_never_by_content(app, session, now, verified_request):
    request = verified_request()
    register = _prepared(app, session, now, request)
    _leave_out(session, request, now, "116")
    _leave_out(session, request, now, "118", code=ExclusionReason.NOT_SUBJECT)
    built, archive = _build(app, session, now, request, register)

    part, rows = _orders(archive)
    assert [r["id"] for r in part["rows"]] == [117, 119]
    assert [r[0] for r in rows[1:]] == ["117", "119"]
    assert (part["row_count"], part["excluded_rows"]) == (2, 2)
    text = archive.read("manifest.json").decode()
    assert json.loads(text)["exclusions"] == [
        {"source": "shop_db", "part": "orders", "field": None, "reason": r, "count": 1}
        for r in ("not_subject", "third_party")
    ]
    assert "neighbour" not in text  # the entries above hold no row key, nor staff's words
    page = archive.read("index.html").decode()
    assert "What we left out" in page and "2 rows" in page
    assert built.export.row_count == 12


def test_a_reason_in_words_is_needed_and_a_second_exclusion_changes_nothing(
    session, now, verified_request
):
    request = verified_request()
    with pytest.raises(FulfilmentError):
        exclude(
            session,
            request,
            source_id="shop_db",
            part="orders",
            row_key="116",
            reason_code=ExclusionReason.OTHER,
            reason="  ",
            actor="dana@example.org",
            now=now,
        )
    first = _leave_out(session, request, now, "116", field="status")
    again = _leave_out(session, request, now, "116", field="status")
    assert again.id == first.id
    excluded = excluded_for(session, request)
    assert excluded.rows == {} and excluded.fields == {
        ("shop_db", "orders"): {"116": {"status": "third_party"}}
    }
