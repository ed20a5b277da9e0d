"""Every letter type for every register and language; seed access letters; PDFs; escaping."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from dsar.letters.content import LETTER_TYPES, IncompleteLetter, build_letter
from dsar.letters.facts import RequestFacts, Subject
from dsar.letters.rendering import render, render_pdf
from dsar.letters.samples import sample_inputs, sample_letter
from dsar.register import Register
from tests.letters.conftest import EXAMPLES, TODAY, load_all

SLUGS = ("demo", "cp-pro", "connectpro", "ipro", "cplus", "cadooz")
# Cplus's policy gives no postal address and no e-mail: its register holds placeholders there,
# and every letter refuses them (test_a_controller_without_an_address_gets_no_letter) rather
# than print them.
REFUSED = {"cplus"}


def automated(register: Register) -> bool:
    """Whether the register has an automated decision (Art. 22): only then a human review."""
    return any(a.automated_decision and a.automated_decision.present for a in register.activities)


CASES = [
    pytest.param(slug, lang, kind)
    for slug, register in load_all(Path("/nonexistent-instance")).items()
    if slug not in REFUSED
    for lang in register.controller.languages
    for kind in LETTER_TYPES
    if kind != "human_review" or automated(register)
]
# Letters whose sample always names the supervisory authority.
WITH_AUTHORITY = {"access", "refusal"}


def test_all_registers_are_covered() -> None:
    slugs = {case.values[0] for case in CASES} | REFUSED
    assert sorted(slugs) == sorted(SLUGS)
    assert EXAMPLES.is_dir()


@pytest.mark.parametrize(("slug", "lang", "kind"), CASES)
def test_every_type_renders_with_the_registers_own_values(
    registers: dict[str, Register], slug: str, lang: str, kind: str
) -> None:
    register = registers[slug]
    rendered = render(sample_letter(register, kind, lang, TODAY))
    fallback = register.controller.languages[0]
    for body in (rendered.text, rendered.html.replace("&amp;", "&")):
        assert register.controller.name in body
        assert "DSAR-2026-000042" in body
        if register.dpo is not None:
            assert register.dpo.email in body
        if kind in WITH_AUTHORITY:
            assert register.supervisory_authority.name.get(lang, fallback) in body
            assert register.supervisory_authority.address.street in body
        if kind == "access":
            activity = register.activities[0]
            assert activity.purpose.get(lang, fallback) in body
            assert activity.retention.text.get(lang, fallback) in body
    assert rendered.html.startswith("<!doctype html>")
    assert "Art. 19" in rendered.text if kind == "recipient_notice" else True
    for body in (rendered.subject, rendered.text, rendered.html):
        assert not RAW.search(body), (RAW.search(body), kind)  # dates as a person writes them


# An ISO date, a Python None, an unrendered placeholder or template: never in a letter.
RAW = re.compile(
    r"\b\d{4}-\d{2}-\d{2}\b|\bNone\b(?!: no decision)|\{\{|\{%|NOT STATED|TODO|\[\w+\]"
)


# (slug, language, address line, DPO e-mail or None, authority, a retention text of its policy)
SEED_ACCESS = [
    (
        "cp-pro",
        "en",
        "41539 Dormagen",
        None,
        "Data Protection and Freedom of Information Commissioner of North Rhine-Westphalia "
        "(LDI NRW)",
        "as commercial and tax law require. (§ 257 Abs. 1 Nr. 4 HGB; § 147 Abs. 1 Nr. 4 AO)",
    ),
    (
        "ipro",
        "de",
        "71229 Leonberg",
        "datenschutz@ipro.de",
        "Der Landesbeauftragte für den Datenschutz und die Informationsfreiheit Baden-Württemberg",
        "Das Server-Logfile wird automatisch nach 15 Tagen gelöscht.",
    ),
    (
        "cadooz",
        "en",
        "Osterbekstraße 90b",
        "datenschutz@cadooz.de",
        "Hamburg Commissioner for Data Protection and Freedom of Information (HmbBfDI)",
        "At most seven days from the end of your website visit",
    ),
    (
        "cplus",
        "en",
        "Cplus",
        None,
        "Dutch Data Protection Authority (Autoriteit Persoonsgegevens)",
        "Until your order is completed and seven years after that (legal retention).",
    ),
    (
        "connectpro",
        "de",
        "ConnectPro GmbH",
        None,
        "Landesbeauftragte für Datenschutz und Informationsfreiheit Nordrhein-Westfalen (LDI NRW)",
        "Kavalleriestraße 2 - 4",
    ),
]


@pytest.mark.parametrize(
    ("slug", "lang", "address", "dpo", "authority", "retention"),
    [case for case in SEED_ACCESS if case[0] not in REFUSED],
)
def test_seed_access_letters(
    registers: dict[str, Register],
    slug: str,
    lang: str,
    address: str,
    dpo: str | None,
    authority: str,
    retention: str,
) -> None:
    text = render(sample_letter(registers[slug], "access", lang, TODAY)).text
    assert address in text
    assert authority in text
    assert retention in text
    if dpo:
        assert dpo in text
    else:
        assert "Datenschutzbeauftragte" not in text and "data protection officer" not in text


# (slug, language, the kept activity's line start, its norm, the end of its retention)
SEED_KEPT = [
    ("ipro", "de", "- Einkauf, Verkauf", "§ 257 Abs. 1 Nr. 1 HGB", "31. Dezember 2035"),
    ("ipro", "de", "- Rechnungen und Buchungsbelege", "§ 147 Abs. 1 Nr. 4 AO", "31. Dezember 2033"),
    ("cp-pro", "de", "- Handelsbriefe", "§ 257 Abs. 1 Nr. 2 und 3 HGB", "31. Dezember 2031"),
    ("cp-pro", "en", "- Product liability", "§ 13 Abs. 1 ProdHaftG", "15 March 2035"),
    ("cadooz", "en", "- Invoices", "§ 257 Abs. 1 Nr. 4 HGB", "31 December 2033"),
    ("connectpro", "de", "- Handelsbriefe", "§ 147 Abs. 1 Nr. 2 und 3 AO", "31. Dezember 2031"),
]


@pytest.mark.parametrize(("slug", "lang", "start", "norm", "until"), SEED_KEPT)
def test_seed_erasure_keeps_each_kind_of_record_under_its_own_norm(
    registers: dict[str, Register], slug: str, lang: str, start: str, norm: str, until: str
) -> None:
    """Books 10, vouchers 8, business letters 6 years (§ 257 HGB, § 147 AO); no register note
    such as "fiscal law (no norm named in the policy)" reaches a letter."""
    text = render(sample_letter(registers[slug], "erasure", lang, TODAY)).text
    [line] = [line for line in text.splitlines() if line.startswith(start)]
    assert norm in line and until in line
    assert "no norm" not in text and "fiscal law" not in text


def test_a_product_liability_hold_is_kept_for_legal_claims_not_as_a_legal_duty(
    registers: dict[str, Register],
) -> None:
    """CP-Pro keeps business records by law (Art. 17(3)(b)) and purchases for product-liability
    claims (Art. 17(3)(e)): each entry says its own reason, the intro both."""
    text = render(sample_letter(registers["cp-pro"], "erasure", "en", TODAY)).text
    [liability] = [line for line in text.splitlines() if line.startswith("- Product liability")]
    reason = "Reason: defence of legal claims (Art. 17(3)(e) GDPR); § 13 Abs. 1 ProdHaftG"
    assert reason in liability
    assert "Legal duty" not in liability
    [letters] = [line for line in text.splitlines() if line.startswith("- Business letters")]
    assert "Legal duty: § 257 Abs. 1 Nr. 2 und 3 HGB" in letters
    assert "(Art. 17(3)(b) GDPR) or because we need it to defend legal claims" in text
    german = render(sample_letter(registers["cp-pro"], "erasure", "de", TODAY)).text
    assert "Grund: Verteidigung von Rechtsansprüchen (Art. 17 Abs. 3 lit. e DSGVO)" in german


@pytest.mark.parametrize("kind", LETTER_TYPES)
def test_a_controller_without_an_address_gets_no_letter(
    registers: dict[str, Register], kind: str
) -> None:
    """Cplus's policy states no address or e-mail: no letter prints the register's markers."""
    with pytest.raises(IncompleteLetter, match=r"controller\.address\.street holds a placeholder"):
        sample_letter(registers["cplus"], kind, "en", TODAY)


def test_unnamed_recipients_say_why_only_with_a_recorded_reason(
    registers: dict[str, Register],
) -> None:
    """C-154/21: a category instead of a name only with a reason the register or staff
    recorded; without one the letter cannot be approved (it used to print the category)."""
    register = registers["ipro"]
    sample = sample_inputs(register, "access", "de", TODAY)
    texts = {k: v for k, v in sample.texts.items() if k != "unnamed"}

    def letter(reg: Register, texts: dict[str, str]) -> str:
        content = build_letter(
            reg, sample.facts, letter_type="access", today=TODAY, found=sample.found, texts=texts
        )
        return " ".join(render(content).text.split())

    with pytest.raises(IncompleteLetter, match="named only by their category.*Kreditinstitute"):
        letter(register, texts)
    staff = letter(register, {**texts, "unnamed": "Das entscheidet sich bei jeder Bestellung."})
    assert (
        "Kreditinstitute (Empfängerkategorie; einzeln nennen können wir sie nicht: Das "
        "entscheidet sich bei jeder Bestellung.)" in staff
    )
    banks = register.recipient("banks")
    assert banks is not None and not banks.named
    reason = {
        "de": "welche Bank, hängt von Ihrer Zahlungsart ab",
        "en": "it depends on how you pay",
    }
    recipients = [
        r.model_copy(update={"unnamed_reason": reason}) if not r.named else r
        for r in register.recipients
    ]
    recorded = letter(register.model_copy(update={"recipients": recipients}), texts)
    assert (
        "Kreditinstitute (Empfängerkategorie; einzeln nennen können wir sie nicht: welche Bank, "
        "hängt von Ihrer Zahlungsart ab)" in recorded
    )


def test_dates_are_formatted_per_language(demo_register: Register) -> None:
    de = render(sample_letter(demo_register, "acknowledgement", "de", TODAY)).text
    en = render(sample_letter(demo_register, "acknowledgement", "en", TODAY)).text
    # Received Sat 21 Feb 2026 (9 days before), due Mon 23 March 2026 (21 March is a Saturday).
    assert "vom 21. Februar 2026 bis zum 23. März 2026" in de
    assert "from 21 February 2026 to 23 March 2026" in en
    assert "Datum: 2. März 2026" in de


def _script_letter(register: Register) -> tuple[str, str]:
    sample = sample_inputs(register, "refusal", "de", TODAY)
    texts = {**sample.texts, "reasons": "<script>alert('x')</script> & Größe 5 €"}
    content = build_letter(
        register, sample.facts, letter_type="refusal", today=TODAY, found=sample.found, texts=texts
    )
    rendered = render(content)
    return rendered.html, rendered.text


def test_staff_text_is_escaped_in_html(demo_register: Register) -> None:
    html, text = _script_letter(demo_register)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Größe 5 €" in html
    assert "<script>alert('x')</script> & Größe 5 €" in text  # plain text stays plain


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["/usr/bin/pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
    )
    return " ".join(result.stdout.split())  # PDF lines wrap: compare words


def test_pdf_keeps_umlauts_sharp_s_euro_and_escaped_script(
    demo_register: Register, tmp_path: Path
) -> None:
    html, _text = _script_letter(demo_register)
    pdf = render_pdf(html)
    assert pdf.startswith(b"%PDF-")
    text = _pdf_text(pdf, tmp_path)
    assert "Demo Shop GmbH" in text
    assert "Beispielstraße 12" in text
    assert "<script>alert('x')</script> & Größe 5 €" in text
    assert "Berliner Beauftragte für Datenschutz und Informationsfreiheit (BlnBDI)" in text


@pytest.mark.parametrize(
    ("slug", "lang"),
    [("ipro", "de"), ("cadooz", "en")],
)
def test_access_pdf_of_seed_controllers(
    registers: dict[str, Register], slug: str, lang: str, tmp_path: Path
) -> None:
    register = registers[slug]
    text = _pdf_text(
        render_pdf(render(sample_letter(register, "access", lang, TODAY)).html), tmp_path
    )
    assert register.controller.name in text
    assert register.dpo.email in text  # type: ignore[union-attr]
    assert "Jürgen Weiß" in text


def test_no_data_found_is_a_negative_confirmation(demo_register: Register) -> None:
    from dsar.letters.facts import FoundData

    facts = RequestFacts(
        "DSAR-2026-000001", "access", "en", Subject("Ada"), date(2026, 2, 2), date(2026, 3, 2)
    )
    content = build_letter(
        demo_register, facts, letter_type="access", today=TODAY, found=FoundData(())
    )
    assert "confirm that we process no personal data about you" in render(content).text


def _addressee(html: str) -> str:
    return html.split('<div class="addressee">', 1)[1].split("</div>", 1)[0]


def test_the_address_block_is_postal_never_an_email_address(demo_register: Register) -> None:
    from dataclasses import replace

    sample = sample_inputs(demo_register, "access", "de", TODAY)
    for subject, postal in (
        (Subject("Ada Muster", email="ada@example.org"), False),
        (Subject("Ada Muster", email="ada@example.org", address="Weg 1\n10115 Berlin"), True),
    ):
        facts = replace(sample.facts, subject=subject)
        content = build_letter(
            demo_register, facts, letter_type="access", today=TODAY, found=sample.found
        )
        block = _addressee(render(content).html)
        assert "Ada Muster" in block
        assert "@" not in block
        assert ("10115 Berlin" in block) is postal


def test_pdf_is_tagged_for_screen_readers(demo_register: Register, tmp_path: Path) -> None:
    """PDF/UA-1: a structure tree (poppler's "Tagged: yes"), the title, the PDF/UA identifier."""
    path = tmp_path / "letter.pdf"
    path.write_bytes(render_pdf(render(sample_letter(demo_register, "access", "de", TODAY)).html))
    info = subprocess.run(
        ["/usr/bin/pdfinfo", "-meta", str(path)], capture_output=True, check=True, text=True
    ).stdout
    assert 'pdfuaid:part="1"' in info
    info = subprocess.run(
        ["/usr/bin/pdfinfo", str(path)], capture_output=True, check=True, text=True
    ).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert re.search(r"^Title:\s+Ihr Antrag auf Auskunft nach Art. 15 DSGVO", info, re.M)


@pytest.mark.parametrize(
    ("lang", "effect", "month"),
    [
        ("en", "takes effect as soon as we receive it", "one month"),
        ("de", "wirkt, sobald er bei uns eingeht", "einen Monat"),
    ],
)
def test_a_consent_withdrawal_is_not_promised_a_month(
    demo_register: Register, lang: str, effect: str, month: str
) -> None:
    """Art. 7(3): withdrawing consent works at once; the acknowledgement must not say the
    request has a month, as it does for the other rights."""
    sample = sample_inputs(demo_register, "acknowledgement", lang, TODAY)
    withdrawal = replace(sample.facts, request_type="consent_withdrawal")
    content = build_letter(
        demo_register, withdrawal, letter_type="acknowledgement", today=TODAY, texts={}
    )
    text = " ".join(render(content).text.split())
    assert effect in text and month not in text
    access = " ".join(
        render(sample_letter(demo_register, "acknowledgement", lang, TODAY)).text.split()
    )
    assert month in access and effect not in access


def test_a_human_review_needs_an_automated_decision(registers: dict[str, Register]) -> None:
    """IPRO's register has no Art. 22 decision: its human review letter names what is missing."""
    with pytest.raises(IncompleteLetter, match="the automated decision reviewed"):
        sample_letter(registers["ipro"], "human_review", "de", TODAY)
