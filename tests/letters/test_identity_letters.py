"""The identity request asks for exactly what the decision named and says what really happens
to the deadline: an identity document only when asked for, no stopped clock when asked late."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dsar.letters.content import build_letter
from dsar.letters.rendering import render
from dsar.letters.samples import sample_inputs
from dsar.register import Register
from tests.letters.conftest import TODAY


def _text(register: Register, kind: str, lang: str, **details: object) -> str:
    sample = sample_inputs(register, kind, lang, TODAY)
    facts = replace(sample.facts, details={**sample.facts.details, **details})
    content = build_letter(register, facts, letter_type=kind, today=TODAY, texts=sample.texts)
    return render(content).text


def test_an_identity_document_is_mentioned_only_when_the_letter_asks_for_one(
    demo_register: Register,
) -> None:
    assert "identity document" not in _text(demo_register, "identity_request", "en")
    assert "Ausweis" not in _text(demo_register, "identity_request", "de")
    asked = _text(demo_register, "identity_request", "en", id_document=True)
    assert "black out everything except your name, address and date of birth" in asked


@pytest.mark.parametrize("kind", ["identity_request", "clarification"])
def test_a_request_for_information_too_late_claims_no_stopped_clock(
    demo_register: Register, kind: str
) -> None:
    on_time = _text(demo_register, kind, "en")
    late = _text(demo_register, kind, "en", late_request="yes")
    assert "suspended" in on_time
    assert "suspended" not in late and "keeps running and ends on" in late
    assert "läuft weiter" in _text(demo_register, kind, "de", late_request="yes")


@pytest.mark.parametrize(
    ("lang", "unconfirmed", "not_identifiable"),
    [
        ("en", "We could not confirm that you are the person", "does not allow us to identify you"),
        ("de", "Wir konnten nicht feststellen, dass Sie", "erlauben es uns nicht, Sie zu identif"),
    ],
)
def test_a_failed_identification_says_which_case_it_is(
    demo_register: Register, lang: str, unconfirmed: str, not_identifiable: str
) -> None:
    """Art. 12(2): the identity was not confirmed; Art. 11(2): the data identifies no one."""
    failed = _text(demo_register, "identity_failed", lang)
    assert unconfirmed in failed and not_identifiable not in failed
    cannot = _text(demo_register, "identity_failed", lang, basis="not_identifiable")
    assert not_identifiable in cannot and unconfirmed not in cannot
    for text in (failed, cannot):  # remedies either way (Art. 12(4))
        assert "Art. 77" in text and "Art. 79" in text
