"""The access letter's Art. 15 block per activity: an Art. 22 decision with what 15(1)(h),
22(2) and 22(3) require, in both languages, as HTML and as text."""

from __future__ import annotations

import pytest

from dsar.letters.rendering import render
from dsar.letters.samples import sample_letter
from dsar.register import Register
from dsar.register.activities import AutomatedDecision
from tests.letters.conftest import TODAY
from tests.letters.test_checks import with_activity


def _decision(exception: str) -> AutomatedDecision:
    return AutomatedDecision.model_validate(
        {
            "present": True,
            "logic": {"de": "Ein Punktwert aus der Zahlungshistorie.", "en": "A payment score."},
            "significance": {"de": "Er entscheidet über den Rechnungskauf.", "en": "It decides."},
            "consequences": {"de": "Sonst nur Vorkasse.", "en": "Otherwise prepayment only."},
            "exception": exception,
            "safeguards": {"de": "Ein Mensch prüft auf Wunsch.", "en": "A person reviews it."},
        }
    )


EXPECTED = {
    ("en", "contract"): (
        "Yes (Art. 22 GDPR). Logic involved: A payment score. Significance: It decides. "
        "Envisaged consequences: Otherwise prepayment only. We may take this decision because "
        "it is necessary for entering into or performing a contract with you (Art. 22(2)(a) "
        "GDPR). Measures to safeguard your rights (Art. 22(3) GDPR): A person reviews it."
    ),
    ("de", "contract"): (
        "Ja (Art. 22 DSGVO). Involvierte Logik: Ein Punktwert aus der Zahlungshistorie. "
        "Tragweite: Er entscheidet über den Rechnungskauf. Angestrebte Auswirkungen: Sonst nur "
        "Vorkasse. Wir dürfen diese Entscheidung treffen, weil sie für den Abschluss oder die "
        "Erfüllung eines Vertrags mit Ihnen erforderlich ist (Art. 22 Abs. 2 lit. a DSGVO). "
        "Maßnahmen zur Wahrung Ihrer Rechte (Art. 22 Abs. 3 DSGVO): Ein Mensch prüft auf Wunsch."
    ),
    ("en", "law"): "authorised by Union or Member State law that lays down suitable measures "
    "to safeguard your rights (Art. 22(2)(b) GDPR)",
    ("de", "law"): "Rechtsvorschriften der Union oder der Mitgliedstaaten zulässig ist, die "
    "angemessene Maßnahmen zur Wahrung Ihrer Rechte enthalten (Art. 22 Abs. 2 lit. b DSGVO)",
    ("en", "consent"): "because you gave your explicit consent (Art. 22(2)(c) GDPR).",
    ("de", "consent"): "weil Sie ausdrücklich eingewilligt haben (Art. 22 Abs. 2 lit. c DSGVO).",
}


@pytest.mark.parametrize(("language", "exception"), EXPECTED)
def test_the_access_letter_gives_an_art_22_decision(
    demo_register: Register, language: str, exception: str
) -> None:
    register = with_activity(demo_register, 0, automated_decision=_decision(exception))

    rendered = render(sample_letter(register, "access", language, TODAY))

    assert EXPECTED[language, exception] in " ".join(rendered.text.split())
    assert EXPECTED[language, exception] in " ".join(rendered.html.split())


def _without_decisions(register: Register) -> Register:
    """The register with no automated decision (the demo's invoice check taken out)."""
    activities = [a.model_copy(update={"automated_decision": None}) for a in register.activities]
    return register.model_copy(update={"activities": activities})


def test_without_a_decision_the_letter_says_there_is_none(demo_register: Register) -> None:
    text = render(sample_letter(_without_decisions(demo_register), "access", "de", TODAY)).text

    assert "Keine: Es findet keine ausschließlich automatisierte Entscheidung" in text
    assert "Art. 22 Abs. 2" not in text


def test_exception_and_safeguards_are_left_out_when_not_recorded(demo_register: Register) -> None:
    decision = _decision("contract").model_copy(update={"exception": None, "safeguards": None})
    register = with_activity(_without_decisions(demo_register), 0, automated_decision=decision)

    text = render(sample_letter(register, "access", "en", TODAY)).text

    assert "Envisaged consequences: Otherwise prepayment only." in text
    assert "Art. 22(2)" not in text and "Art. 22(3)" not in text
