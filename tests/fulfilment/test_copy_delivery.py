"""A letter says how the copy was delivered only as recorded: the live export and its mail."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from dsar.files.storage import FileStore
from dsar.fulfilment.copy_delivery import copy_delivery
from dsar.fulfilment.delivery import mail_download_link
from dsar.fulfilment.links import end_links
from dsar.fulfilment.models import ExportKind, LinkEnd
from dsar.letters.content import IncompleteLetter
from dsar.letters.facts import CopyDelivery, FoundData, FoundSource
from dsar.letters.inputs import found_to_json
from dsar.letters.operations import approve_letter, draft_letter, preview_letter
from dsar.outbox.models import OutboxMessage, OutboxStatus
from dsar.requests.workflow import RequestType
from tests.fulfilment.conftest import make_export

FOUND = FoundData((FoundSource("shop_db", {"contact": 1}, ("customer_account",)),))


def test_the_newest_live_export_and_whether_its_link_was_mailed(  # type: ignore[no-untyped-def]
    app, session, verified_request, now
) -> None:
    request = verified_request()
    assert copy_delivery(session, request, now) is None  # nothing built: nothing to say
    export, _token = make_export(app, session, request, now)
    assert copy_delivery(session, request, now) == CopyDelivery(
        date(2026, 3, 2), date(2026, 3, 16), link_mailed=False, with_password=False
    )
    mail_download_link(session, request, export, link="https://x.example/d/t", now=now)
    delivered = copy_delivery(session, request, now)
    assert delivered is not None and delivered.link_mailed
    mail = session.execute(select(OutboxMessage)).scalar_one()
    mail.status = OutboxStatus.FAILED  # the outbox gave up: it was not e-mailed
    failed = copy_delivery(session, request, now)
    assert failed is not None and not failed.link_mailed
    mail.status = OutboxStatus.SENT
    end_links(session, request, LinkEnd.STAFF, actor="dana", now=now)
    assert copy_delivery(session, request, now) is None  # a revoked link delivers nothing
    assert copy_delivery(session, request, now + timedelta(days=30)) is None


def test_an_access_letter_names_the_delivery_made_and_waits_for_one(  # type: ignore[no-untyped-def]
    app, session, verified_request, now
) -> None:
    request = verified_request(type=RequestType.ACCESS, language="en")
    register = app.extensions["dsar.registers"][0]
    letter = draft_letter(session, request, actor="dana", now=now, letter_type="access")
    letter.found = found_to_json(FOUND)
    session.flush()
    store = FileStore.from_settings(app.config["DSAR_SETTINGS"])
    with pytest.raises(IncompleteLetter, match="the copy: build the export"):
        approve_letter(session, letter, register=register, store=store, actor="dana", now=now)
    export, _token = make_export(app, session, request, now)
    mail_download_link(session, request, export, link="https://x.example/d/t", now=now)
    text = " ".join(preview_letter(letter, register, now=now).text.split())
    assert "We e-mailed you the download link on 2 March 2026." in text
    assert "until 16 March 2026" in text
    assert "attached" not in text


def test_a_transmission_dsar_made_is_a_recorded_fact_of_the_portability_letter(  # type: ignore[no-untyped-def]
    app, session, verified_request, now
) -> None:
    from dsar.fulfilment.copy_delivery import recorded_transmission
    from dsar.fulfilment.models import Transmission, TransmissionStatus

    request = verified_request(
        type=RequestType.PORTABILITY, language="en", details={"transmit_to": "Neu GmbH"}
    )
    export, _token = make_export(app, session, request, now)
    export.kind = ExportKind.PORTABILITY
    refused = Transmission(
        request_id=request.id,
        export_id=export.id,
        url="https://neu.example/import",
        actor="dana",
        status=TransmissionStatus.SENT,
        http_status=500,
        created_at=now,
        finished_at=now,
    )
    session.add(refused)
    session.flush()
    assert recorded_transmission(session, request) == {}  # the receiver did not accept it
    refused.http_status = 201
    session.flush()
    assert recorded_transmission(session, request) == {
        "transmitted": True,
        "transmitted_on": "2026-03-02",
    }
    letter = draft_letter(session, request, actor="dana", now=now, letter_type="portability")
    letter.found = found_to_json(FOUND)
    session.flush()
    register = app.extensions["dsar.registers"][0]
    text = " ".join(preview_letter(letter, register, now=now).text.split())
    assert "we transmitted the data directly to Neu GmbH on 2 March 2026" in text
