"""Every page a person reads in German or English passes its words through the catalog.

The catalog test (tests/core/test_catalog.py) finds strings wrapped in `_()` that lack a
German entry; this one finds the words nobody wrapped: literal text in a template and flash
messages given as bare literals. E-mails and letters are written once per language
(templates/emails/<lang>/, templates/letters/<lang>/) and are not read here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.untranslated import bare_flashes, untranslated_in_template

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
PAGES = sorted(
    path
    for folder in ("staff", "intake", "downloads", "errors", "exports")
    for path in (TEMPLATES / folder).rglob("*.html")
) + [TEMPLATES / "base.html"]


def _name(path: Path) -> str:
    return path.relative_to(TEMPLATES).as_posix()


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_a_page_prints_no_word_outside_the_catalog(page: Path) -> None:
    assert untranslated_in_template(page) == []


def test_no_flash_message_is_a_bare_literal() -> None:
    found = [hit for path in sorted((ROOT / "dsar").rglob("*.py")) for hit in bare_flashes(path)]
    assert found == []


def test_the_reader_finds_literal_text_and_attributes(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        '<p title="Open it">{{ _("Hello") }} {{ name }}</p>\n'
        "<h1>Queue</h1>\n"
        "{% trans %}Translated block{% endtrans %}\n"
        "<code>dsar jobs run-once</code> <script>var x = 'abc';</script> {{ n }} GDPR",
        encoding="utf-8",
    )
    assert untranslated_in_template(page) == ['title="Open it"', "Queue"]


def test_the_reader_finds_a_bare_flash(tmp_path: Path) -> None:
    module = tmp_path / "views.py"
    module.write_text(
        'flash(_("Saved."))\nflash("Saved.")\nflash(f"Saved {n}.", "error")\n', encoding="utf-8"
    )
    assert bare_flashes(module) == ["views.py:2", "views.py:3"]
