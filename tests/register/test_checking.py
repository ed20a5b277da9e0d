"""`dsar register check` against real SQLite databases and files, and unreachable sources."""

from __future__ import annotations

import contextlib
import json
import re
import socket
import sqlite3
import types
from pathlib import Path
from typing import Any

import flask
import pytest
from click.testing import Result

from dsar.commands.register import register_group
from dsar.register import load_register
from dsar.register.checking import check_register
from tests.register.test_schema import minimal_register, write_register

SCHEMA = """
CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT, phone TEXT NOT NULL,
                        customer_number TEXT UNIQUE);
CREATE INDEX ix_customers_email ON customers (email);
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER, ordered_at TEXT);
CREATE INDEX ix_orders_customer ON orders (customer_id);
CREATE TABLE notes (id INTEGER PRIMARY KEY, email TEXT, body TEXT);
"""


def make_database(path: Path, schema: str = SCHEMA) -> Path:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.executescript(schema)
    return path


def table(name: str, lookup: dict[str, Any], columns: list[dict[str, Any]], **more: Any) -> dict:
    return {
        "name": name,
        "lookup": lookup,
        "activities": ["orders"],
        "columns": columns,
        "erasure": "delete",
        **more,
    }


CUSTOMERS = table(
    "customers",
    {
        "match": [
            {"key": "email", "column": "email"},
            {"key": "customer_number", "column": "customer_number"},
        ]
    },
    [{"name": "id"}, {"name": "email", "categories": ["contact"]}],
)
ORDERS = table(
    "orders",
    {"join": {"column": "customer_id", "references": "customers.id"}},
    [{"name": "ordered_at"}],
    erasure={"action": "keep", "retention": "orders", "date_column": "ordered_at"},
)


def sql_register(url: str, *tables: dict[str, Any]) -> dict[str, Any]:
    data = minimal_register(
        lookup_keys=[
            {"id": "customer_number", "label": {"de": "Kundennummer", "en": "Customer number"}}
        ]
    )
    data["sources"].append(
        {
            "type": "sql",
            "id": "shop",
            "name": "Shop database",
            "read_url": url,
            "tables": list(tables or (CUSTOMERS, ORDERS)),
        }
    )
    return data


def run_check(instance: Path, *args: str, register: str = "") -> Result:
    app = flask.Flask(__name__)
    app.config["DSAR_SETTINGS"] = types.SimpleNamespace(register=register, instance_path=instance)
    return app.test_cli_runner().invoke(register_group, ["check", *args])


@pytest.fixture
def shop_db(tmp_path: Path) -> Path:
    return make_database(tmp_path / "shop.sqlite3")


def test_matching_database_passes(tmp_path: Path, shop_db: Path) -> None:
    path = write_register(tmp_path, sql_register("sqlite:///{instance}/shop.sqlite3"))

    result = run_check(tmp_path, str(path))

    assert result.exit_code == 0, result.output
    assert result.output == (
        f"{path}: shop (Shop GmbH, fictional): 1 activity, 2 sources, 2 tables checked, "
        "1 manual: OK\n"
    )


def test_missing_column_and_table_are_problems(tmp_path: Path, shop_db: Path) -> None:
    customers = {
        **CUSTOMERS,
        "columns": [{"name": "email", "categories": ["contact"]}, {"name": "mail"}],
    }
    gone = table(
        "invoices", {"join": {"column": "order_id", "references": "orders.id"}}, [{"name": "id"}]
    )
    path = write_register(tmp_path, sql_register(f"sqlite:///{shop_db}", customers, ORDERS, gone))

    result = run_check(tmp_path, str(path))

    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{path}: sources[1].tables[0].columns[1].name: column 'mail' does not exist in table "
        "'customers'",
        f"{path}: sources[1].tables[2].name: table 'invoices' does not exist",
        f"{path}: shop (Shop GmbH, fictional): 1 activity, 2 sources, 2 tables checked, "
        "1 manual: 2 problems",
    ]


def test_unindexed_lookup_columns_are_problems(tmp_path: Path, shop_db: Path) -> None:
    notes = table(
        "notes",
        {"match": [{"key": "email", "column": "email"}]},
        [{"name": "body", "categories": ["contact"]}],
    )
    by_date = table(
        "orders",
        {"join": {"column": "ordered_at", "references": "customers.id"}},
        [{"name": "ordered_at"}],
    )
    path = write_register(tmp_path, sql_register(f"sqlite:///{shop_db}", CUSTOMERS, notes, by_date))

    result = run_check(tmp_path, str(path))

    assert result.exit_code == 1
    problems = result.output.splitlines()[:-1]
    assert problems == [
        f"{path}: sources[1].tables[1].lookup.match[0].column: column 'email' of table 'notes' "
        "has no index: finding a person would read the whole table; add CREATE INDEX on "
        "notes(email)",
        f"{path}: sources[1].tables[2].lookup.join.column: column 'ordered_at' of table "
        "'orders' has no index: finding a person would read the whole table; add CREATE INDEX "
        "on orders(ordered_at)",
    ]


def test_primary_key_and_unique_columns_count_as_indexed(tmp_path: Path, shop_db: Path) -> None:
    by_id = table(
        "customers",
        {
            "match": [
                {"key": "email", "column": "id"},
                {"key": "customer_number", "column": "customer_number"},
            ]
        },
        [{"name": "email", "categories": ["contact"]}],
    )
    path = write_register(tmp_path, sql_register(f"sqlite:///{shop_db}", by_id))

    result = check_register(load_register(path))

    assert result.problems == []
    assert result.tables_checked == 1


def test_erasing_to_null_needs_a_nullable_column(tmp_path: Path, shop_db: Path) -> None:
    customers = {
        **CUSTOMERS,
        "erasure": "anonymise",
        "columns": [
            {
                "name": "email",
                "categories": ["contact"],
                "erasure": {"action": "anonymise", "value": None},
            },
            {
                "name": "phone",
                "categories": ["contact"],
                "erasure": {"action": "anonymise", "value": None},
            },
        ],
    }
    path = write_register(tmp_path, sql_register(f"sqlite:///{shop_db}", customers))

    result = check_register(load_register(path))

    assert result.problems == [
        "sources[1].tables[0].columns[1].erasure: column 'phone' is NOT NULL, but erasure sets "
        "it to null"
    ]


def test_missing_sqlite_file_is_unreachable_and_not_created(tmp_path: Path) -> None:
    path = write_register(tmp_path, sql_register("sqlite:////nonexistent/dir/x.db"))

    result = run_check(tmp_path, str(path))

    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"{path}: sources[1].read_url: cannot connect to sqlite:////nonexistent/dir/x.db: "
        "database file /nonexistent/dir/x.db does not exist"
    )
    assert "0 tables checked" in result.output
    assert not Path("/nonexistent/dir/x.db").exists()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_postgres_on_a_closed_port_is_unreachable_without_password(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://dsar:s3cret-pw@127.0.0.1:{_closed_port()}/shop"
    path = write_register(tmp_path, sql_register(url))

    result = run_check(tmp_path, str(path), "--timeout", "2")

    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert first.startswith(
        f"{path}: sources[1].read_url: cannot connect to postgresql+psycopg://dsar:***@127.0.0.1:"
    )
    assert "s3cret-pw" not in result.output
    assert isinstance(result.exception, SystemExit)  # a report, not a traceback


def test_missing_database_driver_is_reported(tmp_path: Path) -> None:
    path = write_register(tmp_path, sql_register("nosuchdb://user@host/db"))

    result = check_register(load_register(path))

    assert len(result.problems) == 1
    assert result.problems[0].startswith("sources[1].read_url: cannot use nosuchdb://user@host/db")


def _file_register(tmp_path: Path, file_name: str, lookup_field: str = "email") -> Path:
    data = minimal_register()
    data["sources"].append(
        {
            "type": "file",
            "id": "export",
            "name": "Old shop export",
            "path": file_name,
            "lookup": [{"field": lookup_field, "key": "email"}],
            "activities": ["orders"],
            "fields": [{"name": "email", "categories": ["contact"]}, {"name": "name"}],
            "erasure": "delete",
        }
    )
    return write_register(tmp_path, data)


def test_file_sources_need_the_file_and_its_fields(tmp_path: Path) -> None:
    (tmp_path / "good.csv").write_text("email,name\nkim@example.com,Kim\n", encoding="utf-8")
    (tmp_path / "good.json").write_text(json.dumps([{"email": "a@b.example", "name": "A"}]))
    (tmp_path / "bad.csv").write_text("mail,name\n", encoding="utf-8")

    good_csv = check_register(load_register(_file_register(tmp_path, "good.csv")))
    good_json = check_register(load_register(_file_register(tmp_path, "good.json")))
    bad = check_register(load_register(_file_register(tmp_path, "bad.csv")))
    missing = check_register(load_register(_file_register(tmp_path, "missing.json")))

    assert (good_csv.problems, good_csv.files_checked) == ([], 1)
    assert (good_json.problems, good_json.files_checked) == ([], 1)
    assert bad.problems == [
        f"sources[1].lookup[0].field: {tmp_path / 'bad.csv'} has no field 'email'",
        f"sources[1].fields[0].name: {tmp_path / 'bad.csv'} has no field 'email'",
    ]
    assert missing.problems == [f"sources[1].path: file {tmp_path / 'missing.json'} does not exist"]


def test_json_file_must_hold_a_list_of_objects(tmp_path: Path) -> None:
    (tmp_path / "odd.json").write_text('{"email": "a@b.example"}')

    result = check_register(load_register(_file_register(tmp_path, "odd.json")))

    assert result.problems == [
        f"sources[1].path: cannot read {tmp_path / 'odd.json'} as json: the file must hold a "
        "list of objects"
    ]


def test_invalid_register_exits_1_with_its_problems(tmp_path: Path) -> None:
    data = minimal_register()
    data["activities"][0]["legal_basis"] = ["6.1.g"]
    path = write_register(tmp_path, data)

    result = run_check(tmp_path, str(path))

    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{path}: activities[0].legal_basis[0]: '6.1.g' is not one of 6.1.a … 6.1.f (Art. 6(1) "
        "GDPR) or 9.2.a … 9.2.j (Art. 9(2))",
        f"{path}: 1 problem: the register is invalid",
    ]


def test_nonexistent_file_is_a_usage_error(tmp_path: Path) -> None:
    result = run_check(tmp_path, str(tmp_path / "nope.yaml"))

    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_default_file_is_the_configured_register(tmp_path: Path, shop_db: Path) -> None:
    path = write_register(tmp_path, sql_register("sqlite:///{instance}/shop.sqlite3"))

    result = run_check(tmp_path, register=str(path))

    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{path}: shop (Shop GmbH, fictional): ")


def test_without_a_configured_register_the_demo_is_checked(tmp_path: Path) -> None:
    result = run_check(tmp_path)

    assert result.exit_code == 1
    assert f"database file {tmp_path}/demo_shop.sqlite3 does not exist" in result.output
    assert (
        "demo (Demo Shop GmbH, fictional): 9 activities, 2 sources, 0 tables checked"
        in result.output
    )
    assert not (tmp_path / "demo_shop.sqlite3").exists()


def test_folder_of_examples_is_reviewed_like_a_dpo_would(tmp_path: Path) -> None:
    """Four examples pass (with warnings where their policies give no period); Cplus's
    policy gives no address or e-mail, and the check names the placeholders standing in."""
    examples = Path(__file__).resolve().parents[2] / "examples"

    result = run_check(tmp_path, str(examples))

    summaries = [line for line in result.output.splitlines() if " activities, " in line]
    assert len(summaries) == 5
    passed = [line for line in summaries if re.search(r": OK(, \d+ warnings?)?$", line)]
    assert [line.split(":")[0].rsplit("/", 1)[-1] for line in passed] == [
        "cadooz.yaml",
        "connectpro.yaml",
        "cp-pro.yaml",
        "ipro.yaml",
    ]
    assert result.exit_code == 1
    assert "cplus.yaml: controller.address.street: error: holds a placeholder" in result.output


DEMO_SCHEMA = """
CREATE TABLE customers (id INTEGER PRIMARY KEY, customer_number TEXT NOT NULL UNIQUE, email TEXT,
    first_name TEXT NOT NULL, last_name TEXT NOT NULL, street TEXT NOT NULL,
    postcode TEXT NOT NULL, city TEXT NOT NULL, phone TEXT, birth_date TEXT,
    created_at TEXT NOT NULL, marketing_opt_in BOOLEAN NOT NULL, restricted BOOLEAN NOT NULL);
CREATE INDEX ix_customers_email ON customers (email);
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers (id),
    ordered_at TEXT, total_cents INTEGER, status TEXT, shipping_address TEXT, carrier TEXT);
CREATE INDEX ix_orders_customer_id ON orders (customer_id);
CREATE TABLE invoices (id INTEGER PRIMARY KEY, order_id INTEGER REFERENCES orders (id),
    invoice_number TEXT, issued_at TEXT, amount_cents INTEGER);
CREATE INDEX ix_invoices_order_id ON invoices (order_id);
CREATE TABLE newsletter_subscriptions (id INTEGER PRIMARY KEY, email TEXT, subscribed_at TEXT,
    confirmed_at TEXT, consent_text TEXT);
CREATE INDEX ix_newsletter_email ON newsletter_subscriptions (email);
CREATE TABLE contact_messages (id INTEGER PRIMARY KEY, email TEXT, name TEXT, message TEXT,
    received_at TEXT, answered_at TEXT);
CREATE INDEX ix_contact_email ON contact_messages (email);
CREATE TABLE support_tickets (id INTEGER PRIMARY KEY, customer_id INTEGER, subject TEXT,
    body TEXT, opened_at TEXT, closed_at TEXT);
CREATE INDEX ix_tickets_customer_id ON support_tickets (customer_id);
CREATE TABLE web_logs (id INTEGER PRIMARY KEY, customer_id INTEGER, ip_address TEXT, path TEXT,
    user_agent TEXT, logged_at TEXT);
CREATE INDEX ix_web_logs_customer_id ON web_logs (customer_id);
"""


def test_demo_register_passes_against_a_database_built_to_its_readme(tmp_path: Path) -> None:
    make_database(tmp_path / "demo_shop.sqlite3", DEMO_SCHEMA)

    result = run_check(tmp_path)

    assert result.exit_code == 0, result.output
    assert result.output.endswith(
        "demo (Demo Shop GmbH, fictional): 9 activities, 2 sources, 7 tables checked, "
        "1 manual: OK\n"
    )


def _vague(data: dict[str, Any]) -> dict[str, Any]:
    data["activities"][0]["retention"]["text"] = {"de": "Sechs Jahre.", "en": "By law."}
    return data


def test_a_warning_is_printed_but_passes_unless_strict(tmp_path: Path) -> None:
    path = write_register(tmp_path, _vague(minimal_register()))

    result = run_check(tmp_path, str(path))
    strict = run_check(tmp_path, str(path), "--strict")

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"{path}: activities[0].retention.text.en: warning: 'By law.' does not state the period "
        "(6 years): the letter must give the storage period or the criteria used to determine "
        "it (Art. 15(1)(d) GDPR)",
        f"{path}: shop (Shop GmbH, fictional): 1 activity, 1 source, 0 tables checked, "
        "1 manual: OK, 1 warning",
    ]
    assert strict.exit_code == 1
    assert strict.output == result.output


def test_a_review_error_fails_the_check(tmp_path: Path) -> None:
    data = minimal_register()
    data["controller"]["fictional"] = False
    path = write_register(tmp_path, data)

    result = run_check(tmp_path, str(path))

    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith(
        f"{path}: controller.contact.email: error: holds an address on a domain reserved for "
        "examples (RFC 2606): 'info@shop.example'"
    )
    assert result.output.splitlines()[-1].endswith(", 1 manual: 1 problem")


def test_help_explains_severities(tmp_path: Path) -> None:
    result = run_check(tmp_path, "--help")

    assert "--strict" in result.output
    assert "warnings" in result.output and "fail it only with --strict" in result.output
