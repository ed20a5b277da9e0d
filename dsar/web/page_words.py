"""A page's translations, taken once per rendering.

Flask-Babel finds the translations through the request context on every call (about 8 µs
here), and inside a loop Jinja builds a fresh context for each call of its `_`: a queue page
says some 400 words, which cost more than its queries. So every page rendered by the app gets
`_`, `gettext` and `ngettext` bound to the translations Flask-Babel gives at that moment (so
`force_locale` and `refresh()` still decide the language), with Jinja's own "newstyle" rules:
in HTML the text is markup-safe and the values are escaped into it by `%`.

A word table's entry (`Word`, written `_l(...)` like Flask-Babel's lazy string, and as lazy
anywhere else) is written by a template filter through the page's translations too
(`word_filter`; `{{ label|word }}` for a menu's label), and a table cell's date in the page's
locale (`page_date_locale`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from babel import Locale
from babel.support import NullTranslations
from flask import Flask
from flask_babel import LazyString, get_locale, get_translations
from flask_babel import gettext as lazy_target
from jinja2.nodes import EvalContext
from jinja2.runtime import Context
from jinja2.utils import pass_context, pass_eval_context
from markupsafe import Markup

from dsar.core.i18n import DEFAULT_LANGUAGE, LOCALES

TRANSLATIONS = "page_translations"
DATE_LOCALE = "page_date_locale"


class Word(LazyString):
    """A translatable word kept in a table: Flask-Babel's lazy string that also keeps its
    message id, so a page can translate it with the translations it already holds."""

    def __init__(self, msgid: str) -> None:
        super().__init__(lazy_target, msgid)
        self.msgid = msgid


def _l(msgid: str) -> Word:
    """Mark `msgid` for the catalog (Babel's `-k _l`); translated where it is shown."""
    return Word(msgid)


def page_translations_of(context: Context) -> NullTranslations:
    """The translations of the page `context` renders (Flask-Babel's, for a template rendered
    without the app's context processor)."""
    translations = context.get(TRANSLATIONS)
    return get_translations() if translations is None else translations


def page_date_locale(context: Context) -> Locale:
    """The locale the page `context` renders writes its dates in (dsar/core/i18n.py)."""
    locale = context.get(DATE_LOCALE)
    return _date_locale() if locale is None else locale


def _date_locale() -> Locale:
    language = str(get_locale() or DEFAULT_LANGUAGE)
    return Locale.parse(LOCALES.get(language, LOCALES[DEFAULT_LANGUAGE]))


def page_word(context: Context, word: object) -> str:
    """`word` in the language of the page `context` renders: a `Word` through the page's
    translations, anything else as text."""
    if isinstance(word, Word):
        return str(page_translations_of(context).ugettext(word.msgid))
    return str(word)


def _safe(eval_ctx: EvalContext, text: str) -> str:
    """A catalog's text is the project's own markup, as Jinja's i18n extension treats it: in
    HTML it is markup-safe, so the values put into it by `%` are escaped."""
    return Markup(text) if eval_ctx.autoescape else text  # noqa: S704 - our catalog's text


def page_translations() -> dict[str, Any]:
    """The context processor: the page's `_`, `gettext`, `ngettext` and its translations."""
    translations: NullTranslations = get_translations()

    @pass_eval_context
    def gettext(eval_ctx: EvalContext, message: str, /, **values: Any) -> str:
        return _safe(eval_ctx, translations.ugettext(message)) % values

    @pass_eval_context
    def ngettext(
        eval_ctx: EvalContext, singular: str, plural: str, num: int, /, **values: Any
    ) -> str:
        values.setdefault("num", num)
        return _safe(eval_ctx, translations.ungettext(singular, plural, num)) % values

    return {
        "_": gettext,
        "gettext": gettext,
        "ngettext": ngettext,
        TRANSLATIONS: translations,
        DATE_LOCALE: _date_locale(),
    }


def init_app(app: Flask) -> None:
    app.context_processor(page_translations)
    # `{{ label|word }}`: a table's `Word` (a menu's label, say) in the page's language.
    app.add_template_filter(word_filter(lambda value: value), "word")


def word_filter(lookup: Callable[[Any], object]) -> Callable[[Context, Any], str]:
    """A template filter writing `lookup(value)` (a table's `Word`) in the page's language."""

    @pass_context
    def write(context: Context, value: Any) -> str:
        return page_word(context, lookup(value))

    return write
