"""Completing an access request drafts its letter with what the search really found."""

from __future__ import annotations

from sqlalchemy import select

from dsar.accounts.models import Role
from dsar.fulfilment.found import found_data_for
from dsar.letters.models import Letter
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
