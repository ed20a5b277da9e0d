"""The demo shop on SQLite and on PostgreSQL, for connector tests on both."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from dsar.demo.shop import create_shop, generate_shop_file

_numbers = itertools.count(1)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def shop_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """An SQLAlchemy URL of a freshly generated demo shop on each selected backend."""
    if request.param not in request.config.getoption("--db").split(","):
        pytest.skip(f"backend {request.param} not selected with --db")
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("shop") / "demo_shop.sqlite3"
        generate_shop_file(path)
        yield f"sqlite:///{path}"
        return
    import psycopg

    server = request.getfixturevalue("postgres_server")
    name = f"shop{next(_numbers)}"
    with psycopg.connect(server.url("postgres").replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    url = server.url(name)
    engine = create_engine(url)
    create_shop(engine)
    engine.dispose()
    yield url


@pytest.fixture(scope="session")
def demo_register(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from dsar.register import DEMO_REGISTER, load_register

    return load_register(DEMO_REGISTER, instance_path=Path(tmp_path_factory.mktemp("inst")))
