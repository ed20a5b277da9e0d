"""Letters as HTML (autoescaped), plain text for e-mail, and PDF (WeasyPrint), per language."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from dsar.core.i18n import LOCALES
from dsar.letters.content import LetterContent
from dsar.letters.labels import (
    RECIPIENT_ACTIONS,
    REQUEST_TYPES,
    RESTRICTION_GROUNDS,
    german_request,
    legal_basis_label,
    safeguard_label,
)

# British English for the EU reader: "2 March 2026", not "March 2, 2026".
SUBJECTS = {
    "de": {
        "acknowledgement": "Eingangsbestätigung zu {dat}",
        "identity_request": "Bitte um Angaben zu Ihrer Identität",
        "clarification": "Rückfrage zum Umfang {gen}",
        "extension": "Verlängerung der Frist für {acc}",
        "access": "{nom}",
        "rectification": "Berichtigung Ihrer Daten",
        "erasure": "Löschung Ihrer Daten",
        "restriction": "Einschränkung der Verarbeitung Ihrer Daten",
        "restriction_lift": "Aufhebung der Einschränkung der Verarbeitung",
        "objection": "Ihr Widerspruch",
        "consent_withdrawal": "Widerruf Ihrer Einwilligung",
        "refusal": "Ablehnung {gen}",
        "identity_failed": "Wir konnten Ihre Identität nicht feststellen",
        "recipient_notice": "Mitteilung nach Art. 19 DSGVO",
        "portability": "Datenübertragbarkeit nach Art. 20 DSGVO",
        "human_review": "Überprüfung einer automatisierten Entscheidung (Art. 22 Abs. 3 DSGVO)",
    },
    "en": {
        "acknowledgement": "We have received your request",
        "identity_request": "Information needed to confirm your identity",
        "clarification": "Which information your request is about",
        "extension": "Extension of the time to answer your request",
        "access": "Your access request under Art. 15 GDPR",
        "rectification": "Rectification of your data",
        "erasure": "Erasure of your data",
        "restriction": "Restriction of the processing of your data",
        "restriction_lift": "Lifting the restriction of processing",
        "objection": "Your objection",
        "consent_withdrawal": "Withdrawal of your consent",
        "refusal": "Refusal of your request",
        "identity_failed": "We could not confirm your identity",
        "recipient_notice": "Notification under Art. 19 GDPR",
        "portability": "Data portability under Art. 20 GDPR",
        "human_review": "Review of an automated decision (Art. 22(3) GDPR)",
    },
}


@dataclass(frozen=True)
class RenderedLetter:
    subject: str
    html: str
    text: str

    @property
    def sha256(self) -> str:
        return letter_hash(self.html, self.text)


def letter_hash(html: str, text: str) -> str:
    """One SHA-256 over both frozen renderings: a change to either shows."""
    digest = hashlib.sha256()
    for part in (html, text):
        data = part.encode()
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


@cache
def environment() -> Environment:
    from dsar.core.paths import TEMPLATES_DIR

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR / "letters")),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["paragraphs"] = _paragraphs
    env.filters["sentence_case"] = _sentence_case
    return env


def _sentence_case(label: str) -> str:
    """An English label inside a sentence: "Customer number" -> "customer number", "IBAN" stays."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def _paragraphs(text: str) -> Markup:
    """Staff free text in HTML: escaped, line breaks kept."""
    return Markup("<br>\n").join(escape(line) for line in text.splitlines())


def _helpers(content: LetterContent) -> dict[str, Any]:
    lang = content.language
    locale = Locale.parse(LOCALES[lang])

    def day(value: date | str | None) -> str:
        if value is None:
            return ""
        if isinstance(value, str):
            value = date.fromisoformat(value)
        return format_date(value, format="long", locale=LOCALES[lang])

    return {
        "letter": content,
        "lang": lang,
        "facts": content.facts,
        # Missing optional parts read as empty, so `{% if details.x %}` needs no guard.
        "texts": defaultdict(str, content.texts),
        "details": defaultdict(lambda: None, content.details),
        "day": day,
        "number": lambda n: format_decimal(n, locale=LOCALES[lang]),
        "money": lambda amount: format_currency(Decimal(amount), "EUR", locale=LOCALES[lang]),
        "country": lambda code: locale.territories.get(code, code),
        "basis": lambda b: legal_basis_label(lang, b),
        "safeguard": lambda s: safeguard_label(lang, s),
        "ground": lambda g: RESTRICTION_GROUNDS[lang].get(g, g),
        "action_label": lambda a: RECIPIENT_ACTIONS[lang].get(a, a),
        "request_label": lambda r: REQUEST_TYPES[lang].get(r, r),
        "ihr": german_request,  # German templates: {{ ihr(facts.request_type, "acc") }}
        "subject_line": subject_line(content),
    }


# A representative's refusal names what could not be confirmed (docs/representatives.md); an
# identity not established otherwise (no check refused) is the ordinary subject line.
REPRESENTATIVE_REFUSED = {
    "de": {
        "authority": "Wir konnten Ihre Vertretungsbefugnis nicht feststellen",
        "both": "Wir konnten Ihre Identität und Vertretungsbefugnis nicht feststellen",
    },
    "en": {
        "authority": "We could not confirm your authority to act",
        "both": "We could not confirm your identity and authority to act",
    },
}


def subject_line(content: LetterContent) -> str:
    line = SUBJECTS[content.language][content.letter_type]
    representative = content.facts.representative
    if content.letter_type == "identity_failed" and representative is not None:
        line = REPRESENTATIVE_REFUSED[content.language].get(representative.refused or "", line)
    if "{" in line:  # German lines that name the request: "Ihr Antrag auf …"
        line = line.format(**{c: german_request(content.facts.request_type, c) for c in CASES})
    return f"{line} ({content.facts.reference})"


CASES = ("nom", "acc", "dat", "gen")


def render_html(content: LetterContent) -> str:
    template = environment().get_template(f"{content.language}/{content.letter_type}.html")
    return template.render(**_helpers(content))


def render_text(content: LetterContent) -> str:
    template = environment().get_template(f"{content.language}/{content.letter_type}.txt")
    return template.render(**_helpers(content))


def render(content: LetterContent) -> RenderedLetter:
    """Both renderings and the e-mail subject."""
    return RenderedLetter(subject_line(content), render_html(content), render_text(content))


def render_pdf(html: str, *, static: Path | None = None) -> bytes:
    """The printable version (A4, from the frozen HTML: the PDF shows what was approved).

    Tagged as PDF/UA-1 (structure, language and title for screen readers). It may load files
    from the static folder only (dsar.letters.fetcher): no network, no other file; relative
    URLs resolve there.
    """
    from weasyprint import HTML

    from dsar.letters.fetcher import STATIC_DIR, StaticOnlyFetcher

    root = (static or STATIC_DIR).resolve()
    fetcher = StaticOnlyFetcher(root)
    document = HTML(string=html, base_url=root.as_uri() + "/", url_fetcher=fetcher)
    return document.write_pdf(pdf_variant="pdf/ua-1")
