"""Rebuild the German .mo from its .po (the .mo is committed; a test checks they agree)."""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


def compiled(po_path: Path) -> bytes:
    """The .mo bytes that `pybabel compile` would write for `po_path` (fuzzy entries left out)."""
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def compile_all(root: Path = TRANSLATIONS) -> list[Path]:
    """Write every messages.mo next to its messages.po; returns the files written."""
    written = []
    for po_path in sorted(root.glob("*/LC_MESSAGES/messages.po")):
        mo_path = po_path.with_suffix(".mo")
        mo_path.write_bytes(compiled(po_path))
        written.append(mo_path)
    return written


if __name__ == "__main__":
    for path in compile_all():
        print(path)
