"""The languages dsar speaks, and how it writes dates in each: the one list everything uses.

Pages, e-mails, letters, registers and staff accounts all draw on these. A new language needs
its catalog (dsar/translations), its letter and e-mail templates, and an entry here.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from babel.dates import format_date

LANGUAGES = ("de", "en")
Language = Literal["de", "en"]
DEFAULT_LANGUAGE = "en"  # where nothing else decides: pages, mail to staff, the fallback
# European day-month-year order in English too ("2 April 2026", not "April 2, 2026").
LOCALES = {"de": "de_DE", "en": "en_GB"}
NAMES = {"de": "Deutsch", "en": "English"}


def supported(code: str | None) -> str:
    """`code` if dsar speaks it, else the default language."""
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def long_date(value: date, language: str) -> str:
    """A date written out in `language`: "2. April 2026", "2 April 2026"."""
    return format_date(value, format="long", locale=LOCALES.get(language, language))
