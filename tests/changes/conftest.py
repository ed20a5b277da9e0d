"""A fresh demo shop per test (copied from one made per session), its register, a context."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from dsar.changes.run import ApplyContext
from dsar.demo.shop import create_shop, generate_shop_file
from dsar.register import DEMO_REGISTER, Register, load_register
from dsar.requests.operations import apply_action
from dsar.requests.workflow import Action, RequestType
from dsar.sources import Subject
from tests.factories import make_request

CUSTOMER_42 = Subject.of("kunde042@example.org", {"customer_number": "K-100042"})
TODAY = date(2026, 3, 2)
_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def shop_template(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """The demo shop made once per backend: a SQLite file, or a PostgreSQL template database."""
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("shop") / "template.sqlite3"
        generate_shop_file(path)
        return str(path)
    import psycopg

    server = request.getfixturevalue("postgres_server")
    with psycopg.connect(server.url("postgres").replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute("CREATE DATABASE shop_template")
    engine = create_engine(server.url("shop_template"))
    create_shop(engine)
    engine.dispose()
    return "shop_template"


@pytest.fixture
def shop_url(
    backend: str, shop_template: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[str]:
    """A demo shop of this test's own, which it may change."""
    if backend == "sqlite":
        path = tmp_path / "demo_shop.sqlite3"
        shutil.copy(shop_template, path)
        yield f"sqlite:///{path}"
        return
    import psycopg

    server = request.getfixturevalue("postgres_server")
    name = f"changes{next(_numbers)}"
    with psycopg.connect(server.url("postgres").replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {shop_template}")
    yield server.url(name)


@pytest.fixture
def shop(shop_url: str) -> Iterator[Callable[..., Any]]:
    """shop(sql, **params): one value read straight from the test's shop, not through dsar."""
    engine = create_engine(shop_url)

    def scalar(sql: str, **params: Any) -> Any:
        with engine.connect() as connection:
            return connection.execute(text(sql), params).scalar()

    yield scalar
    engine.dispose()


@pytest.fixture(scope="session")
def register(tmp_path_factory: pytest.TempPathFactory) -> Register:
    return load_register(DEMO_REGISTER, instance_path=Path(tmp_path_factory.mktemp("inst")))


@pytest.fixture
def shop_source(register: Register, shop_url: str):  # type: ignore[no-untyped-def]
    """The demo register's shop source, reading and writing the test's shop."""
    source = register.source("shop_db")
    return source.model_copy(update={"read_url": shop_url, "write_url": shop_url})


@pytest.fixture
def context(session, controller, now, register) -> ApplyContext:  # type: ignore[no-untyped-def]
    request = make_request(session, controller, now, subject_email="kunde042@example.org")
    return ApplyContext(register, request.id, controller.id, TODAY, now)


@pytest.fixture
def shop_register(register, shop_source):  # type: ignore[no-untyped-def]
    """The demo register with its shop source on the test's own shop."""
    sources = [shop_source if s.id == "shop_db" else s for s in register.sources]
    return register.model_copy(update={"sources": sources})


@pytest.fixture
def erasure_request(session, controller, now):  # type: ignore[no-untyped-def]
    request = make_request(
        session, controller, now, type=RequestType.ERASURE, subject_email="kunde042@example.org"
    )
    apply_action(session, request, Action.VERIFY_IDENTITY, actor="test", now=now)
    return request


@pytest.fixture
def restriction_request(session, controller, now):  # type: ignore[no-untyped-def]
    request = make_request(
        session, controller, now, type=RequestType.RESTRICTION, subject_email="kunde042@example.org"
    )
    apply_action(session, request, Action.VERIFY_IDENTITY, actor="test", now=now)
    return request
