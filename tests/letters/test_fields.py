"""What staff fill in on a letter's page: plain labels, and the facts parsed as stored."""

from __future__ import annotations

import pytest

from dsar.letters.content import FREE_TEXT, LETTER_TYPES
from dsar.letters.fields import (
    BY_HAND,
    TEXT_LABELS,
    fact_fields,
    parse_facts,
    shown_value,
    text_labels,
)


@pytest.mark.parametrize("letter_type", LETTER_TYPES)
def test_every_part_has_a_plain_label(letter_type: str) -> None:
    for name, label in text_labels(letter_type):
        assert name in FREE_TEXT[letter_type]
        assert "_" not in label and label[0].isupper()
    fields = fact_fields(letter_type, activities=[("a", "A")], recipients=[("r", "R")])
    for field in fields:
        assert "_" not in field.label and field.label[0].isupper()


def test_every_free_text_name_has_a_label() -> None:
    assert {n for names in FREE_TEXT.values() for n in names} == set(TEXT_LABELS)


@pytest.mark.parametrize(
    ("letter_type", "fact"),
    [
        ("rectification", "done_on"),
        ("erasure", "done_on"),
        ("restriction", "done_on"),
        ("objection", "done_on"),
        ("consent_withdrawal", "effective_on"),
        ("recipient_notice", "action_on"),
        ("portability", "transmitted"),
        ("portability", "transmitted_on"),
    ],
)
def test_what_staff_did_by_hand_says_so(letter_type: str, fact: str) -> None:
    (field,) = [f for f in fact_fields(letter_type) if f.name == fact]
    assert field.hint == BY_HAND


def test_facts_are_parsed_as_stored() -> None:
    fields = fact_fields(
        "objection", activities=[("newsletter", "Newsletter"), ("orders", "Orders")]
    )
    given = {"outcome": "stopped", "done_on": "2026-03-01", "activities": ["newsletter", "x"]}
    assert parse_facts(fields, given) == {
        "outcome": "stopped",
        "done_on": "2026-03-01",
        "activities": ["newsletter"],  # only the register's activities
    }
    assert parse_facts(fields, {"outcome": "", "done_on": ""}) == {}  # empty: not recorded
    refusal = fact_fields("refusal")
    given = {"ground": "excessive", "partial": "no", "fee": " 1.250,5 "}
    with pytest.raises(ValueError, match="give an amount such as 25,00"):
        parse_facts(refusal, given)  # a thousands point is no decimal point
    given["fee"] = "25,5"
    assert parse_facts(refusal, given) == {"ground": "excessive", "partial": False, "fee": "25.50"}
    assert shown_value(refusal[1], False) == "no"
    for wrong in ("0", "-3", "10000", "2,555", "NaN"):
        with pytest.raises(ValueError, match="Reasonable fee"):
            parse_facts(refusal, {"fee": wrong})
    assert shown_value(fields[1], ["newsletter"]) == "Newsletter"


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"done_on": "1.3.2026"}, "Date the processing stopped (when stopped): give a date"),
        ({"outcome": "maybe"}, "Outcome of the objection: choose one of the listed values"),
    ],
)
def test_a_wrong_value_is_named(given: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_facts(fact_fields("objection"), given)
