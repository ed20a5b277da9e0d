"""Completing an access request drafts its letter with what the search really found."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from dsar.accounts.models import Role
from dsar.fulfilment.found import found_data_for
from dsar.fulfilment.search import run_search
from dsar.letters.content import IncompleteLetter, build_letter
from dsar.letters.facts import CopyDelivery
from dsar.letters.inputs import facts_for
from dsar.letters.models import Letter
from dsar.letters.rendering import render
from dsar.requests.deadlines.clock_policies import ClockPolicy
from dsar.requests.deadlines.operations import ClockSettings
from dsar.requests.decisions import DecisionInput, decide
from dsar.requests.workflow import Decision
from tests.factories import make_staff
from tests.fulfilment.test_downloads import _export


def _register(app):  # type: ignore[no-untyped-def]
    return app.extensions["dsar.registers"][0]


def test_found_data_counts_the_subjects_rows(app, session, now, verified_request) -> None:  # type: ignore[no-untyped-def]
    request, _built = _export(app, session, now, verified_request)
    found = found_data_for(session, request, _register(app))
    assert found is not None
    sources = {s.source: s for s in found.sources}
    assert set(sources) == {"shop_db"}
    shop = sources["shop_db"]
    # Customer K-100042 of the demo shop: rows in every table, so every table's activity shows.
    assert shop.categories and all(count > 0 for count in shop.categories.values())
    assert "orders" in shop.activities


def test_completing_access_drafts_the_letter_with_found_data(
    app, session, now, verified_request
) -> None:  # type: ignore[no-untyped-def]
    request, _built = _export(app, session, now, verified_request)
    dpo = make_staff(session, now, role=Role.DPO)
    decide(
        session,
        request,
        DecisionInput(Decision.PREPARE_ANSWER, version=request.version),
        user=dpo,
        clock=ClockSettings(ClockPolicy.EDPB, 3),
        now=now,
        register=_register(app),
    )
    letter = session.execute(select(Letter).where(Letter.request_id == request.id)).scalar_one()
    assert letter.type == "access"
    assert letter.found is not None and letter.found["sources"][0]["source"] == "shop_db"


def _access_letter(register, request, found, now):  # type: ignore[no-untyped-def]
    copy = CopyDelivery(now.date(), now.date() + timedelta(days=14), True, False)
    facts = facts_for(request, copy=copy)
    return build_letter(register, facts, letter_type="access", today=now.date(), found=found)


def test_the_search_records_who_received_the_data_and_the_letter_names_them(
    app, session, now, verified_request
) -> None:  # type: ignore[no-untyped-def]
    """C-154/21: the recipients this subject's rows went to, by name, from the search."""
    request, register = verified_request(), _register(app)
    run = run_search(session, request, register, actor="dana@example.org", now=now)

    recipients = {f.part: f.recipients for f in run.findings if f.source_id == "shop_db"}
    assert recipients["orders"] == ["payments", "parcel"]  # every payment; the carrier column
    assert recipients["invoices"] == ["tax_advisor"]
    assert recipients["customers"] == [] and recipients["web_logs"] == []
    found = found_data_for(session, request, register)
    assert found is not None
    assert found.recipient_ids == ["payments", "parcel", "tax_advisor", "newsletter_tool"]
    text = " ".join(render(_access_letter(register, request, found, now)).text.split())
    assert (
        "we passed data about you to: - Zahlungsdienst Demo AG, Frankfurt am Main (Payment "
        "service provider, Germany) - Paket-Express Demo GmbH, Hamburg (Delivery company, "
        "Germany)" in text
    )


def test_a_carrier_the_register_does_not_map_stops_the_letter(
    app, session, now, verified_request
) -> None:  # type: ignore[no-untyped-def]
    request, register = verified_request(), _register(app)
    shop = register.source("shop_db")
    orders = shop.table("orders")
    other = orders.disclosures.model_copy(update={"values": {"DHL": "parcel"}})
    tables = [
        t.model_copy(update={"disclosures": other}) if t.name == "orders" else t
        for t in shop.tables
    ]
    shop = shop.model_copy(update={"tables": tables})
    register = register.model_copy(update={"sources": [shop, *register.sources[1:]]})
    run = run_search(session, request, register, actor="dana@example.org", now=now)

    orders_found = next(f for f in run.findings if f.part == "orders")
    assert (orders_found.recipients, orders_found.unmapped_recipients) == (
        ["payments"],
        ["Paket-Express"],
    )
    found = found_data_for(session, request, register)
    with pytest.raises(IncompleteLetter, match="which register recipient 'Paket-Express'"):
        _access_letter(register, request, found, now)
