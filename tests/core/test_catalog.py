"""The German catalog: the committed .mo says what the .po says, and every string is translated.

The comparison is of parsed catalogs (msgid -> msgstr), never of bytes: a Babel release that
writes another header or another layout must not fail it, a changed translation must.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from dsar.core.catalog import TRANSLATIONS

ROOT = Path(__file__).resolve().parents[2]
PO = TRANSLATIONS / "de" / "LC_MESSAGES" / "messages.po"
STALE = "messages.mo is stale: run python -m dsar.core.catalog"


def _translations(catalog: Catalog) -> dict[object, object]:
    """msgid -> msgstr of every entry with an id (the header entry has none); a plural entry's
    forms as tuples (the .po reader gives lists, the .mo reader tuples)."""
    return {_plain(m.id): _plain(m.string) for m in catalog if m.id}


def _plain(value: object) -> object:
    return tuple(value) if isinstance(value, list | tuple) else value


def _po() -> Catalog:
    with PO.open("rb") as handle:
        return read_po(handle)


def _mo() -> Catalog:
    with PO.with_suffix(".mo").open("rb") as handle:
        return read_mo(handle)


def test_the_po_has_no_fuzzy_or_empty_entry() -> None:
    catalog = _po()
    assert [m.id for m in catalog if m.id and m.fuzzy] == []
    assert [m.id for m in catalog if m.id and not m.string] == []


def test_committed_mo_says_what_the_po_says() -> None:
    assert _translations(_mo()) == _translations(_po()), STALE


def test_the_comparison_sees_a_changed_translation() -> None:
    catalog = _po()
    entry = next(m for m in catalog if m.id and isinstance(m.id, str))
    entry.string = f"{entry.string} (changed)"
    assert _translations(catalog) != _translations(_mo())


def test_every_string_in_the_code_is_translated(tmp_path: Path) -> None:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        wanted = {_plain(m.id) for m in read_po(handle) if m.id}
    translated = {_plain(m.id) for m in _po() if m.id and m.string and not m.fuzzy}
    assert sorted(wanted - translated) == []
