"""The copy a person reads: index.html and the CSV headers in the request's language, with the
register's labels, money and dates for the locale and correct plurals; data.json stays raw."""

from __future__ import annotations

import json
import re

from tests.fulfilment.test_export import _build, _prepared

ENGLISH = (
    "Order number",
    "Delivery address",
    " rows",
    " row<",
    "Legal basis",
    "GDPR",
    "Purpose",
    ">delivered<",
    ">shipped<",
)


def test_a_german_copy_reads_german(app, session, now, verified_request):
    request = verified_request(language="de")
    _built, archive = _build(app, session, now, request, _prepared(app, session, now, request))

    page = archive.read("index.html").decode()
    assert "<h2>Shop-Datenbank: Bestellungen</h2>" in page
    assert "4 Zeilen" in page and "1 Zeile<" in page and "1 Zeilen" not in page
    assert '<th scope="col">Bestellnummer</th>' in page and "Lieferanschrift" in page
    assert "28,70\xa0€" in page and "09.07.2025, 10:48:00" in page  # order 116
    assert "Art. 6 Abs. 1 lit. b DSGVO" in page
    assert "total_cents" not in page and "2870" not in page
    assert [word for word in ENGLISH if word in page] == []
    assert ">geliefert<" in page and ">versandt<" in page  # the register's words for codes
    header = archive.read("shop_db/orders.csv").decode().splitlines()[0]
    assert header == (
        "Bestellnummer,Interne Kundennummer,Bestellt am,Betrag,Status,Lieferanschrift,"
        "Versanddienstleister"
    )

    data = json.loads(archive.read("data.json"))
    orders = next(p for p in data["sources"][0]["parts"] if p["name"] == "orders")
    assert orders["rows"][0]["total_cents"] == 2870  # raw values and keys for machines
    assert orders["rows"][0]["ordered_at"] == "2025-07-09T10:48:00"
    amount = next(c for c in orders["columns"] if c["name"] == "total_cents")
    assert (amount["label"], amount["type"], amount["currency"], amount["scale"]) == (
        "Betrag",
        "money",
        "EUR",
        2,
    )


def test_an_english_copy_uses_english_labels(app, session, now, verified_request):
    request = verified_request(language="en")
    _built, archive = _build(app, session, now, request, _prepared(app, session, now, request))

    page = archive.read("index.html").decode()
    assert "<h2>Shop database: Orders</h2>" in page and "4 rows" in page and "1 row<" in page
    assert "€28.70" in page and "Art. 6(1)(b) GDPR" in page
    assert not re.search(r"Zeilen?|Bestellnummer", page)
