"""A demo shop per test on the test's backend, which a test can back up and restore, and the
demo register pointed at it."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, text

from dsar.controllers.models import Controller
from dsar.demo.shop import create_shop, generate_shop_file
from dsar.register.schema import Register

SALT = "a-test-salt-of-some-length"
SUBJECTS = 50  # kunde001 .. kunde050; fewer than the demo's 300 keeps the tests quick
_numbers = itertools.count(1)


@dataclass
class Shop:
    """One demo shop database: `sql` runs plain SQL on it; `backup` and `restore` copy it whole."""

    url: str
    backup: Callable[[], object]
    restore: Callable[[], object]

    def sql(self, *statements: str, **params: object) -> None:
        engine = create_engine(self.url)
        try:
            with engine.begin() as connection:
                for statement in statements:
                    connection.execute(text(statement), params)
        finally:
            engine.dispose()


@pytest.fixture(scope="session")
def _shop_template(backend: str, request: pytest.FixtureRequest, tmp_path_factory) -> str:  # type: ignore[no-untyped-def]
    """The generated shop once per backend: a file on SQLite, a template database on PG."""
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("shop") / "template.sqlite3"
        generate_shop_file(path, subjects=SUBJECTS)
        return str(path)
    server = request.getfixturevalue("postgres_server")
    _pg(server, "CREATE DATABASE suppression_shop_template")
    engine = create_engine(server.url("suppression_shop_template"))
    create_shop(engine, subjects=SUBJECTS)
    engine.dispose()
    return "suppression_shop_template"


def _pg(server, *statements: str) -> None:  # type: ignore[no-untyped-def]
    import psycopg

    with psycopg.connect(server.url("postgres").replace("+psycopg", ""), autocommit=True) as c:
        for statement in statements:
            c.execute(statement)


@pytest.fixture
def shop(backend: str, _shop_template: str, request: pytest.FixtureRequest, tmp_path: Path) -> Shop:
    """A fresh copy of the demo shop for this test."""
    if backend == "sqlite":
        path = tmp_path / "demo_shop.sqlite3"
        shutil.copy(_shop_template, path)
        saved = tmp_path / "backup.sqlite3"
        return Shop(
            f"sqlite:///{path}",
            backup=lambda: shutil.copy(path, saved),
            restore=lambda: shutil.copy(saved, path),
        )
    server = request.getfixturevalue("postgres_server")
    name = f"shop_{next(_numbers)}"
    _pg(server, f"CREATE DATABASE {name} TEMPLATE {_shop_template}")
    return Shop(
        server.url(name),
        backup=lambda: _pg(server, f"CREATE DATABASE {name}_backup TEMPLATE {name}"),
        restore=lambda: _pg(
            server,
            f"DROP DATABASE {name} WITH (FORCE)",
            f"CREATE DATABASE {name} TEMPLATE {name}_backup",
        ),
    )


@pytest.fixture
def shop_register(app: Flask, shop: Shop) -> Register:
    """The demo register with its SQL source reading this test's shop."""
    register: Register = app.extensions["dsar.registers"][0]
    sources = [
        s.model_copy(update={"read_url": shop.url}) if s.id == "shop_db" else s
        for s in register.sources
    ]
    return register.model_copy(update={"sources": sources})


@pytest.fixture
def other_controller(session, now) -> Controller:  # type: ignore[no-untyped-def]
    """A second controller on the same install."""
    other = Controller(
        slug="other", name="Other GmbH", country="DE", timezone="Europe/Berlin", loaded_at=now
    )
    session.add(other)
    session.flush()
    return other


def erase_customer_42(shop: Shop) -> None:
    """What an erasure of kunde042 does to the shop, as plain SQL: the newsletter and the
    contact messages deleted, the account's e-mail and phone cleared (the rest is kept)."""
    email = "kunde042@example.org"
    shop.sql(
        "DELETE FROM newsletter_subscriptions WHERE email = :email",
        "DELETE FROM contact_messages WHERE email = :email",
        "UPDATE customers SET email = NULL, phone = NULL WHERE email = :email",
        email=email,
    )


PARTS_42 = [
    {"source": "shop_db", "part": "newsletter_subscriptions", "action": "delete", "rule": "delete"},
    {"source": "shop_db", "part": "contact_messages", "action": "delete", "rule": "delete"},
]
