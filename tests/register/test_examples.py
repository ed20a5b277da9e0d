"""The five example registers and the demo register: valid, and faithful to their policies."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from dsar.register import (
    DEMO_REGISTER,
    Duration,
    Register,
    SqlSource,
    load_register,
    load_registers,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SLUGS = {
    "cp-pro.yaml": "cp-pro",
    "connectpro.yaml": "connectpro",
    "ipro.yaml": "ipro",
    "cplus.yaml": "cplus",
    "cadooz.yaml": "cadooz",
}


@pytest.fixture(scope="module")
def registers() -> dict[str, Register]:
    return {r.controller.slug: r for r in load_registers(EXAMPLES)}


@pytest.mark.parametrize(("name", "slug"), SLUGS.items())
def test_each_example_validates_on_its_own(name: str, slug: str) -> None:
    register = load_register(EXAMPLES / name)

    assert register.controller.slug == slug
    assert len(register.sha256) == 64


def test_examples_folder_loads_all_five(registers: dict[str, Register]) -> None:
    assert sorted(registers) == sorted(SLUGS.values())


def _activity(register: Register, activity_id: str):  # noqa: ANN202 - test helper
    activity = register.activity(activity_id)
    assert activity is not None, activity_id
    return activity


def test_cp_pro(registers: dict[str, Register]) -> None:
    reg = registers["cp-pro"]

    assert reg.controller.name == "CP-Pro Software & Services Clausen KG"
    assert reg.controller.address.city == "Dormagen"
    assert reg.controller.languages == ["en", "de"]
    assert (reg.jurisdiction.country, reg.jurisdiction.subdivision) == ("DE", "NW")
    assert reg.dpo is None
    # The policy names the Austrian DSB; competent for Dormagen is the LDI NRW (Art. 55 GDPR).
    assert reg.supervisory_authority.address.city == "Düsseldorf"
    assert "LDI NRW" in reg.supervisory_authority.name["de"]
    # The policy's "7 years" is Austrian law; German law keeps each kind of document its time.
    assert _activity(reg, "contract").retention.trigger == "until_contract_end"
    for activity_id, years, norm in (
        ("bookkeeping", 10, "§ 257 Abs. 1 Nr. 1 HGB; § 147 Abs. 1 Nr. 1 AO"),
        ("vouchers", 8, "§ 257 Abs. 1 Nr. 4 HGB; § 147 Abs. 1 Nr. 4 AO"),
        ("business_letters", 6, "§ 257 Abs. 1 Nr. 2 und 3 HGB; § 147 Abs. 1 Nr. 2 und 3 AO"),
    ):
        retention = _activity(reg, activity_id).retention
        assert (retention.duration, retention.norm) == (Duration(years=years), norm)
        assert retention.trigger == "end_of_calendar_year_of_creation"
        assert _activity(reg, activity_id).legal_basis == ["6.1.c"]
    liability = _activity(reg, "product_liability")
    assert liability.retention.duration == Duration(years=10)
    assert liability.retention.norm is not None
    assert liability.retention.norm == "§ 13 Abs. 1 ProdHaftG"
    assert liability.retention.ground == "legal_claims"  # Art. 17(3)(e), not a legal duty
    assert liability.legal_basis == ["6.1.f"]
    google = reg.recipient("google")
    assert google is not None and google.name is not None
    assert google.name.startswith("Google LLC")  # Google Inc. no longer exists
    analytics = _activity(reg, "web_analytics")
    assert analytics.retention.duration == Duration(months=26)
    assert [(t.recipient, t.country) for t in analytics.transfers] == [("google", "US")]
    assert reg.recipient("google").role == "processor"
    assert _activity(reg, "newsletter").direct_marketing
    assert _activity(reg, "newsletter").consent_based
    recipients = {r.id for r in reg.recipients}
    assert {"bank", "delivery", "tax_consultant", "subcontractors"} <= recipients


def test_connectpro(registers: dict[str, Register]) -> None:
    reg = registers["connectpro"]

    assert reg.controller.address.city == "Köln"
    assert reg.controller.languages == ["de", "en"]
    assert reg.dpo is None  # the policy names none
    assert "LDI NRW" in reg.supervisory_authority.name["de"]
    assert reg.supervisory_authority.address.city == "Düsseldorf"
    assert (reg.jurisdiction.country, reg.jurisdiction.subdivision) == ("DE", "NW")
    contact = _activity(reg, "contact_form")
    assert contact.consent_based
    assert contact.retention.trigger == "until_settled"
    assert set(_activity(reg, "order_processing").recipients) == {"logistics", "bank"}
    # orders and invoices under their statutory retention, so an erasure can keep them
    assert _activity(reg, "business_letters").retention.duration == Duration(years=6)
    invoices = _activity(reg, "invoices").retention
    assert (invoices.duration, invoices.norm) == (
        Duration(years=8),
        "§ 257 Abs. 1 Nr. 4 HGB; § 147 Abs. 1 Nr. 4 AO",
    )
    # the cookies and analytics the policy admits (consent: § 25 TDDDG)
    assert _activity(reg, "cookies_analytics").consent_based


def test_ipro(registers: dict[str, Register]) -> None:
    reg = registers["ipro"]

    assert reg.dpo is not None and reg.dpo.email == "datenschutz@ipro.de"
    assert "Baden-Württemberg" in reg.supervisory_authority.name["de"]
    assert reg.supervisory_authority.address.street == "Lautenschlagerstraße 20"
    assert (reg.jurisdiction.country, reg.jurisdiction.subdivision) == ("DE", "BW")
    for log in ("website_logs", "mail_logs"):
        retention = _activity(reg, log).retention
        assert (retention.duration, retention.trigger) == (Duration(days=15), "after_collection")
    assert _activity(reg, "fax").retention.duration == Duration(days=7)
    # books with master data 10 years, vouchers 8: separate activities, separate norms
    sales, vouchers = _activity(reg, "sales").retention, _activity(reg, "vouchers").retention
    assert (sales.duration, sales.norm) == (
        Duration(years=10),
        "§ 257 Abs. 1 Nr. 1 HGB; § 147 Abs. 1 Nr. 1 AO",
    )
    assert (vouchers.duration, vouchers.norm) == (
        Duration(years=8),
        "§ 257 Abs. 1 Nr. 4 HGB; § 147 Abs. 1 Nr. 4 AO",
    )
    assert vouchers.expires_on(date(2025, 3, 15)) == date(2033, 12, 31)  # legal-rules R1
    assert _activity(reg, "website_logs").retention.expires_on(date(2026, 3, 1)) == date(
        2026, 3, 16
    )
    assert reg.activities and all(not t for a in reg.activities for t in a.transfers)


def test_cplus(registers: dict[str, Register]) -> None:
    reg = registers["cplus"]

    assert reg.controller.languages == ["en"]
    assert reg.jurisdiction.country == "NL"
    assert reg.jurisdiction.subdivision is None
    assert reg.jurisdiction.timezone == "Europe/Amsterdam"
    assert "Autoriteit Persoonsgegevens" in reg.supervisory_authority.name["en"]
    subscription = _activity(reg, "subscription").retention
    assert subscription.duration == Duration(years=2)
    assert subscription.then is not None and subscription.then.duration == Duration(years=7)
    assert subscription.then.norm == "Art. 52 AWR; Art. 2:10 BW"
    orders = _activity(reg, "orders").retention
    assert (orders.duration, orders.trigger) == (Duration(years=7), "after_order_completion")
    assert orders.norm == "Art. 52 AWR; Art. 2:10 BW"
    # The policy gives no address, e-mail or web site: marked placeholders, nothing made up.
    assert reg.controller.address.street == "NOT STATED IN THE POLICY"
    assert str(reg.controller.contact.email).endswith(".example")
    assert reg.controller.contact.web is None
    contact = _activity(reg, "contact_form").retention
    assert (contact.duration, contact.trigger) == (Duration(months=6), "after_answer")
    assert _activity(reg, "orders").origin is not None  # payment data from the bank


def test_cadooz(registers: dict[str, Register]) -> None:
    reg = registers["cadooz"]

    assert reg.dpo is not None and reg.dpo.email == "datenschutz@cadooz.de"
    assert reg.supervisory_authority.address.city == "Hamburg"
    assert reg.supervisory_authority.address.street == "Ludwig-Erhard-Straße 22, 7. OG"
    assert "Hamburg" in reg.supervisory_authority.name["en"]
    assert (reg.jurisdiction.country, reg.jurisdiction.subdivision) == ("DE", "HH")
    logs = _activity(reg, "website_logs").retention
    assert (logs.duration, logs.trigger) == (Duration(days=7), "after_session_end")
    assert _activity(reg, "contact").retention.trigger == "until_settled"
    fraud = _activity(reg, "fraud_prevention")
    assert fraud.automated_decision is not None and fraud.automated_decision.present
    assert fraud.recipients == ["risk_ident"]
    assert reg.recipient("risk_ident").named
    # orders and invoices: searched in their own source, kept ("blocked") under their norm
    for activity_id, years in (("orders", 6), ("invoices", 8)):
        retention = _activity(reg, activity_id).retention
        assert retention.duration == Duration(years=years) and retention.norm
    orders = reg.source("orders")
    assert orders is not None and set(orders.activities) == {"orders", "invoices"}
    # Privacy Shield is invalid (C-311/18): every US transfer names the DPF decision instead
    transfers = [t for a in reg.activities for t in a.transfers]
    assert transfers and all("2023/1795" in t.description["en"] for t in transfers)
    assert not any("Inc." in (r.name or "") for r in reg.recipients)


@pytest.mark.parametrize("name", SLUGS)
def test_examples_need_no_database(name: str) -> None:
    register = load_register(EXAMPLES / name)

    assert {s.type for s in register.sources} == {"manual"}


def test_examples_readme_mentions_every_example() -> None:
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")

    for name in SLUGS:
        assert name in readme


def test_demo_register(tmp_path: Path) -> None:
    reg = load_register(DEMO_REGISTER, instance_path=tmp_path)

    assert reg.controller.slug == "demo"
    assert reg.controller.name == "Demo Shop GmbH"
    assert reg.controller.languages == ["de", "en"]
    assert (reg.jurisdiction.country, reg.jurisdiction.subdivision) == ("DE", "BE")
    assert reg.dpo is not None
    assert "BlnBDI" in reg.supervisory_authority.name["de"]
    [sql] = [s for s in reg.sources if isinstance(s, SqlSource)]
    assert sql.read_url == f"sqlite:///{tmp_path}/demo_shop.sqlite3"
    assert [t.name for t in sql.tables] == [
        "customers",
        "orders",
        "invoices",
        "newsletter_subscriptions",
        "contact_messages",
        "support_tickets",
        "web_logs",
    ]
    assert [a.id for a in reg.consent_activities] == ["newsletter"]


def test_demo_readme_is_the_contract_for_every_table_and_column(tmp_path: Path) -> None:
    readme = (DEMO_REGISTER.parent / "README.md").read_text(encoding="utf-8")
    documented: dict[str, list[str]] = {}
    for section in re.split(r"^### ", readme, flags=re.MULTILINE)[1:]:
        table, _, body = section.partition("\n")
        documented[table.strip()] = re.findall(r"^\| (\w+) \|", body, flags=re.MULTILINE)
        documented[table.strip()].remove("column")  # the header row
    reg = load_register(DEMO_REGISTER, instance_path=tmp_path)
    [sql] = [s for s in reg.sources if isinstance(s, SqlSource)]

    assert documented == {t.name: [c.name for c in t.columns] for t in sql.tables}


def test_the_example_in_the_docs_is_valid(tmp_path: Path) -> None:
    docs = (ROOT / "docs" / "register.md").read_text(encoding="utf-8")
    example = re.search(r"### A short example\n\n```yaml\n(.*?)```", docs, flags=re.DOTALL)
    assert example is not None
    path = tmp_path / "shop.yaml"
    path.write_text(example.group(1), encoding="utf-8")

    register = load_register(path, environ={"SHOP_DB_PASSWORD": "pw"})

    assert register.controller.slug == "shop"
    assert register.sources[0].read_url == "postgresql+psycopg://dsar_reader:pw@db/shop"
