"""An extension takes effect only if its notice reaches the subject by the first due date
(Art. 12(3)): the notice carries the decision's reasons, cannot go out late, and an extension
never told lapses."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from dsar.accounts.models import Role
from dsar.files.storage import FileStore
from dsar.jobs.extensions import lapse_untold_extensions
from dsar.letters.answer import answer_blockers, approve_and_send, mark_posted
from dsar.letters.models import Letter
from dsar.letters.operations import LetterError
from dsar.requests.closing import NotReady
from dsar.requests.deadlines.clock_policies import ClockPolicy
from dsar.requests.deadlines.operations import ClockSettings
from dsar.requests.decisions import DecisionInput, decide
from dsar.requests.models import RequestEvent
from dsar.requests.workflow import Decision, Status
from tests.factories import make_request, make_staff

REASONS = "Twelve systems and three processors to ask."
DUE = date(2026, 4, 2)  # the first due date of a request received on 2 March 2026
AFTER_DUE = datetime(2026, 4, 2, 22, 30, tzinfo=UTC)  # 3 April, 00:30 in Berlin


def _extended(app, session, controller, now):  # type: ignore[no-untyped-def]
    request = make_request(session, controller, now)
    decide(
        session,
        request,
        DecisionInput(Decision.EXTEND, version=request.version, reason=REASONS),
        user=make_staff(session, now, role=Role.DPO),
        clock=ClockSettings(ClockPolicy.EDPB, 3),
        now=now,
        register=app.extensions["dsar.registers"][0],
    )
    letter = session.execute(select(Letter).where(Letter.request_id == request.id)).scalar_one()
    return request, letter


def _send(app, session, letter, now):  # type: ignore[no-untyped-def]
    settings = app.config["DSAR_SETTINGS"]
    approve_and_send(
        session,
        letter,
        register=app.extensions["dsar.registers"][0],
        store=FileStore.from_settings(settings),
        actor="dpo@example.org",
        now=now,
        suppression_salt="",
    )


def test_the_notice_carries_the_decisions_reasons(app, session, controller, now) -> None:  # type: ignore[no-untyped-def]
    request, letter = _extended(app, session, controller, now)

    assert (request.due_date, request.extended_due_date) == (DUE, date(2026, 6, 2))
    assert (letter.type, letter.texts) == ("extension", {"reasons": REASONS})


def test_an_extension_never_told_lapses_after_the_first_due_date(
    app, session, controller, now
) -> None:  # type: ignore[no-untyped-def]
    request, letter = _extended(app, session, controller, now)
    settings = app.config["DSAR_SETTINGS"]

    on_the_day = datetime(2026, 4, 2, 20, tzinfo=UTC)  # 22:00 in Berlin: still 2 April
    assert lapse_untold_extensions(session, settings, on_the_day).lapsed == 0
    assert answer_blockers(session, letter, on_the_day) == []

    assert lapse_untold_extensions(session, settings, AFTER_DUE).lapsed == 1
    assert (request.due_date, request.extended_due_date) == (DUE, None)
    assert "extension_notice_due" not in request.details
    event = session.execute(
        select(RequestEvent).where(RequestEvent.action == "extension_lapsed")
    ).scalar_one()
    assert event.payload["lapsed_due_date"] == "2026-06-02"
    assert lapse_untold_extensions(session, settings, AFTER_DUE).lapsed == 0


def test_a_notice_sent_in_time_keeps_the_extension(app, session, controller, now) -> None:  # type: ignore[no-untyped-def]
    request, letter = _extended(app, session, controller, now)
    _send(app, session, letter, now)

    assert lapse_untold_extensions(session, app.config["DSAR_SETTINGS"], AFTER_DUE).lapsed == 0
    assert request.extended_due_date == date(2026, 6, 2)


def test_a_late_notice_cannot_go_out(app, session, controller, now) -> None:  # type: ignore[no-untyped-def]
    _request, letter = _extended(app, session, controller, now)

    [blocker] = answer_blockers(session, letter, AFTER_DUE)
    assert "told by 2026-04-02 (Art. 12(3))" in blocker
    with pytest.raises(NotReady, match="Art. 12"):
        _send(app, session, letter, AFTER_DUE)

    settings = app.config["DSAR_SETTINGS"]
    from dsar.letters.operations import approve_letter

    approve_letter(
        session,
        letter,
        register=app.extensions["dsar.registers"][0],
        store=FileStore.from_settings(settings),
        actor="dpo@example.org",
        now=now,
    )
    with pytest.raises(LetterError, match="posted after 2026-04-02 does not take effect"):
        mark_posted(session, letter, date(2026, 4, 3), actor="dpo@example.org", now=AFTER_DUE)


def test_a_closed_request_keeps_its_record(app, session, controller, now) -> None:  # type: ignore[no-untyped-def]
    """Only a running clock lapses: a withdrawn request's extension stays as recorded."""
    request, _letter = _extended(app, session, controller, now)
    request.status = Status.WITHDRAWN

    assert lapse_untold_extensions(session, app.config["DSAR_SETTINGS"], AFTER_DUE).lapsed == 0
    assert request.extended_due_date == date(2026, 6, 2)
