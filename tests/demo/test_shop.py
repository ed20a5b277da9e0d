"""The demo shop database: deterministic, indexed lookups, the register's contract."""

from __future__ import annotations

import hashlib
import sqlite3

from dsar.demo.shop import ensure_shop, generate_shop_file
from dsar.register import DEMO_REGISTER, load_register
from dsar.register.checking import check_register


def _dump(path) -> str:  # type: ignore[no-untyped-def]
    with sqlite3.connect(path) as connection:
        return "\n".join(connection.iterdump())


def test_same_database_every_time(tmp_path):
    first = generate_shop_file(tmp_path / "a.sqlite3")
    generate_shop_file(tmp_path / "b.sqlite3")

    assert first.rows["customers"] == 300
    assert first.rows["web_logs"] > 2000  # a handful of customers with 400 log lines each
    assert (
        hashlib.sha256(_dump(tmp_path / "a.sqlite3").encode()).hexdigest()
        == hashlib.sha256(_dump(tmp_path / "b.sqlite3").encode()).hexdigest()
    )


def test_demo_register_checks_clean_against_the_shop(tmp_path):
    ensure_shop(tmp_path)
    register = load_register(DEMO_REGISTER, instance_path=tmp_path)

    result = check_register(register)

    assert result.problems == []
    assert result.tables_checked == 7


def test_ensure_shop_keeps_an_existing_file(tmp_path):
    assert ensure_shop(tmp_path) == tmp_path / "demo_shop.sqlite3"
    assert ensure_shop(tmp_path) is None


def test_ensure_shop_replaces_a_file_of_an_older_shop(tmp_path):
    """The demo's tables changed (orders.carrier): an older file would fail every search."""
    path = ensure_shop(tmp_path)
    assert path is not None
    with sqlite3.connect(path) as connection:
        connection.execute("ALTER TABLE orders DROP COLUMN carrier")
        connection.execute("PRAGMA user_version = 1")

    assert ensure_shop(tmp_path) == path
    register = load_register(DEMO_REGISTER, instance_path=tmp_path)
    assert check_register(register).problems == []


def test_heavy_customers_have_many_rows(tmp_path):
    generate_shop_file(tmp_path / "shop.sqlite3")
    with sqlite3.connect(tmp_path / "shop.sqlite3") as connection:
        orders = connection.execute(
            "SELECT count(*) FROM orders WHERE customer_id = 60"
        ).fetchone()[0]
        plan = connection.execute(
            "EXPLAIN QUERY PLAN SELECT * FROM customers WHERE email = 'kunde060@example.org'"
        ).fetchall()
    assert orders >= 40
    assert "USING INDEX ix_customers_email" in plan[0][3]


def test_demo_shop_command(runner, tmp_path):
    result = runner(["demo", "shop", "--path", str(tmp_path / "shop.sqlite3")])
    assert result.exit_code == 0, result.output
    assert "customers 300" in result.output
