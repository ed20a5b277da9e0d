"""Every staff route refuses anonymous users and roles without permission.

The table below must name every endpoint of the blueprint: a new route without an entry
fails `test_every_staff_endpoint_is_listed`, so none can slip through unchecked. It is the one
list of who may use a staff route: tests/web/test_access_matrix.py builds on it.
"""

from __future__ import annotations

import pytest
from flask import Flask

from dsar.accounts.models import Role

A, D, M = Role.AGENT, Role.DPO, Role.ADMIN
ROLES_BY_ENDPOINT = {
    "staff.home": {A, D, M},
    "staff.queue": {A, D},
    "staff.assign_bulk": {A, D},
    "staff.new_request": {A, D},
    "staff.detail": {A, D},
    "staff.decide_view": {A, D},
    "staff.representation_decide": {A, D},
    "staff.add_note_view": {A, D},
    "staff.assign_view": {A, D},
    # Merging a duplicate: anyone who may decide on both requests (dsar/requests/merging.py).
    "staff.merge_view": {A, D},
    "staff.download_file": {A, D},
    # The thread with the subject: whoever works the request (dsar/messages).
    "staff.post_message": {A, D},
    "staff.read_messages": {A, D},
    "staff.dashboard": {D, M},
    "staff.register_export": {D, M},
    "staff.users": {M},
    "staff.create_user": {M},
    "staff.update_user": {M},
    # Webhooks: endpoints and dead letters of the admin's controllers.
    "staff.webhooks": {M},
    "staff.webhook_add": {M},
    "staff.webhook_remove": {M},
    "staff.webhook_replay": {M},
    "staff.api_keys": {M},
    "staff.create_api_key": {M},
    "staff.revoke_api_key": {M},
    "staff.mail": {A, D, M},
    "staff.account_totp": {A, D, M},
    # Each staff member switches their own pages' language.
    "staff.set_language": {A, D, M},
    # Letters and fulfilment pages: request work, so admins are kept out as everywhere.
    "staff.request_data": {A, D},
    # Saved queue views: each staff member who works the queue saves and deletes their own.
    "staff.queue_view_save": {A, D},
    "staff.queue_view_delete": {A, D},
    # Erasure: anyone working the request plans it; a DPO (another one) approves and retries.
    "staff.request_erasure": {A, D},
    "staff.request_erasure_plan": {A, D},
    "staff.request_erasure_approve": {D},
    "staff.request_erasure_retry": {D},
    # A DPO, or the agent the request is assigned to, approves a rectification (no four eyes).
    "staff.request_rectification": {A, D},
    "staff.request_rectification_plan": {A, D},
    "staff.request_rectification_approve": {A, D},
    "staff.request_rectification_retry": {A, D},
    "staff.request_rectification_by_hand": {A, D},
    "staff.request_erasure_task": {A, D},
    # Art. 19 notices: anyone working the request records a confirmation; a DPO closes one.
    "staff.notice_confirm": {A, D},
    "staff.notice_close": {D},
    # Restriction: anyone working the request places it and records by-hand steps; a DPO
    # lifts it (after the Art. 18(3) notice) and retries.
    "staff.request_restriction": {A, D},
    "staff.request_restriction_place": {A, D},
    "staff.request_restriction_by_hand": {A, D},
    "staff.request_restriction_lift": {D},
    "staff.request_restriction_retry": {D},
    # Consent withdrawal and objection: anyone working the request confirms the stop or
    # records the assessment; a DPO retries.
    "staff.request_processing": {A, D},
    "staff.request_processing_decide": {A, D},
    "staff.request_processing_by_hand": {A, D},
    "staff.request_processing_retry": {D},
    "staff.request_data_search": {A, D},
    "staff.request_data_exclude": {A, D},
    "staff.request_data_include_again": {A, D},
    "staff.request_data_review": {A, D},
    "staff.request_data_task": {A, D},
    "staff.request_data_export": {A, D},
    "staff.request_data_transmit": {A, D},
    "staff.manual_finding_add": {A, D},
    "staff.manual_finding_remove": {A, D},
    "staff.manual_upload_link": {A, D},
    # Redacting an extract before it goes into the copy (docs/redaction.md): request work.
    "staff.redaction": {A, D},
    "staff.redaction_page": {A, D},
    "staff.redaction_add_area": {A, D},
    "staff.redaction_add_term": {A, D},
    "staff.redaction_remove": {A, D},
    "staff.redaction_apply": {A, D},
    # Typed lookup keys: a document comparison inside claim_verify is the DPO's alone.
    "staff.claim_send_code": {A, D},
    "staff.claim_verify": {A, D},
    "staff.claim_set_aside": {A, D},
    "staff.revoke_export_link": {A, D},
    "staff.letters": {A, D},
    "staff.letter_draft": {A, D},
    "staff.letter_preview": {A, D},
    "staff.letter_edit": {A, D},
    "staff.letter_approve": {D},
    "staff.letter_send": {D},
    "staff.letter_posted": {D},
    "staff.letter_pdf": {A, D},
    "staff.letter_receipt": {A, D},
    # Inbound e-mail (docs/mailbox.md): whoever works the requests of the mail's controller.
    "staff.inbox": {A, D},
    "staff.inbox_mail": {A, D},
    "staff.inbox_eml": {A, D},
    "staff.inbox_confirm": {A, D},
    "staff.inbox_discard": {A, D},
    # The evidence pack for a supervisory authority (docs/receipts.md): the DPO's.
    "staff.evidence_pack": {D},
}
# Reachable before sign-in by design: the sign-in steps and sign-out.
PUBLIC = {"staff.login", "staff.login_totp", "staff.login_enrol", "staff.logout"}
ARGS = dict.fromkeys(
    (
        "request_id",
        "file_id",
        "user_id",
        "task_id",
        "export_id",
        "letter_id",
        "claim_id",
        "finding_id",
        "exclusion_id",
        "erasure_id",
        "rectification_id",
        "index",
        "notice_id",
        "restriction_id",
        "stop_id",
        "view_id",
        "endpoint_id",
        "delivery_id",
        "key_id",
        "mail_id",
    ),
    999999,
) | {"source_id": "shop_db", "part": "orders"}


def _routes(app: Flask) -> list[tuple[str, str, str]]:
    routes = []
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if rule.endpoint.startswith("staff.") and rule.endpoint not in PUBLIC:
                method = "GET" if "GET" in (rule.methods or ()) else "POST"
                args = {name: ARGS[name] for name in rule.arguments}
                routes.append((rule.endpoint, method, url_for(rule.endpoint, **args)))
    return routes


def test_every_staff_endpoint_is_listed(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    staff_endpoints = {e for e in endpoints if e.startswith("staff.")}
    assert staff_endpoints == set(ROLES_BY_ENDPOINT) | PUBLIC
    assert len(_routes(app)) == 87


def test_anonymous_users_are_sent_to_sign_in(app: Flask, client, no_csrf) -> None:  # type: ignore[no-untyped-def]
    for endpoint, method, url in _routes(app):
        response = client.open(url, method=method)
        assert response.status_code == 302, endpoint
        assert response.headers["Location"].startswith("/staff/login"), endpoint


@pytest.mark.parametrize("role", list(Role))
def test_roles_without_permission_get_403(  # type: ignore[no-untyped-def]
    app: Flask, role: Role, agent, dpo, admin, as_user, no_csrf
) -> None:
    user = {Role.AGENT: agent, Role.DPO: dpo, Role.ADMIN: admin}[role]
    client = as_user(user)
    checked = 0
    for endpoint, method, url in _routes(app):
        response = client.open(url, method=method)
        status = response.status_code
        if role in ROLES_BY_ENDPOINT[endpoint]:
            assert status != 403, endpoint
            assert not response.headers.get("Location", "").startswith("/staff/login"), endpoint
        else:
            assert status == 403, (endpoint, status)
            checked += 1
    expected = {Role.AGENT: 22, Role.DPO: 10, Role.ADMIN: 71}[role]
    assert checked == expected


def test_a_post_without_csrf_token_is_refused(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/staff/logout")
    assert response.status_code == 400
    assert b"The form expired" in response.data
