"""End to end: a typed customer number never finds another customer's data; its owner proves it.

Through the public form, the e-mail links (real SMTP), the staff pages and the export, on both
databases: the attacker's export holds nothing of customer K-100002; the owner who enters the
code mailed to the address on file gets their data.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import select

from dsar.demo.shop import ensure_shop
from dsar.files.storage import FileStore
from dsar.fulfilment.claim_models import ClaimState, LookupClaim
from dsar.fulfilment.models import Export
from dsar.requests.models import Request
from tests.intake.conftest import form_data, link_in, send_mail

VICTIM_NUMBER = "K-100002"
VICTIM_EMAIL = "kunde002@example.org"
VICTIM_NAME_PART = "K-100002"


def _submit_and_confirm(app, client, smtp_server, now, email: str) -> tuple[Request, str]:  # type: ignore[no-untyped-def]
    data = form_data(email=email, key_customer_number=VICTIM_NUMBER)
    assert client.post("/c/demo/request/access", data=data).status_code == 302
    send_mail(app, smtp_server, now)
    confirm = urlsplit(link_in(smtp_server.handler.messages[-1], "/c/demo/confirm/")).path
    assert client.post(confirm).status_code == 200
    send_mail(app, smtp_server, now)
    status = urlsplit(link_in(smtp_server.handler.messages[-1], "/c/demo/status/")).path
    request = (
        app.extensions["sqlalchemy"]
        .session.execute(select(Request).where(Request.subject_email == email))
        .scalar_one()
    )
    return request, status


def _verify_and_search(client, request: Request) -> str:  # type: ignore[no-untyped-def]
    decided = client.post(
        f"/staff/requests/{request.id}/decide",
        data={"decision": "verify_identity", "version": str(request.version)},
    )
    assert decided.status_code == 303
    assert client.post(f"/staff/requests/{request.id}/data/search").status_code == 302
    return client.get(f"/staff/requests/{request.id}/data").get_data(as_text=True)


def _finish_manual_tasks(client, session, request: Request) -> None:  # type: ignore[no-untyped-def]
    from dsar.fulfilment.models import ManualTask

    for task in session.execute(
        select(ManualTask).where(ManualTask.request_id == request.id, ManualTask.done_at.is_(None))
    ).scalars():
        client.post(
            f"/staff/requests/{request.id}/data/tasks/{task.id}",
            data={"note": "none", "outcome": "nothing_found"},
        )


def _export(app, session, request: Request) -> dict[str, str]:  # type: ignore[no-untyped-def]
    export = (
        session.execute(
            select(Export).where(Export.request_id == request.id).order_by(Export.id.desc())
        )
        .scalars()
        .first()
    )
    assert export is not None
    data = FileStore.from_settings(app.config["DSAR_SETTINGS"]).read(export.file)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {n: archive.read(n).decode("utf-8", "replace") for n in archive.namelist()}


def test_attacker_typing_another_customers_number_gets_nothing_of_theirs(  # type: ignore[no-untyped-def]
    app, client, session, controller, smtp_server, now, dpo, as_user, no_csrf
) -> None:
    ensure_shop(Path(app.instance_path))
    request, _status = _submit_and_confirm(app, client, smtp_server, now, "attacker@example.org")
    staff = as_user(dpo)
    page = _verify_and_search(staff, request)

    assert 'id="claim-warning"' in page  # own address found nothing, the number finds somebody
    assert "differs from the confirmed one" in page
    assert "not verified: not used" in page
    assert "attacker@example.org</strong> (confirmed through the link we mailed)" in page
    detail = staff.get(f"/staff/requests/{request.id}").get_data(as_text=True)
    assert "(confirmed through the link we mailed)" in detail
    assert "a claim, not an identity" in detail
    assert VICTIM_EMAIL not in page  # no sample row of the other customer is shown
    claim = session.execute(select(LookupClaim)).scalar_one()
    assert claim.state is ClaimState.UNVERIFIED and claim.conflict

    _finish_manual_tasks(staff, session, request)
    refused = staff.post(f"/staff/requests/{request.id}/data/export", data={"kind": "access"})
    assert refused.status_code == 302
    assert session.execute(select(Export)).first() is None  # blocked by the open claim

    # An agent cannot wave the claim through as "the record carries the e-mail" ...
    verify = f"/staff/requests/{request.id}/data/keys/{claim.id}/verify"
    staff.post(verify, data={"method": "row_carries_email", "detail": "looks fine"})
    session.refresh(claim)
    assert claim.state is ClaimState.UNVERIFIED
    # ... and answering without it exports only what the confirmed address finds: nothing.
    staff.post(
        f"/staff/requests/{request.id}/data/keys/{claim.id}/set-aside",
        data={"reason": "the number belongs to someone else"},
    )
    staff.post(f"/staff/requests/{request.id}/data/search")
    _finish_manual_tasks(staff, session, request)
    assert (
        staff.post(f"/staff/requests/{request.id}/data/export", data={"kind": "access"}).status_code
        == 302
    )
    files = _export(app, session, request)
    text = "\n".join(files.values())
    assert VICTIM_NUMBER not in text and VICTIM_EMAIL not in text
    sources = json.loads(files["data.json"])["sources"]
    assert all(p["row_count"] == 0 for s in sources for p in s.get("parts", [])), sources


def test_owner_with_a_new_address_proves_the_number_with_the_code(  # type: ignore[no-untyped-def]
    app, client, session, controller, smtp_server, now, dpo, as_user, no_csrf
) -> None:
    ensure_shop(Path(app.instance_path))
    request, status = _submit_and_confirm(app, client, smtp_server, now, "owner-new@example.com")
    staff = as_user(dpo)
    _verify_and_search(staff, request)
    claim = session.execute(select(LookupClaim)).scalar_one()

    page = client.get(status).get_data(as_text=True)
    assert "not yet confirmed as yours" in page
    sent = client.post(f"{status}/keys/{claim.id}/code")
    assert sent.status_code == 302
    send_mail(app, smtp_server, now)
    mail = smtp_server.handler.messages[-1]
    assert mail["To"] == VICTIM_EMAIL  # the address on file, not the requester's
    body = mail.get_body(("plain",)).get_content()
    assert "owner-new@example.com" not in body and "Zoë" not in body
    code = next(w for w in body.split() if w.isdigit() and len(w) == 6)

    assert (
        client.post(f"{status}/keys/{claim.id}/verify", data={"code": "12345x"}).status_code == 302
    )
    session.refresh(claim)
    assert claim.state is ClaimState.UNVERIFIED
    answered = client.post(f"{status}/keys/{claim.id}/verify", data={"code": code})
    assert "notice=ok" in answered.headers["Location"]
    session.refresh(claim)
    assert claim.state is ClaimState.VERIFIED
    assert "confirmed as yours" in client.get(status).get_data(as_text=True)

    staff.post(f"/staff/requests/{request.id}/data/search")
    _finish_manual_tasks(staff, session, request)
    assert (
        staff.post(f"/staff/requests/{request.id}/data/export", data={"kind": "access"}).status_code
        == 302
    )
    files = _export(app, session, request)
    assert VICTIM_EMAIL in files["shop_db/customers.csv"]
    assert VICTIM_NUMBER in files["shop_db/customers.csv"]


def _claimed(session, controller, now, email: str):  # type: ignore[no-untyped-def]
    from dsar.fulfilment.claims import claims_of
    from dsar.requests.operations import apply_action
    from dsar.requests.workflow import Action
    from tests.factories import make_request

    request = make_request(
        session,
        controller,
        now,
        subject_email=email,
        details={"lookup_keys": {"customer_number": VICTIM_NUMBER}},
    )
    apply_action(session, request, Action.VERIFY_IDENTITY, actor="test", now=now)
    return request, claims_of(session, request, now)[0]


def test_only_the_dpo_verifies_a_key_by_document(  # type: ignore[no-untyped-def]
    app, session, controller, now, agent, dpo, as_user, no_csrf
) -> None:
    request, claim = _claimed(session, controller, now, "someone@example.org")
    url = f"/staff/requests/{request.id}/data/keys/{claim.id}/verify"
    data = {"method": "document_compared", "detail": "ID card: name and address match"}

    assert as_user(agent).post(url, data=data).status_code == 403
    session.refresh(claim)
    assert claim.state is ClaimState.UNVERIFIED

    assert as_user(dpo).post(url, data=data).status_code == 302
    session.refresh(claim)
    assert (claim.state, claim.decided_by) == (ClaimState.VERIFIED, dpo.email)
    assert claim.detail == "ID card: name and address match"


def test_staff_send_a_code_to_the_address_a_manual_system_holds(  # type: ignore[no-untyped-def]
    app, session, controller, now, agent, as_user, no_csrf, monkeypatch
) -> None:
    from dsar.outbox.models import OutboxMessage

    registers = app.extensions["dsar.registers"]
    demo = next(r for r in registers if r.controller.slug == "demo")
    manual = next(s for s in demo.sources if s.type == "manual")
    changed = demo.model_copy(
        update={
            "sources": [
                s.model_copy(update={"verifiable": ["customer_number"]}) if s is manual else s
                for s in demo.sources
            ]
        }
    )
    monkeypatch.setitem(
        app.extensions, "dsar.registers", [changed if r is demo else r for r in registers]
    )
    request, claim = _claimed(session, controller, now, "someone@example.org")
    page = as_user(agent).get(f"/staff/requests/{request.id}/data").get_data(as_text=True)
    assert f"E-mail address on file in {manual.name}" in page

    sent = as_user(agent).post(
        f"/staff/requests/{request.id}/data/keys/{claim.id}/code",
        data={"source_id": manual.id, "address": "owner@example.net"},
    )
    assert sent.status_code == 302
    mail = session.execute(select(OutboxMessage)).scalars().all()[-1]
    assert mail.recipient == "owner@example.net"
    session.refresh(claim)
    assert claim.code_hash is not None and claim.codes_sent == 1
