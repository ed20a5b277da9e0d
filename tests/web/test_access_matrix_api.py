"""The access matrix's refused API calls: every operation that is not a GET, sent by each
visitor the table (tests/web/test_access_matrix.py API) refuses, with a valid body: the
refusal the table names, and the database as it was but for the call log."""

from __future__ import annotations

import pytest
from flask import Flask

from dsar.extensions import db
from tests.web.access_world import ROLES, World
from tests.web.test_access_matrix import (  # noqa: F401 - the world fixture
    _api_body,
    _client,
    _fingerprint,
    _rules,
    _url,
    expected,
    world,
)


def _state(session) -> tuple[object, ...]:  # type: ignore[no-untyped-def]
    """The matrix's fingerprint without the call log, which records refused calls too."""
    counts, *rest = _fingerprint(session)
    names = [table.name for table in db.metadata.sorted_tables]
    assert isinstance(counts, tuple)
    return (tuple(n for name, n in zip(names, counts, strict=True) if name != "api_call"), *rest)


@pytest.mark.parametrize("visitor", ROLES)
def test_refused_api_calls_change_nothing(app: Flask, session, world: World, visitor: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    before = _state(session)
    refused, wrong = 0, {}
    for endpoint, _rule, methods, arguments in _rules(app):
        method = min(methods)
        if not endpoint.startswith("api.") or method == "GET":
            continue
        status = expected(endpoint, arguments, visitor)
        if status not in (401, 403, 404):
            continue  # permitted: each operation's own tests pin what it does
        client, refused = _client(app, world, visitor), refused + 1
        answer = client.open(_url(app, endpoint, arguments, world), method=method,
                             **_api_body(endpoint))  # fmt: skip
        if answer.status_code != status or answer.content_type != "application/problem+json":
            wrong[endpoint] = answer.status_code
        assert _state(session) == before, endpoint
    assert wrong == {}
    assert refused  # every visitor is refused something: each key all but its scope's writes
