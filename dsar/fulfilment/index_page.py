"""The export's index.html: the copy to read offline, in the request's language.

Texts come from dsar's catalog (dsar/translations) through Jinja's i18n extension, values
are written for people (`dsar.fulfilment.readable`); nothing here needs the app.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from babel.dates import format_datetime
from babel.support import NullTranslations, Translations
from jinja2 import Environment, FileSystemLoader, select_autoescape

from dsar.core.catalog import TRANSLATIONS
from dsar.fulfilment.readable import locale_of, readable

if TYPE_CHECKING:
    from dsar.fulfilment.parts import PartWritten


@functools.cache
def _translations(language: str) -> NullTranslations:
    return Translations.load(str(TRANSLATIONS), [language], domain="messages")


def _environment(templates: str, language: str) -> Environment:
    environment = Environment(
        loader=FileSystemLoader(templates),
        autoescape=select_autoescape(("html",), default=True),
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    environment.install_gettext_translations(  # type: ignore[attr-defined]
        _translations(language), newstyle=True
    )
    return environment


def render_index(
    templates: str,
    head: dict[str, Any],
    closing: dict[str, Any],
    parts: Sequence[PartWritten],
    *,
    limit: int,
    files: Sequence[str],
    fingerprint: str | None = None,
) -> str:
    """index.html of one export; `files` are the data files beside it in the ZIP."""
    from dsar.fulfilment.parts import WITHHELD

    language = str(head.get("language") or "en")
    planned = {(p.planned.source_id, p.planned.part): p.planned for p in parts}

    def cell(value: Any, column: dict[str, Any]) -> Any:
        return value if value is WITHHELD else readable(value, column, language)

    def moment(value: str | None) -> str:
        if not value:
            return ""
        stamp = datetime.fromisoformat(value)
        shown = format_datetime(stamp, format="medium", tzinfo=UTC, locale=locale_of(language))
        return shown if stamp.tzinfo is None else f"{shown} UTC"

    template = _environment(templates, language).get_template("exports/index.html")
    return template.render(
        head=head,
        closing=closing,
        parts=parts,
        planned=planned,
        limit=limit,
        files=files,
        cell=cell,
        moment=moment,
        withheld=WITHHELD,
        fingerprint=fingerprint,
    )
