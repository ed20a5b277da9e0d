"""German a DPO would sign: the greeting the subject chose, the DPO named without "(r)" or
"bzw.", the request called by its name ("Ihr Antrag auf …", "Ihr Widerspruch"), no BGB terms."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from dsar.letters.content import LETTER_TYPES, build_letter
from dsar.letters.facts import Subject, salutation_of
from dsar.letters.labels import german_request
from dsar.letters.rendering import render
from dsar.letters.samples import sample_inputs, sample_letter
from dsar.register import Register
from tests.letters.conftest import TODAY, load_all
from tests.letters.test_rendering import automated

GERMAN = [
    pytest.param(slug, kind)
    for slug, register in load_all(Path("/nonexistent-instance")).items()
    if slug != "cplus" and "de" in register.controller.languages
    for kind in LETTER_TYPES
    if kind != "human_review" or automated(register)
]
NOT_SIGNED = re.compile(r"\(r\)|\(in\)|bzw\.|Hemmung|gehemmt|Anfrage auf")


def _greeting(register: Register, lang: str, subject: Subject) -> str:
    sample = sample_inputs(register, "access", lang, TODAY)
    facts = replace(sample.facts, subject=subject)
    content = build_letter(register, facts, letter_type="access", today=TODAY, found=sample.found)
    text = render(content).text
    return next(line for line in text.splitlines() if line.endswith(",") and "Ada" in line)


@pytest.mark.parametrize(
    ("lang", "salutation", "greeting"),
    [
        ("de", "ms", "Sehr geehrte Frau Ada Muster,"),
        ("de", "mr", "Sehr geehrter Herr Ada Muster,"),
        ("de", None, "Guten Tag Ada Muster,"),
        ("en", "ms", "Dear Ms Ada Muster,"),
        ("en", None, "Dear Ada Muster,"),
    ],
)
def test_the_greeting_follows_the_salutation_the_subject_chose(
    demo_register: Register, lang: str, salutation: str | None, greeting: str
) -> None:
    assert _greeting(demo_register, lang, Subject("Ada Muster", salutation=salutation)) == greeting


def test_only_a_known_salutation_is_taken_from_the_request() -> None:
    assert salutation_of({"salutation": "ms"}) == "ms"
    assert salutation_of({"salutation": "Frau<script>"}) is None
    assert salutation_of({}) is None and salutation_of(None) is None


def test_the_dpo_is_named_as_the_register_says(demo_register: Register) -> None:
    feminine = render(sample_letter(demo_register, "acknowledgement", "de", TODAY)).text
    assert "Datenschutzbeauftragte: Erika Mustermann" in feminine
    assert "Unsere Datenschutzbeauftragte Erika Mustermann erreichen Sie unter" in feminine
    office = demo_register.model_copy(
        update={"dpo": demo_register.dpo.model_copy(update={"salutation": None, "name": None})}  # type: ignore[union-attr]
    )
    text = render(sample_letter(office, "acknowledgement", "de", TODAY)).text
    assert "Datenschutzbeauftragter: datenschutz@demo-shop.example" in text
    assert "Unseren Datenschutzbeauftragten erreichen Sie unter datenschutz@" in text


@pytest.mark.parametrize(("slug", "kind"), GERMAN)
def test_no_german_letter_uses_forms_a_dpo_would_not_sign(
    registers: dict[str, Register], slug: str, kind: str
) -> None:
    rendered = render(sample_letter(registers[slug], kind, "de", TODAY))
    for body in (rendered.subject, rendered.text, rendered.html):
        assert not NOT_SIGNED.search(body), NOT_SIGNED.search(body)


def test_the_request_is_called_by_its_name_in_each_case() -> None:
    assert german_request("access", "acc") == "Ihren Antrag auf Auskunft nach Art. 15 DSGVO"
    assert german_request("objection") == "Ihr Widerspruch nach Art. 21 DSGVO"
    assert german_request("consent_withdrawal", "dat", short=True) == "Ihrem Widerruf"
    assert german_request("erasure", "gen") == "Ihres Antrags auf Löschung nach Art. 17 DSGVO"


def test_subject_lines_name_the_request(demo_register: Register) -> None:
    sample = sample_inputs(demo_register, "acknowledgement", "de", TODAY)
    facts = replace(sample.facts, request_type="objection")
    content = build_letter(demo_register, facts, letter_type="acknowledgement", today=TODAY)
    assert render(content).subject.startswith("Eingangsbestätigung zu Ihrem Widerspruch nach")
