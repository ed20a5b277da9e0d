"""The access matrix: every route of `app.url_map`, every kind of visitor, the status each gets
from ONE declared table, with real ids from the fixtures; a route without an entry fails.

Who may use a staff route is the role list of tests/staff/test_routes.py (ROLES_BY_ENDPOINT,
the one place that says it); this file adds what each visitor then gets. Pages are fetched
with GET; every POST is sent by each visitor it must refuse, with a valid CSRF token, and the
database must be the same afterwards. The JSON API's operations are sent by each visitor with
a valid body, by the method the route has; its key kinds are visitors too.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask, g
from flask import session as flask_session
from flask.testing import FlaskClient
from sqlalchemy import func, select

from dsar.accounts.models import Role, StaffUser
from dsar.api.models import Scope
from dsar.controllers.models import Controller
from dsar.core.clock import FixedClock
from dsar.extensions import db, limiter
from tests.staff.conftest import StaffClient, login_as
from tests.staff.test_routes import PUBLIC as SIGN_IN_ROUTES
from tests.staff.test_routes import ROLES_BY_ENDPOINT
from tests.web.access_world import (
    ANONYMOUS,
    API_KEYS,
    DEACTIVATED,
    KEY_FOR,
    KEY_OTHER,
    KEY_REVOKED,
    OTHER_CONTROLLER,
    ROLES,
    World,
    build_world,
)

SIGN_IN = 302  # to /staff/login

# ---- The table -------------------------------------------------------------------------
# Staff routes: anonymous and deactivated visitors are sent to sign in; a role the route's
# list (ROLES_BY_ENDPOINT) does not name gets 403; a staff member of another controller gets
# 404 on every route about a request (its URL reveals nothing), else what a DPO gets; a named
# role gets 200 on GET, or what STAFF_GET says (a status, or one per visitor).
A, D, M = Role.AGENT.value, Role.DPO.value, Role.ADMIN.value
STAFF_GET: dict[str, int | dict[str, int]] = {
    "staff.home": {A: 200, D: 200, M: 302, OTHER_CONTROLLER: 200},  # admins land on users
    "staff.letter_pdf": 404,  # the world's letter is a draft: no PDF before approval
    "staff.letter_receipt": 404,  # nor a receipt
    "staff.evidence_pack": {A: 403, D: 200, M: 403, OTHER_CONTROLLER: 404},  # the DPO's alone
    "staff.request_data_review": 404,  # nothing searched yet: nothing to review
    "staff.request_processing": 404,  # an access request: no consent or objection to stop
    "staff.redaction": 404,  # the world's file is an identity document, not an extract
    "staff.redaction_page": 404,
}
# The public side and the sign-in steps: every visitor alike, or one status per visitor (GET;
# POST-only routes: POST with a valid CSRF token and nothing else).
SIGNED_IN = {A: 302, D: 302, M: 302, OTHER_CONTROLLER: 302, ANONYMOUS: 200, DEACTIVATED: 200}
PUBLIC: dict[str, int | dict[str, int]] = {
    "intake.index": 200,
    "intake.start": 200,
    "intake.request_form": 200,
    "intake.healthz": 200,
    "intake.signing_key": 200,  # the public key that checks manifests and receipts
    "intake.verify": 200,  # anyone checks a signed export or letter
    "intake.confirm": 200,  # the world's request came by e-mail: "already confirmed"
    "intake.confirm_again": 200,
    "intake.submitted": 302,  # nothing submitted in this session: back to the forms
    "intake.status": 200,
    "intake.status_letter": 404,  # a draft is not shown to the subject
    "intake.send_key_code": 404,  # no lookup-key claim in the world
    "intake.verify_key_code": 404,
    "intake.status_reply": 303,  # an empty message: back to the page, nothing posted
    "intake.status_attachment": 404,  # the world's file is no message's attachment
    "intake.status_letter_pdf": 404,  # a draft has no PDF for the subject
    "intake.status_letter_receipt": 404,  # nor a receipt
    "downloads.download": 200,  # the world's export, by its link
    "downloads.status_download": 200,  # and from the status page
    "downloads.owner_upload": 404,  # the world has no owner upload link
    "static": 404,  # the world asks for a file that is not there
    "staff.login": SIGNED_IN,  # the signed-in go to their start page
    "staff.login_totp": 400,  # no sign-in in progress
    "staff.login_enrol": 400,
    "staff.logout": 302,
}
# The JSON API ("api." endpoints): {endpoint: {visitor: status}}; its key kinds join ROLES
# (tests/web/access_world.py) with the blueprint, and the world gets a key of each. A cookie
# is never a key: every staff visitor, signed in or not, gets what the anonymous get: 401.
# Elsewhere a key visitor is anonymous (a key opens no page).
NO_KEY = (ANONYMOUS, A, D, M, OTHER_CONTROLLER, DEACTIVATED, KEY_REVOKED)


def operation(scope: Scope, ok: int, other: int = 404) -> dict[str, int]:
    """An operation needing `scope`: 401 without a live key, 403 for a key without the scope,
    `ok` for the one with it, `other` for another controller's key with every scope (404 on
    this controller's rows: the URL reveals nothing)."""
    scoped = {KEY_FOR[each]: ok if each is scope else 403 for each in Scope}
    return dict.fromkeys(NO_KEY, 401) | scoped | {KEY_OTHER: other}


READ, WRITE, HOOKS = Scope.REQUESTS_READ, Scope.REQUESTS_WRITE, Scope.WEBHOOKS_MANAGE
API: dict[str, int | dict[str, int]] = {
    "api.openapi_json": 200,  # the document and its page: public
    "api.api_docs": 200,
    "api.file_new_request": operation(WRITE, 201, other=201),  # files for its own controller
    "api.list_requests": operation(READ, 200, other=200),  # its own controller's: none
    "api.read_request": operation(READ, 200),
    "api.add_request_note": operation(WRITE, 201),
    "api.add_request_document": operation(WRITE, 201),
    "api.report_source_findings": operation(WRITE, 201),  # the world's task for "accounting"
    "api.list_webhooks": operation(HOOKS, 200, other=200),  # its own controller's: none
    "api.add_webhook": operation(HOOKS, 201, other=201),  # for its own controller
    "api.remove_webhook": operation(HOOKS, 204),
    "api.list_dead_letters": operation(HOOKS, 200, other=200),
    "api.replay_webhook": operation(HOOKS, 201),
}
# ----------------------------------------------------------------------------------------

REQUEST_ARGS = {"request_id", "file_id", "letter_id", "task_id", "export_id", "claim_id",
                "finding_id", "exclusion_id", "erasure_id", "rectification_id", "notice_id",
                "restriction_id", "stop_id", "index", "source_id", "part",
                "mail_id"}  # fmt: skip
# Routes whose <token> is not the status page's: the world's confirmation and download links.
OWN_TOKENS = {"intake.confirm": "confirm_token", "downloads.download": "download_token"}
UNKNOWN_ID = 987654  # ids of rows the world does not make: the route's own 404 is expected


@pytest.fixture
def world(app: Flask, session, controller: Controller, now, monkeypatch) -> World:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(limiter, "enabled", False)  # hundreds of requests from one address
    monkeypatch.setitem(app.extensions, "dsar.core.clock", FixedClock(now))
    return build_world(app, session, controller, now)


def _rules(app: Flask) -> Iterator[tuple[str, str, set[str], set[str]]]:
    for rule in app.url_map.iter_rules():
        methods = set(rule.methods or ()) - {"HEAD", "OPTIONS"}
        yield rule.endpoint, rule.rule, methods, set(rule.arguments)


def _url(app: Flask, endpoint: str, arguments: set[str], world: World) -> str:
    from flask import url_for

    args = {name: world.ids.get(name, UNKNOWN_ID) for name in arguments}
    if endpoint in OWN_TOKENS:
        args["token"] = world.ids[OWN_TOKENS[endpoint]]
    if "source_id" in arguments:
        args |= {"source_id": "shop_db", "part": "orders"}
    with app.test_request_context():
        return url_for(endpoint, **args)


def _client(app: Flask, world: World, visitor: str) -> FlaskClient:
    client = StaffClient(app, app.response_class, use_cookies=True)
    if visitor in API_KEYS:
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {world.keys[visitor]}"
    elif visitor != ANONYMOUS:
        login_as(app, client, world.staff[visitor])  # a deactivated account's cookie too
    return client


def _csrf_token(app: Flask, client: FlaskClient) -> str:
    """A valid CSRF token for the client's session, as a page's form would carry it."""
    from flask_wtf.csrf import generate_csrf

    with app.test_request_context():
        g.pop("csrf_token", None)  # cached in the test's long-lived app context
        token = generate_csrf()
        raw = flask_session["csrf_token"]
    with client.session_transaction() as stored:
        stored["csrf_token"] = raw
    return token


def _api_body(endpoint: str) -> dict[str, Any]:
    """What an API operation is sent: a valid body, so that a key with the scope gets 2xx."""
    filing = {"right": "access", "subject_name": "Zoë Schmidt", "subject_email": "z@example.org",
              "language": "en", "account_id": "cust-4711"}  # fmt: skip
    bodies: dict[str, dict[str, Any]] = {
        "api.file_new_request": {"json": filing},
        "api.add_request_note": {"json": {"text": "Called back."}},
        "api.add_request_document": {
            "data": {"file": (io.BytesIO(b"%PDF-1.4 scan"), "id.pdf")},
            "content_type": "multipart/form-data",
        },
        "api.report_source_findings": {"json": {"outcome": "nothing_found", "note": "Searched."}},
        # a public address given as such: no name to look up
        "api.add_webhook": {"json": {"url": "https://93.184.215.14/h", "events": ["task.created"]}},
    }
    return bodies.get(endpoint, {})


def _for(status: int | dict[str, int], visitor: str) -> int:
    return status if isinstance(status, int) else status[visitor]


def expected(endpoint: str, arguments: set[str], visitor: str) -> int:
    """What `visitor` gets from the route, by the table."""
    if endpoint.startswith("api."):
        return _for(API[endpoint], visitor)
    if visitor in API_KEYS:
        visitor = ANONYMOUS
    if not endpoint.startswith("staff.") or endpoint in SIGN_IN_ROUTES:
        return _for(PUBLIC[endpoint], visitor)
    if visitor in (ANONYMOUS, DEACTIVATED):
        return SIGN_IN
    role = Role.DPO if visitor == OTHER_CONTROLLER else Role(visitor)
    if role not in ROLES_BY_ENDPOINT[endpoint]:
        return 403
    if visitor == OTHER_CONTROLLER and arguments & REQUEST_ARGS:
        return 404
    return _for(STAFF_GET.get(endpoint, 200), visitor)


def test_every_route_has_an_entry(app: Flask) -> None:
    missing = {
        endpoint
        for endpoint, _rule, _methods, _args in _rules(app)
        if endpoint not in (API if endpoint.startswith("api.") else {})
        and endpoint not in PUBLIC
        and endpoint not in ROLES_BY_ENDPOINT
    }
    assert missing == set()


@pytest.mark.parametrize("visitor", ROLES)
def test_each_visitor_gets_what_the_table_says(app: Flask, world: World, visitor: str) -> None:
    wrong = {}
    for endpoint, _rule, methods, arguments in _rules(app):
        url = _url(app, endpoint, arguments, world)
        method = "GET" if "GET" in methods else min(methods)
        if method == "POST" and endpoint.startswith("staff.") and endpoint not in SIGN_IN_ROUTES:
            continue  # POSTs: test_refused_posts_change_nothing
        client = _client(app, world, visitor)  # a new one each time: a sign-in step may end it
        if endpoint.startswith("api."):
            sent = _api_body(endpoint)
        else:
            sent = {"data": {"csrf_token": _csrf_token(app, client)} if method == "POST" else None}
        status = client.open(url, method=method, **sent).status_code
        if status != expected(endpoint, arguments, visitor):
            wrong[endpoint] = status
    assert wrong == {}


def _fingerprint(session) -> tuple[object, ...]:  # type: ignore[no-untyped-def]
    """Every table's row count, and what a refused POST could change in place: the requests'
    state and chain heads, the staff accounts, the staff chain's head."""
    from dsar.accounts.models import AuditHead
    from dsar.requests.models import Request

    session.expire_all()
    counts = select(*(select(func.count()).select_from(t).scalar_subquery()
                      for t in db.metadata.sorted_tables))  # fmt: skip
    requests = select(Request.id, Request.status, Request.event_seq, Request.chain_head,
                      Request.assignee_id, Request.verification).order_by(Request.id)  # fmt: skip
    user = StaffUser
    staff = select(user.id, user.role, user.active, user.session_epoch, user.password_hash,
                   user.totp_secret).order_by(user.id)  # fmt: skip
    return (
        tuple(session.execute(counts).one()),
        session.execute(requests).all(),
        session.execute(staff).all(),
        session.execute(select(AuditHead.seq, AuditHead.head)).all(),
    )


@pytest.mark.parametrize("visitor", ROLES)
def test_refused_posts_change_nothing(app: Flask, session, world: World, visitor: str) -> None:  # type: ignore[no-untyped-def]
    """Every staff POST the table refuses this visitor, sent with a valid CSRF token: the
    refusal the table names, and the database as it was. (What a permitted POST does is
    pinned in each feature's own tests.)"""
    before = _fingerprint(session)
    refused, wrong = 0, {}
    for endpoint, _rule, methods, arguments in _rules(app):
        if "POST" not in methods or not endpoint.startswith("staff."):
            continue
        if endpoint in SIGN_IN_ROUTES:
            continue  # in the table of the public side
        status = expected(endpoint, arguments, visitor)
        if status not in (SIGN_IN, 403, 404):
            continue  # permitted
        client = _client(app, world, visitor)
        data = {"csrf_token": _csrf_token(app, client)}
        answer = client.post(_url(app, endpoint, arguments, world), data=data)
        refused += 1
        if answer.status_code != status or (
            status == SIGN_IN and not answer.headers["Location"].startswith("/staff/login")
        ):
            wrong[endpoint] = answer.status_code
        assert _fingerprint(session) == before, endpoint
    assert wrong == {}
    assert refused  # every visitor is refused something: the agent the DPO's decisions, ...
