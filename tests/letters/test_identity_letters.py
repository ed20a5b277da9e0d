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
