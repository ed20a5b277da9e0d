"""The pure letter content: planned deletion dates, mandatory elements, refusals to build."""

from __future__ import annotations

from datetime import date

import pytest

from dsar.letters.content import IncompleteLetter, build_letter
from dsar.letters.content_parts import planned_deletion
from dsar.letters.facts import FoundData, FoundSource, KeptRecords, RequestFacts, Subject
from dsar.letters.samples import sample_inputs, sample_letter
from dsar.register import Register
from tests.letters.conftest import TODAY


@pytest.mark.parametrize(
    ("activity", "latest_on", "expires", "deletion"),
    [
        ("invoicing", date(2025, 3, 15), date(2033, 12, 31), date(2034, 1, 1)),  # R1: 8 years
        ("orders", date(2024, 6, 10), date(2030, 12, 31), date(2031, 1, 1)),  # R3: 6 years
        ("invoicing", date(2016, 5, 1), date(2024, 12, 31), date(2025, 1, 1)),  # R5
        ("contact_requests", date(2026, 1, 31), date(2026, 7, 31), date(2026, 8, 1)),
    ],
)
def test_planned_deletion_follows_legal_4_1(
    demo_register: Register, activity: str, latest_on: date, expires: date, deletion: date
) -> None:
    got = planned_deletion(demo_register.activity(activity), latest_on)  # type: ignore[arg-type]
    assert got == (expires, deletion)


def test_erasure_letter_lists_kept_invoices_with_norm_and_deletion_date(
    demo_register: Register,
) -> None:
    found = FoundData(
        (
            FoundSource(
                "shop_db",
                {"identity": 1, "birth_date": 1, "invoice": 3},
                ("customer_account", "invoicing"),
                (KeptRecords("invoicing", ("identity", "invoice"), 3, date(2025, 3, 15)),),
            ),
        )
    )
    facts = RequestFacts(
        "DSAR-2026-000007",
        "erasure",
        "de",
        Subject("Zoë Schmidt"),
        date(2026, 2, 1),
        date(2026, 3, 2),
        details={"done_on": "2026-02-20", "erasure_status": "done"},
    )
    content = build_letter(demo_register, facts, letter_type="erasure", today=TODAY, found=found)
    (kept,) = content.kept
    assert kept.deletion_on == date(2034, 1, 1)
    assert kept.norm == "HGB §257(1) Nr. 4, (4); AO §147(1) Nr. 4, (3); UStG §14b"
    assert content.erased == ("Geburtsdatum",)


def _without_authority_address(register: Register) -> Register:
    authority = register.supervisory_authority.model_copy(update={"address": None})
    return register.model_copy(update={"supervisory_authority": authority})


@pytest.mark.parametrize("letter_type", ["access", "refusal"])
def test_missing_authority_address_is_refused_by_name(
    demo_register: Register, letter_type: str
) -> None:
    broken = _without_authority_address(demo_register)
    with pytest.raises(IncompleteLetter) as caught:
        sample_letter(broken, letter_type, "en", TODAY)
    assert str(caught.value) == (
        f"the {letter_type} letter is incomplete: missing the supervisory authority's address "
        "(supervisory_authority.address in the register)"
    )


def test_no_authority_at_all_is_refused(demo_register: Register) -> None:
    broken = demo_register.model_copy(update={"supervisory_authority": None})
    with pytest.raises(
        IncompleteLetter, match=r"the supervisory authority \(supervisory_authority"
    ):
        sample_letter(broken, "access", "de", TODAY)


@pytest.mark.parametrize(
    ("letter_type", "part", "message"),
    [
        ("extension", "reasons", "the case-specific reasons"),
        ("identity_request", "doubt", "the reasonable doubt about the identity (Art. 12(6))"),
        (
            "clarification",
            "question",
            "which information or processing activities the request should cover (Recital 63)",
        ),
        (
            "clarification",
            "provided",
            "what is provided already, or why nothing can be provided before the answer",
        ),
        (
            "refusal",
            "facts",
            "the facts that show the request is manifestly unfounded or excessive",
        ),
        ("rectification", "changes", "what was corrected or completed"),
    ],
)
def test_missing_staff_text_is_named(
    demo_register: Register, letter_type: str, part: str, message: str
) -> None:
    sample = sample_inputs(demo_register, letter_type, "en", TODAY)
    del sample.texts[part]
    with pytest.raises(IncompleteLetter) as caught:
        build_letter(
            demo_register,
            sample.facts,
            letter_type=letter_type,
            today=TODAY,
            found=sample.found,
            texts=sample.texts,
        )
    assert caught.value.missing == [message]


def test_access_without_found_data_is_refused(demo_register: Register) -> None:
    sample = sample_inputs(demo_register, "access", "en", TODAY)
    with pytest.raises(IncompleteLetter, match=r"what the search found \(the found data\)"):
        build_letter(demo_register, sample.facts, letter_type="access", today=TODAY, found=None)


def test_unknown_type_and_language(demo_register: Register, registers: dict[str, Register]) -> None:
    with pytest.raises(ValueError, match="unknown letter type 'memo'"):
        sample_letter(demo_register, "memo", "en", TODAY)
    with pytest.raises(ValueError, match="cplus writes in en, not 'de'"):
        sample_letter(registers["cplus"], "access", "de", TODAY)


def test_access_recipients_named_or_category(registers: dict[str, Register]) -> None:
    content = sample_letter(registers["ipro"], "access", "de", TODAY)
    sales = next(a for a in content.activities if a.title == "Einkauf, Verkauf und Buchführung")
    assert [(r.label, r.named) for r in sales.recipients][:2] == [
        ("Kreditinstitute", False),
        ("Transportunternehmen", False),
    ]
    demo = sample_letter(registers["demo"], "access", "en", TODAY)
    newsletter = next(a for a in demo.activities if a.title == "Newsletter")
    assert newsletter.recipients[0].label == "Example Mail Inc., San Francisco"
    assert newsletter.transfers[0][:3] == (
        "Example Mail Inc., San Francisco",
        "US",
        "standard_contractual_clauses",
    )
