"""A letter refuses what it must not print: placeholders, Privacy Shield, a bare Art. 22 block."""

from __future__ import annotations

from typing import Any

import pytest

from dsar.letters.content import IncompleteLetter
from dsar.letters.samples import sample_letter
from dsar.register import Register, Text
from dsar.register.activities import AutomatedDecision, Transfer
from tests.letters.conftest import TODAY


def with_controller(register: Register, **update: Any) -> Register:
    return register.model_copy(update={"controller": register.controller.model_copy(update=update)})


def with_address(register: Register, **update: Any) -> Register:
    address = register.controller.address.model_copy(update=update)
    return with_controller(register, address=address)


def with_activity(register: Register, index: int, **update: Any) -> Register:
    activities = list(register.activities)
    activities[index] = activities[index].model_copy(update=update)
    return register.model_copy(update={"activities": activities})


def refusal(register: Register, letter_type: str, language: str = "en") -> str:
    with pytest.raises(IncompleteLetter) as caught:
        sample_letter(register, letter_type, language, TODAY)
    return str(caught.value)


@pytest.mark.parametrize("letter_type", ["acknowledgement", "access", "refusal"])
def test_a_placeholder_in_the_controller_is_refused_by_its_field(
    demo_register: Register, letter_type: str
) -> None:
    broken = with_address(demo_register, street="NOT STATED IN THE POLICY", postcode="00000")

    assert refusal(broken, letter_type) == (
        f"the {letter_type} letter is incomplete: missing controller.address.street holds a "
        "placeholder ('NOT STATED'); controller.address.postcode holds a placeholder postcode "
        "('00000')"
    )


def test_example_addresses_need_a_fictional_controller(demo_register: Register) -> None:
    assert demo_register.controller.fictional
    sample_letter(demo_register, "acknowledgement", "en", TODAY)  # the demo: no refusal

    message = refusal(with_controller(demo_register, fictional=False), "acknowledgement")

    assert "controller.contact.email holds an address on a domain reserved for examples" in message
    assert "'kontakt@demo-shop.example'" in message
    assert "dpo.email holds an address" in message


def test_a_placeholder_in_an_activity_is_refused_only_where_the_letter_prints_it(
    demo_register: Register,
) -> None:
    purpose = Text({"de": "TODO", "en": "TODO"})
    broken = with_activity(demo_register, 0, purpose=purpose)

    sample_letter(broken, "acknowledgement", "en", TODAY)  # names no activity
    assert "activities[0].purpose.en holds a placeholder ('TODO')" in refusal(broken, "access")


def _decision(**missing: None) -> AutomatedDecision:
    texts = {
        "logic": Text({"de": "Punktwert.", "en": "A score."}),
        "significance": Text({"de": "Rechnungskauf.", "en": "Payment on invoice."}),
        "consequences": Text({"de": "Vorkasse.", "en": "Payment in advance."}),
    }
    return AutomatedDecision(present=True, **{k: v for k, v in texts.items() if k not in missing})


def test_an_art_22_decision_without_its_significance_is_refused(demo_register: Register) -> None:
    broken = with_activity(demo_register, 0, automated_decision=_decision(significance=None))
    title = demo_register.activities[0].title["en"]

    assert refusal(broken, "access").endswith(
        f"missing the significance of the automated decision in {title!r} "
        "(automated_decision.significance in the register)"
    )


def test_a_privacy_shield_transfer_is_refused(demo_register: Register) -> None:
    transfer = next(t for a in demo_register.activities for t in a.transfers)
    shield = transfer.model_copy(update={"safeguard": "privacy_shield"})
    # on the first activity, which the sample access letter carries, with its recipient
    broken = with_activity(
        demo_register,
        0,
        transfers=[shield],
        recipients=[*demo_register.activities[0].recipients, transfer.recipient],
    )

    assert isinstance(shield, Transfer)
    assert "the Privacy Shield is invalid since CJEU C-311/18" in refusal(broken, "access")
