"""The SQL connector on SQLite and PostgreSQL: lookups, join paths, streaming, wrong names."""

from __future__ import annotations

import pytest

from dsar.register.datasources import Column
from dsar.sources import RegisterMismatch, SourceUnreachable, SqlConnector, Subject

CUSTOMER_42 = Subject.of("kunde042@example.org", {"customer_number": "K-100042"})


def _connector(demo_register, url, **changes):  # type: ignore[no-untyped-def]
    source = demo_register.source("shop_db").model_copy(update={"read_url": url, **changes})
    return SqlConnector(source)


def test_search_counts_and_samples(demo_register, shop_url):
    connector = _connector(demo_register, shop_url)
    try:
        found = {p.name: p for p in connector.search(CUSTOMER_42, 2)}
    finally:
        connector.close()

    assert {n: p.count for n, p in found.items()} == {
        "customers": 1,
        "orders": 4,
        "invoices": 4,
        "newsletter_subscriptions": 1,
        "contact_messages": 1,
        "support_tickets": 1,
        "web_logs": 2,
    }
    assert [r["id"] for r in found["orders"].sample] == [116, 117]
    assert found["invoices"].sample[0]["invoice_number"] == "RE-2025-000116"
    assert found["customers"].key_columns == ("id",)
    assert found["orders"].disclosed == ("Paket-Express",)  # the register's disclosures.column
    assert found["customers"].disclosed == ()


def test_rows_are_streamed_in_key_order(demo_register, shop_url):
    connector = _connector(demo_register, shop_url)
    heavy = Subject.of("kunde060@example.org")
    try:
        rows = connector.rows(heavy, "web_logs")
        first = next(rows)
        rest = list(rows)
    finally:
        connector.close()

    assert first["customer_id"] == 60 and len(rest) == 399
    ids = [first["id"]] + [r["id"] for r in rest]
    assert ids == sorted(ids)
    assert first["logged_at"][4] == "-"  # an ISO 8601 string on both backends


def test_pages_read_the_streamed_order_a_slice_at_a_time(demo_register, shop_url):
    connector = _connector(demo_register, shop_url)
    heavy = Subject.of("kunde060@example.org")
    try:
        every = [r["id"] for r in connector.rows(heavy, "web_logs")]
        pages = [connector.page(heavy, "web_logs", offset, 50) for offset in range(0, 400, 50)]
        beyond = connector.page(heavy, "web_logs", 400, 50)
    finally:
        connector.close()

    assert [len(p) for p in pages] == [50] * 8 and beyond == []
    assert [r["id"] for p in pages for r in p] == every
    assert pages[1][0]["logged_at"][4] == "-"  # JSON-ready values, as rows() gives them


def test_email_is_matched_in_lower_case_too(demo_register, shop_url):
    connector = _connector(demo_register, shop_url)
    try:
        found = {p.name: p.count for p in connector.search(Subject.of("Kunde042@Example.org"), 1)}
    finally:
        connector.close()
    assert found["customers"] == 1 and found["newsletter_subscriptions"] == 1


def test_unknown_subject_finds_nothing(demo_register, shop_url):
    connector = _connector(demo_register, shop_url)
    try:
        found = connector.search(Subject.of("nobody@example.org"), 3)
    finally:
        connector.close()
    assert all(p.count == 0 and p.sample == [] for p in found)


def test_wrong_column_is_named_before_any_query(demo_register, shop_url):
    source = demo_register.source("shop_db")
    orders = source.table("orders")
    broken = orders.model_copy(update={"columns": [*orders.columns, Column(name="total_euro")]})
    tables = [broken if t.name == "orders" else t for t in source.tables]
    connector = _connector(demo_register, shop_url, tables=tables)

    with pytest.raises(
        RegisterMismatch, match="column 'total_euro' does not exist in table 'orders'"
    ):
        connector.search(CUSTOMER_42, 1)
    connector.close()


def test_sql_is_built_with_bound_parameters(demo_register, shop_url):
    connector = _connector(demo_register, shop_url)
    evil = Subject.of("x' OR '1'='1", {"customer_number": "K-1; DROP TABLE customers"})
    try:
        found = {p.name: p.count for p in connector.search(evil, 1)}
        statement = str(connector.statement(evil, "customers"))
    finally:
        connector.close()
    assert found["customers"] == 0
    assert "OR '1'='1" not in statement and "DROP" not in statement


def test_source_is_opened_read_only(demo_register, shop_url):
    connector = _connector(demo_register, shop_url)
    connector.search(CUSTOMER_42, 1)
    with connector._connect() as connection, pytest.raises(Exception, match="read-?only"):
        connection.exec_driver_sql("DELETE FROM web_logs")
    connector.close()


def test_missing_sqlite_file_is_unreachable(demo_register, tmp_path):
    connector = _connector(demo_register, f"sqlite:///{tmp_path / 'missing' / 'shop.sqlite3'}")
    with pytest.raises(SourceUnreachable, match="does not exist"):
        connector.search(CUSTOMER_42, 1)
    assert not (tmp_path / "missing").exists()


def test_values_of_streams_each_distinct_value_once_without_nulls(demo_register, shop_url):
    connector = _connector(demo_register, shop_url)
    try:
        numbers = list(connector.values_of("customers", "customer_number"))
        visitors = list(connector.values_of("web_logs", "customer_id"))  # 400 rows of 60 alone
    finally:
        connector.close()

    assert len(numbers) == len(set(numbers)) == 300 and "K-100042" in numbers
    assert len(visitors) == len(set(visitors)) and 60 in visitors and None not in visitors
