"""The demo controller's letters, pinned word for word (legal wording changes show in review).

After an intended change: `pytest tests/letters --update-goldens`, then read the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dsar.letters.content import LETTER_TYPES
from dsar.letters.rendering import render
from dsar.letters.samples import sample_letter
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
