"""Letters on a representative's request go to the representative, on behalf of the subject
(docs/representatives.md): the address, the greeting, and what the body speaks of."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dsar.accounts.models import Role
from dsar.letters.models import Letter
from dsar.letters.operations import preview_letter
from dsar.representatives.operations import Step, decide_representation
from dsar.requests.deadlines.clock_policies import ClockPolicy
from dsar.requests.deadlines.operations import ClockSettings
from tests.factories import make_staff
from tests.representatives.factories import make_represented

WORDS = {
    "en": (
        "To: Anna Berger, on behalf of Mia Berger",
        "Dear Anna Berger,",
        "You asked us on behalf of Mia Berger.",
        "on behalf of Mia Berger",
        "We could not confirm that you may act for Mia Berger",
        "that you are the person whose data",
    ),
    "de": (
        "An: Anna Berger, im Namen von Mia Berger",
        "Guten Tag Anna Berger,",
        "Sie haben sich im Namen von Mia Berger an uns gewandt.",
        "im Namen von Mia Berger",
        "Wir konnten nicht feststellen, dass Sie Mia Berger vertreten dürfen.",
        "dass Sie die Person sind",
    ),
}

# The body's sentence and the subject line's start when who the representative is could not
# be confirmed.
IDENTITY_NOT_CONFIRMED = {
    "en": (
        "We could not confirm who you are, so we cannot act on the request for Mia Berger",
        "We could not confirm your identity (",
    ),
    "de": (
        "Wir konnten nicht feststellen, wer Sie sind. Deshalb",
        "Wir konnten Ihre Identität nicht",
    ),
}


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_refusal_of_authority_is_written_to_the_representative(
    app, session, controller, now, lang
) -> None:  # type: ignore[no-untyped-def]
    dpo = make_staff(session, now, role=Role.DPO)
    request = make_represented(app, session, controller, now, language=lang)
    reason = "The document does not show that you have parental responsibility."
    decide_representation(
        session, request, Step.AUTHORITY, verified=False, note=reason, version=request.version,
        user=dpo, clock=ClockSettings(ClockPolicy.EDPB, 3),
        now=now,
    )  # fmt: skip
    letter = session.execute(select(Letter).where(Letter.request_id == request.id)).scalar_one()
    register = app.extensions["dsar.registers"][0]
    rendered = preview_letter(letter, register, now=now)
    to, greeting, asked, address, why, not_said = WORDS[lang]
    assert why in rendered.text and why in rendered.html
    assert not_said not in rendered.text
    assert to in rendered.text and greeting in rendered.text and asked in rendered.text
    assert address in rendered.html  # the address block
    assert reason in rendered.text
    # No sentence about the subject's data: this letter discloses none.
    assert "personal data of Mia" not in rendered.text
    assert "personenbezogenen Daten von Mia" not in rendered.text
    assert "mia@example.org" not in rendered.text
    # It names what was refused, the authority, and never says the identity failed.
    assert rendered.subject.startswith(
        {"en": "We could not confirm your authority to act", "de": "Wir konnten Ihre Vertretungs"}[
            lang
        ]
    )
    assert {"en": "who you are", "de": "wer Sie sind"}[lang] not in rendered.text


@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_refused_identity_of_the_representative_says_so_and_not_the_authority(
    app, session, controller, now, lang
) -> None:  # type: ignore[no-untyped-def]
    dpo = make_staff(session, now, role=Role.DPO)
    request = make_represented(app, session, controller, now, language=lang)
    decide_representation(
        session, request, Step.IDENTITY, verified=False, note="The ID card had expired.",
        version=request.version, user=dpo, clock=ClockSettings(ClockPolicy.EDPB, 3), now=now,
    )  # fmt: skip
    letter = session.execute(select(Letter).where(Letter.request_id == request.id)).scalar_one()
    rendered = preview_letter(letter, app.extensions["dsar.registers"][0], now=now)
    said = IDENTITY_NOT_CONFIRMED[lang][0]
    assert said in rendered.text and said in rendered.html
    assert {"en": "may act for", "de": "vertreten dürfen"}[lang] not in rendered.text.split(said)[
        1
    ].split("\n")[0]
    assert rendered.subject.startswith(IDENTITY_NOT_CONFIRMED[lang][1])


def test_the_letter_facts_name_the_representative_and_search_no_address(
    app, session, controller, now
) -> None:  # type: ignore[no-untyped-def]
    from dsar.letters.inputs import facts_for

    request = make_represented(app, session, controller, now, details={"salutation": "ms"})
    facts = facts_for(request)
    assert facts.representative is not None
    assert (facts.representative.name, facts.representative.salutation) == ("Anna Berger", "ms")
    assert facts.subject.salutation is None  # the form's salutation was the representative's
    assert facts.identity is not None and facts.identity.email is None


@pytest.mark.parametrize("lang", ["en", "de"])
def test_an_identity_failed_otherwise_says_only_what_was_decided(
    app, session, controller, now, lang
) -> None:  # type: ignore[no-untyped-def]
    """Both checks verified, then the ordinary "identity not established": the letter says
    who they are could not be confirmed, never that their authority could not be."""
    from dsar.requests.decisions import Decision, DecisionInput, decide

    dpo = make_staff(session, now, role=Role.DPO)
    request = make_represented(app, session, controller, now, language=lang)
    clock = ClockSettings(ClockPolicy.EDPB, 3)
    for step in (Step.IDENTITY, Step.AUTHORITY):
        decide_representation(
            session, request, step, verified=True, note="", version=request.version,
            user=dpo, clock=clock, now=now,
        )  # fmt: skip
    given = DecisionInput(Decision.FAIL_IDENTITY, request.version, reason="no answer")
    decide(session, request, given, user=dpo, clock=clock, now=now)
    letter = session.execute(select(Letter).where(Letter.request_id == request.id)).scalar_one()
    rendered = preview_letter(letter, app.extensions["dsar.registers"][0], now=now)

    said = IDENTITY_NOT_CONFIRMED[lang][0]
    assert said in rendered.text and said in rendered.html
    assert rendered.subject.startswith(IDENTITY_NOT_CONFIRMED[lang][1])
    authority = {"en": "authority", "de": "Vertretungsbefugnis"}[lang]
    assert authority not in rendered.subject
    assert {"en": "and that you may act", "de": "und dass Sie"}[lang] not in rendered.text
