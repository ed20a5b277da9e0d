"""The DPO review: each finding once on a broken copy of a valid register, and none on the demo."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dsar.register import DEMO_REGISTER, load_register
from dsar.register.loading import validate
from dsar.register.problems import Finding
from dsar.register.review import review
from tests.register.test_schema import minimal_register, text

Change = Callable[[dict[str, Any]], None]


def reviewed(change: Change) -> list[Finding]:
    data = minimal_register()
    change(data)
    return review(validate(data, "r.yaml"))


def _activity(data: dict[str, Any]) -> dict[str, Any]:
    return data["activities"][0]


def _real(data: dict[str, Any]) -> None:
    """No longer fictional: its own address on a real domain."""
    data["controller"].update(fictional=False, contact={"email": "datenschutz@shop-gmbh.de"})


def _with_recipient(data: dict[str, Any], **recipient: Any) -> None:
    base = {"id": "carrier", "named": True, "name": "Paket AG", "role": "processor"}
    data["recipients"] = [{**base, "category": text("Paketdienst", "Carrier"), **recipient}]
    _activity(data)["recipients"] = ["carrier"]


def _retention(**retention: Any) -> Change:
    return lambda d: _activity(d)["retention"].update(retention)


def _then(change: Change, *more: Change) -> Change:
    def both(data: dict[str, Any]) -> None:
        for step in (change, *more):
            step(data)

    return both


def _decision(**missing: None) -> Change:
    decision = {
        "present": True,
        "logic": text("Punktwert aus Zahlungsdaten.", "A score from payment data."),
        "significance": text("Entscheidet über Kauf auf Rechnung.", "Decides on invoice payment."),
        "consequences": text("Ohne Rechnungskauf.", "No payment on invoice."),
        "exception": "contract",
        "safeguards": text("Prüfung durch einen Menschen.", "Review by a person."),
    }
    for name in missing:
        del decision[name]
    return lambda d: _activity(d).update(automated_decision=decision)


def _transfer(safeguard: str, description: str = "Standardvertragsklauseln.") -> Change:
    def add(data: dict[str, Any]) -> None:
        _with_recipient(data, country="US")
        transfer = {"recipient": "carrier", "country": "US", "safeguard": safeguard}
        transfer["description"] = text(description, description)  # type: ignore[assignment]
        _activity(data)["transfers"] = [transfer]

    return add


AUTHORITY_WEB = "supervisory_authority"
# (change, path of the one finding, severity, a part of its message)
CASES = [
    pytest.param(
        lambda d: d["controller"]["address"].update(street="TODO"),
        "controller.address.street",
        "error",
        "holds a placeholder ('TODO')",
        id="todo",
    ),
    pytest.param(
        lambda d: d["controller"]["address"].update(postcode="0000 AA"),
        "controller.address.postcode",
        "error",
        "placeholder postcode",
        id="zero-postcode",
    ),
    pytest.param(
        lambda d: d.update(dpo={"name": "NOT STATED IN THE POLICY", "email": "dsb@shop-gmbh.de"}),
        "dpo.name",
        "error",
        "holds a placeholder ('NOT STATED')",
        id="not-stated",
    ),
    pytest.param(
        lambda d: d["controller"].update(fictional=False),
        "controller.contact.email",
        "error",
        "reserved for examples (RFC 2606): 'info@shop.example'",
        id="example-domain-without-fictional",
    ),
    pytest.param(
        _then(_real, lambda d: _with_recipient(d, contact="art19@paket.example.com")),
        "recipients[0].contact",
        "error",
        "'art19@paket.example.com'",
        id="recipient-contact-example-com",
    ),
    pytest.param(
        _then(_real, lambda d: d["supervisory_authority"].update(web="https://dsb.example.org")),
        "supervisory_authority.web",
        "error",
        "'https://dsb.example.org'",
        id="authority-web-example-org",
    ),
    pytest.param(
        lambda d: d["supervisory_authority"]["address"].update(country="AT"),
        "supervisory_authority.address.country",
        "error",
        "the authority is in AT, the controller is established in DE",
        id="authority-other-member-state",
    ),
    pytest.param(
        lambda d: d["supervisory_authority"].update(web="https://www.ldi.nrw.de/"),
        "supervisory_authority",
        "error",
        "LDI NRW (Düsseldorf) is the authority of the Land NW; the controller acts in BE "
        "(jurisdiction.subdivision), where the competent authority is BlnBDI, Berlin",
        id="authority-other-land",
    ),
    pytest.param(
        lambda d: d["supervisory_authority"].update(web="https://www.bfdi.bund.de"),
        "supervisory_authority",
        "warning",
        "BfDI (Bonn) supervises public bodies and telecommunications",
        id="authority-federal",
    ),
    pytest.param(
        _retention(norm="§ 147 Abs. 1 Nr. 4 AO"),
        "activities[0].retention.duration",
        "error",
        "6 years is shorter than the 8 years § 147 AO Nr. 4 requires",
        id="statutory-ao-voucher",
    ),
    pytest.param(
        _retention(
            duration={"years": 8},
            norm="HGB §257(1) Nr. 1, (4)",
            text=text("Acht Jahre.", "Eight years."),
        ),
        "activities[0].retention.duration",
        "error",
        "8 years is shorter than the 10 years § 257 HGB Nr. 1 requires",
        id="statutory-hgb-books-older-form",
    ),
    pytest.param(
        _retention(norm="Art. 2:10 BW", then={"duration": {"months": 6}}),
        "activities[0].retention.duration",
        "error",
        "6 years 6 months is shorter than the 7 years Art. 2:10 BW requires",
        id="statutory-bw-with-follow-on",
    ),
    pytest.param(
        _retention(then={"duration": {"years": 5}, "norm": "Art. 52 AWR"}),
        "activities[0].retention.then.duration",
        "error",
        "5 years is shorter than the 7 years Art. 52 AWR requires",
        id="statutory-awr-follow-on",
    ),
    pytest.param(
        _retention(
            duration=None,
            trigger="until_purpose_fulfilled",
            text=text("Bis der Zweck erfüllt ist.", "As long as necessary."),
        ),
        "activities[0].retention.text.en",
        "warning",
        "is only a formula",
        id="retention-formula",
    ),
    pytest.param(
        _retention(
            duration=None,
            trigger="until_settled",
            text=text("Die Datenschutzerklärung nennt keine Frist.", "Until the case is closed."),
        ),
        "activities[0].retention.text.de",
        "warning",
        "says that no period is given",
        id="retention-no-period",
    ),
    pytest.param(
        _retention(text=text("Sechs Jahre.", "Kept under commercial law.")),
        "activities[0].retention.text.en",
        "warning",
        "does not state the period (6 years)",
        id="retention-text-without-its-duration",
    ),
    pytest.param(
        _transfer("privacy_shield"),
        "activities[0].transfers[0].safeguard",
        "error",
        "Privacy Shield was declared invalid by the CJEU (C-311/18",
        id="privacy-shield",
    ),
    pytest.param(
        _transfer("standard_contractual_clauses", "Formerly the EU-US Privacy Shield."),
        "activities[0].transfers[0].description",
        "warning",
        "mentions the Privacy Shield",
        id="privacy-shield-in-description",
    ),
    *(
        pytest.param(
            _decision(**{name: None}),
            f"activities[0].automated_decision.{name}",
            "error",
            "an automated decision (Art. 22) needs",
            id=f"art22-without-{name}",
        )
        for name in ("significance", "exception", "safeguards")
    ),
]


def test_the_minimal_register_has_no_findings() -> None:
    assert reviewed(lambda d: None) == []


@pytest.mark.parametrize(("change", "path", "severity", "message"), CASES)
def test_each_finding_once(change: Change, path: str, severity: str, message: str) -> None:
    (finding,) = reviewed(change)

    assert (finding.path, finding.severity) == (path, severity)
    assert message in finding.message


REASONABLE = [
    _decision(),
    _transfer("standard_contractual_clauses"),
    _retention(norm="§ 257 Abs. 1 Nr. 2 HGB"),  # Handelsbriefe: 6 years is the law's period
    _retention(
        duration={"years": 8}, norm="AO §147(1) Nr. 4", text=text("Acht Jahre.", "Eight years.")
    ),
    _retention(duration={"years": 2}, then={"duration": {"years": 7}, "norm": "Art. 52 AWR"}),
    # The same norm over both periods (payment records kept from the start): 2 + 7 years.
    _retention(
        duration={"years": 2},
        norm="Art. 52 AWR",
        then={"duration": {"years": 7}, "norm": "Art. 52 AWR"},
    ),
    _retention(norm="fiscal law"),  # cites no norm of the table: nothing to compare
    _retention(
        duration=None,
        trigger="until_settled",
        text=text("Bis Ihre Anfrage erledigt ist.", "Until your enquiry has been dealt with."),
    ),
    _retention(
        duration=None,
        trigger="until_purpose_fulfilled",
        text=text(
            "Solange Sie ein Kundenkonto haben.", "For as long as you have a customer account."
        ),
    ),
    lambda d: d["supervisory_authority"].update(web="https://www.datenschutz-berlin.de"),
    lambda d: d["controller"]["address"].update(street="Todo-Weg 1"),
]


@pytest.mark.parametrize("change", REASONABLE)
def test_reasonable_registers_have_no_findings(change: Change) -> None:
    assert reviewed(change) == []


def test_the_demo_register_has_no_findings(tmp_path: Path) -> None:
    register = load_register(DEMO_REGISTER, instance_path=tmp_path)

    assert register.controller.fictional
    assert review(register) == []


def test_a_consent_activity_without_a_way_to_stop_it_is_named(tmp_path: Path) -> None:
    """The demo's newsletter (consent) stops by its table's stop rule; without it, and with no
    manual source serving it, a withdrawal could not be carried out."""
    register = load_register(DEMO_REGISTER, instance_path=tmp_path)
    shop = register.source("shop_db")
    tables = [t.model_copy(update={"stop": {}}) for t in shop.tables]  # type: ignore[union-attr]
    sources = [
        shop.model_copy(update={"tables": tables}) if s.id == "shop_db" else s  # type: ignore[union-attr]
        for s in register.sources
    ]

    findings = review(register.model_copy(update={"sources": sources}))

    newsletter = next(i for i, a in enumerate(register.activities) if a.id == "newsletter")
    assert [(f.path, f.severity) for f in findings] == [
        (f"activities[{newsletter}].legal_basis", "warning")
    ]
    assert "newsletter rests on consent (6.1.a), but no source says how it stops" in (
        findings[0].message
    )
