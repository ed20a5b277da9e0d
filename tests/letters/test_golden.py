"""The demo controller's letters, pinned word for word (legal wording changes show in review).

After an intended change: `pytest tests/letters --update-goldens`, then read the diff.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from dsar.letters.content import LETTER_TYPES, LetterContent, build_letter
from dsar.letters.facts import Representative
from dsar.letters.rendering import render
from dsar.letters.samples import SAMPLE_FINGERPRINT, sample_inputs, sample_letter
from dsar.register import Register
from tests.letters.conftest import TODAY

GOLDEN = Path(__file__).resolve().parent / "golden"


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("kind", LETTER_TYPES)
def test_golden_render(demo_register: Register, update_goldens: bool, kind: str, lang: str) -> None:
    text = render(sample_letter(demo_register, kind, lang, TODAY)).text
    path = GOLDEN / f"{kind}.{lang}.txt"
    if update_goldens:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path.name} is missing: run pytest tests/letters --update-goldens"
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["de", "en"])
def test_golden_representative_access(
    demo_register: Register, update_goldens: bool, lang: str
) -> None:
    """A parent's access request for her child: addressed to her, on behalf of the child, and
    the body speaks of the child's data (docs/representatives.md)."""
    text = render(representative_access(demo_register, lang)).text
    path = GOLDEN / f"access_representative.{lang}.txt"
    if update_goldens:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path.name} is missing: run pytest tests/letters --update-goldens"
    assert text == path.read_text(encoding="utf-8")


def representative_access(register: Register, lang: str) -> LetterContent:
    """The sample access letter, asked by Anna Weiß for her son Jürgen."""
    sample = sample_inputs(register, "access", lang, TODAY)
    identity = sample.facts.identity
    assert identity is not None
    facts = dataclasses.replace(
        sample.facts,
        subject=dataclasses.replace(sample.facts.subject, salutation=None, email=None),
        representative=Representative("Anna Weiß", "ms"),
        identity=dataclasses.replace(identity, email=None),
    )
    content = build_letter(
        register, facts, letter_type="access", today=TODAY, found=sample.found, texts=sample.texts
    )
    return dataclasses.replace(content, fingerprint=SAMPLE_FINGERPRINT)
