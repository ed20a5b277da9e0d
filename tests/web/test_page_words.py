"""A page's translations, taken once per rendering: the same words, escaping and language
choice as Flask-Babel's own template functions."""

from __future__ import annotations

from flask import Flask, render_template_string
from flask_babel import force_locale, refresh

from dsar.requests.workflow import Status
from dsar.web.page_words import Word, _l


def _page(app: Flask, source: str, language: str = "de", **context: object) -> str:
    with app.test_request_context("/", headers={"Accept-Language": language}):
        refresh()
        return render_template_string(source, **context)


def test_words_in_the_page_language_with_values_escaped(app: Flask) -> None:
    html = _page(app, "{{ _('Select %(reference)s', reference='<b>R&1</b>') }}")
    assert html == "&lt;b&gt;R&amp;1&lt;/b&gt; auswählen"
    assert _page(app, "{{ _('new') }}", "en") == "new"
    # Jinja's newstyle rule: always a format string, so a doubled % is one.
    assert _page(app, "{{ _('100%%') }}") == "100%"


def test_plural_forms_and_num(app: Flask) -> None:
    source = "{{ ngettext('%(num)d day left', '%(num)d days left', n) }}"
    assert _page(app, source, n=1) == "noch 1 Tag"
    assert _page(app, source, n=3) == "noch 3 Tage"
    assert _page(app, source, "en", n=3) == "3 days left"


def test_text_outside_html_is_not_escaped(app: Flask) -> None:
    source = (
        "{% autoescape false %}{{ _('Select %(reference)s', reference='<b>') }}{% endautoescape %}"
    )
    assert _page(app, source) == "<b> auswählen"


def test_table_words_and_forced_language(app: Flask) -> None:
    """A table's `Word` through a filter, in the language the page is rendered in: e-mails
    to a subject are rendered inside `force_locale` in the request's language."""
    assert _page(app, "{{ s|status_words }}", "en", s=Status.NEW) == "new"
    assert _page(app, "{{ s|status_words }}", "de", s=Status.NEW) == "neu"
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        refresh()
        with force_locale("de"):
            assert render_template_string("{{ _('new') }} {{ s|status_words }}", s=Status.NEW) == (
                "neu neu"
            )
        assert render_template_string("{{ _('new') }}") == "new"


def test_a_word_is_lazy_everywhere_else(app: Flask) -> None:
    word = _l("new")
    assert isinstance(word, Word) and word.msgid == "new"
    with app.test_request_context("/", headers={"Accept-Language": "de"}):
        refresh()
        assert str(word) == "neu"
        assert _page(app, "{{ w|word }} {{ w }}", w=word) == "neu neu"
