"""The Art. 15 information the copy's data.json gives per activity."""

from __future__ import annotations

from pathlib import Path

from dsar.fulfilment.art15 import activity_info
from dsar.register import DEMO_REGISTER, load_register
from dsar.register.activities import AutomatedDecision


def test_an_art_22_decision_carries_15_1_h_and_22_2_3(tmp_path: Path) -> None:
    register = load_register(DEMO_REGISTER, instance_path=tmp_path)
    decision = AutomatedDecision.model_validate(
        {
            "present": True,
            "logic": {"de": "Punktwert.", "en": "A score."},
            "significance": {"de": "Rechnungskauf.", "en": "Invoice payment."},
            "consequences": {"de": "Vorkasse.", "en": "Prepayment."},
            "exception": "contract",
            "safeguards": {"de": "Prüfung durch einen Menschen.", "en": "Human review."},
        }
    )
    activity = register.activities[0].model_copy(update={"automated_decision": decision})

    info = activity_info(register, activity, "en")

    assert info["automated_decision"] == {
        "profiling": False,
        "logic": "A score.",
        "significance": "Invoice payment.",
        "consequences": "Prepayment.",
        "exception": "contract",
        "safeguards": "Human review.",
    }
