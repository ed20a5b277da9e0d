"""The OpenAPI document: valid OpenAPI 3.1, every API operation in it, a page for people; and
schemathesis against the app in-process: generated and invalid inputs, no 500, every response
as the document says."""

from __future__ import annotations

import os
from collections import Counter
from datetime import datetime
from typing import Any

import jsonschema_rs
import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode
from schemathesis.specs.openapi.definitions import OPENAPI_31

from dsar.api.models import Scope
from dsar.extensions import db
from tests.api.conftest import bearer, make_key
from tests.factories import make_request


def document(client) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json


def test_the_document_is_valid_openapi_3_1(client) -> None:  # type: ignore[no-untyped-def]
    doc = document(client)
    assert doc["openapi"].startswith("3.1")
    jsonschema_rs.validator_for(OPENAPI_31).validate(doc)
    assert doc["components"]["securitySchemes"] == {"bearer": {"type": "http", "scheme": "bearer"}}


def test_every_api_route_is_documented(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    doc = document(client)
    documented = {
        (method.upper(), path) for path, methods in doc["paths"].items() for method in methods
    }
    routes = {
        (method, rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}"))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        and rule.endpoint not in {"api.openapi_json", "api.api_docs"}
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }
    assert documented == routes
    for operations in doc["paths"].values():
        for operation in operations.values():
            problem = operation["responses"]["401"]["content"]
            assert list(problem) == ["application/problem+json"]


def test_the_page_for_people_lists_the_operations_and_loads_no_script(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/api/v1/requests/{reference}/notes" in html
    assert "<script" not in html


MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
EXAMPLES = int(os.environ.get("DSAR_FUZZ_EXAMPLES", "30"))  # per operation and mode
# Addresses as the intake's check accepts them: JSON Schema's "email" also allows reserved
# domains (.test, .local) that email-validator refuses, as the public form does.
ADDRESSES = st.from_regex(r"[a-z0-9]{1,20}(\.[a-z0-9]{1,10})?@example\.(org|com)", fullmatch=True)
# Webhook URLs a valid call would send: https to a public address (a generated host name would
# be looked up, found nowhere and rightly refused: 422 for a schema-valid body).
PUBLIC_URLS = st.from_regex(r"https://93\.184\.215\.14/[a-z0-9/]{0,40}", fullmatch=True)


@pytest.mark.slow
@pytest.mark.parametrize("mode", MODES, ids=lambda m: m.value)
def test_generated_calls_answer_as_documented(  # type: ignore[no-untyped-def]
    app: Flask, backend: str, session, controller, now: datetime, mode: GenerationMode
) -> None:
    """Every operation, generated inputs (valid, then invalid): no 500, responses conform."""
    if backend != "sqlite":
        pytest.skip("schemathesis runs on SQLite")
    made = make_key(session, controller, now, scopes=[scope.value for scope in Scope])
    make_request(session, controller, now)
    db.session.commit()
    key_header = bearer(made.secret)["Authorization"]
    schemathesis.openapi.format("email", ADDRESSES)
    schemathesis.openapi.format("uri", PUBLIC_URLS)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 11
    statuses: dict[str, Counter[int]] = {}
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Case) -> None:
            # The generated bearer token becomes the test's key; a case without one (an
            # invalid request: no credentials) is sent without one.
            sent = dict(case.headers or {})
            if "Authorization" in sent:
                sent["Authorization"] = key_header
            case.headers = sent
            response = case.call()
            label = f"{case.method} {case.operation.path}"
            statuses.setdefault(label, Counter())[response.status_code] += 1
            assert response.status_code < 500, (case.method, case.path, response.text)
            case.validate_response(response)
            db.session.rollback()  # the next example starts from the committed state

        check()
    if mode is GenerationMode.POSITIVE:  # valid input is accepted, not only refused
        for label in (
            "GET /api/v1/requests",
            "POST /api/v1/requests",
            "GET /api/v1/webhooks",
            "POST /api/v1/webhooks",
        ):
            assert any(200 <= status < 300 for status in statuses[label]), statuses
