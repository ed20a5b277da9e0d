"""The German catalog: the committed .mo is the compiled .po, and every string is translated."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from dsar.intake.catalog import TRANSLATIONS, compiled

ROOT = Path(__file__).resolve().parents[2]
PO = TRANSLATIONS / "de" / "LC_MESSAGES" / "messages.po"


def test_committed_mo_matches_the_po() -> None:
    assert PO.with_suffix(".mo").read_bytes() == compiled(PO), (
        "messages.mo is stale: run pybabel compile -d dsar/translations"
    )


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
        wanted = {m.id for m in read_po(handle) if m.id}
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    assert sorted(wanted - translated) == []
