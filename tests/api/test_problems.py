"""Every error under /api/ is an RFC 9457 problem, whoever raises it: the API's checks, the
schema validation, Flask's routing."""

from __future__ import annotations

import pytest

from tests.api.conftest import Call

FIELDS = {"type", "title", "status", "detail"}


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/nowhere", 404),
        ("DELETE", "/requests", 405),
        ("GET", "/requests/DSAR-2026-0000-0000", 404),
        ("POST", "/requests", 422),
        ("GET", "/requests?limit=0", 422),
    ],
)
def test_problem_shape(api: Call, method: str, path: str, status: int) -> None:
    response = api(method, path, json={} if method == "POST" else None)
    assert response.status_code == status
    assert response.content_type == "application/problem+json"
    body = response.json
    assert FIELDS <= set(body) and body["status"] == status and body["type"] == "about:blank"
    if status == 422:
        assert body["errors"] and all({"field", "message"} == set(e) for e in body["errors"])


def test_a_missing_body_names_every_required_field(api: Call) -> None:
    body = api("POST", "/requests", json={}).json
    assert {e["field"] for e in body["errors"]} == {
        "right",
        "subject_name",
        "subject_email",
        "language",
        "account_id",
    }
