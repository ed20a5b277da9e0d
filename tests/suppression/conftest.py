"""A demo shop per test on the test's backend, which a test can back up and restore, and the
demo register pointed at it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, text

from dsar.controllers.models import Controller
from dsar.register.schema import Register
from tests.shops import pg_execute, private_shop_url

SALT = "a-test-salt-of-some-length"


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


@pytest.fixture
def shop(
    backend: str, demo_shop_template: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Shop:
    """A fresh copy of the demo shop for this test, which it can back up and restore."""
    url = private_shop_url(backend, demo_shop_template, request, tmp_path)
    if backend == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
        saved = tmp_path / "backup.sqlite3"
        return Shop(
            f"sqlite:///{path}",
            backup=lambda: shutil.copy(path, saved),
            restore=lambda: shutil.copy(saved, path),
        )
    server = request.getfixturevalue("postgres_server")
    name = url.rsplit("/", 1)[1]
    return Shop(
        url,
        backup=lambda: pg_execute(server, f"CREATE DATABASE {name}_backup TEMPLATE {name}"),
        restore=lambda: pg_execute(
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
