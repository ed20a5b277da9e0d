"""A domain module's sentence: plain English where a string is wanted, translatable by the page."""

from __future__ import annotations

from dsar.core.words import N_, Said


def test_a_sentence_is_its_english_text_and_keeps_its_msgid_and_values() -> None:
    said = Said(N_("%(source)s: manual search not done yet"), source="DATEV")
    assert said == "DATEV: manual search not done yet" and isinstance(said, str)
    assert (said.msgid, said.values) == (
        "%(source)s: manual search not done yet",
        {"source": "DATEV"},
    )
    plain = Said(N_("the sources have not been searched yet"))
    assert plain == plain.msgid and plain.values == {}
