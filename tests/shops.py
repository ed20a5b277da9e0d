"""The demo shop as test data on the test's own database: generated once per run and backend
(a SQLite file, or a PostgreSQL template database), copied for each test that changes it."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from dsar.demo.shop import create_shop, generate_shop_file

_numbers = itertools.count(1)


def pg_execute(server, *statements: str) -> None:  # type: ignore[no-untyped-def]
    """Run statements on the server's maintenance database, outside a transaction."""
    import psycopg

    with psycopg.connect(server.url("postgres").replace("+psycopg", ""), autocommit=True) as c:
        for statement in statements:
            c.execute(statement)


@pytest.fixture(scope="session")
def demo_shop_template(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """The demo shop made once per backend: a SQLite file's path, or a template database."""
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("shop") / "template.sqlite3"
        generate_shop_file(path)
        return str(path)
    server = request.getfixturevalue("postgres_server")
    pg_execute(server, "CREATE DATABASE demo_shop_template")
    engine = create_engine(server.url("demo_shop_template"))
    create_shop(engine)
    engine.dispose()
    return "demo_shop_template"


def private_shop_url(
    backend: str, template: str, request: pytest.FixtureRequest, tmp_path: Path
) -> str:
    """A copy of the demo shop of one test's own, which it may change: its URL."""
    if backend == "sqlite":
        path = tmp_path / "demo_shop.sqlite3"
        shutil.copy(template, path)
        return f"sqlite:///{path}"
    server = request.getfixturevalue("postgres_server")
    name = f"shop_copy_{next(_numbers)}"
    pg_execute(server, f"CREATE DATABASE {name} TEMPLATE {template}")
    return str(server.url(name))
