"""Find words a page prints without passing them through the catalog.

A template's text outside `{{ ... }}`, `{% ... %}` and `{% trans %}` blocks is printed as
written, in every language. This reads a template with Jinja's own lexer, puts its literal
text back together (expressions become a placeholder), and lists every text node and every
human-facing attribute (title, placeholder, aria-label, alt) that still holds a word.
Python code is read with `ast`: a `flash()` whose message is a bare string literal is printed
in English whatever the page's language.
"""

from __future__ import annotations

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

from jinja2 import Environment

HOLE = "\x00"
WORD = re.compile(r"[^\W\d_]{2,}")
# Words that read the same in German and English (names, abbreviations, formats).
SAME_IN_BOTH = {
    "dsar",
    "GDPR",
    "DSGVO",
    "TOTP",
    "JSON",
    "CSV",
    "ZIP",
    "PDF",
    "HTML",
    "ID",
    "IP",
    "OK",
}
SHOWN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
# Code, commands and keyboard input read the same in every language.
SILENT_ELEMENTS = {"script", "style", "code", "kbd", "samp"}


def _literal_text(source: str) -> str:
    """The template with everything Jinja computes replaced by HOLE, translated blocks dropped."""
    parts: list[str] = []
    in_trans = False
    expecting_tag = False
    for _line, kind, value in Environment(autoescape=True, extensions=["jinja2.ext.i18n"]).lex(
        source
    ):
        if kind == "whitespace":
            continue
        if kind == "block_begin":
            expecting_tag = True
            continue
        if expecting_tag and kind == "name":
            expecting_tag = False
            if value in {"trans", "pluralize"}:
                in_trans = True
            elif value == "endtrans":
                in_trans = False
            continue
        expecting_tag = False
        if kind == "data" and not in_trans:
            parts.append(value)
        elif kind == "variable_begin":
            parts.append(HOLE)
    return "".join(parts)


def _has_word(text: str) -> bool:
    words = WORD.findall(text.replace(HOLE, " "))
    return any(word not in SAME_IN_BOTH for word in words)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._silent = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SILENT_ELEMENTS:
            self._silent += 1
        for name, value in attrs:
            if name in SHOWN_ATTRIBUTES and value and _has_word(value):
                self.found.append(f'{name}="{value}"')

    def handle_endtag(self, tag: str) -> None:
        if tag in SILENT_ELEMENTS and self._silent:
            self._silent -= 1

    def handle_data(self, data: str) -> None:
        if not self._silent and _has_word(data):
            self.found.append(" ".join(data.replace(HOLE, "…").split()))


def untranslated_in_template(path: Path) -> list[str]:
    """The literal words of a template that no language switch changes."""
    reader = _Reader()
    reader.feed(_literal_text(path.read_text(encoding="utf-8")))
    reader.close()
    return reader.found


def bare_flashes(path: Path) -> list[str]:
    """`flash("...")` calls whose message is a string literal or f-string (never translated)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "flash"
            and node.args
            and isinstance(node.args[0], ast.Constant | ast.JoinedStr)
        ):
            found.append(f"{path.name}:{node.lineno}")
    return found
