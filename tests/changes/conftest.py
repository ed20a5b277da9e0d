"""A fresh demo shop per test (copied from one made per session), its register, a context."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from dsar.changes.run import ApplyContext
from dsar.register import DEMO_REGISTER, Register, load_register
from dsar.requests.operations import apply_action
from dsar.requests.workflow import Action, RequestType
from dsar.sources import Subject
from tests.factories import make_request
from tests.shops import private_shop_url

CUSTOMER_42 = Subject.of("kunde042@example.org", {"customer_number": "K-100042"})
TODAY = date(2026, 3, 2)


@pytest.fixture
def shop_url(
    backend: str, demo_shop_template: str, request: pytest.FixtureRequest, tmp_path: Path
) -> str:
    """A demo shop of this test's own, which it may change."""
    return private_shop_url(backend, demo_shop_template, request, tmp_path)


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
