"""Confirmation tokens: genuine, expired, tampered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dsar.intake.links import (
    LinkExpired,
    LinkInvalid,
    make_confirmation_token,
    read_confirmation_token,
)

SECRET = "s" * 32
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WEEK = timedelta(days=7)
REF = "DSAR-2026-7KQ3-M9XD"


def test_genuine_token_names_its_request_until_it_expires() -> None:
    token = make_confirmation_token(SECRET, REF, NOW)
    assert read_confirmation_token(SECRET, token, NOW + timedelta(days=6, hours=23), WEEK) == REF
    with pytest.raises(LinkExpired):
        read_confirmation_token(SECRET, token, NOW + timedelta(days=7, seconds=1), WEEK)


def test_tampered_or_foreign_tokens_are_invalid() -> None:
    token = make_confirmation_token(SECRET, REF, NOW)
    with pytest.raises(LinkInvalid):
        read_confirmation_token("t" * 32, token, NOW, WEEK)
    other = make_confirmation_token(SECRET, "DSAR-2026-7KQ3-M9XE", NOW)
    forged = other.split(".")[0] + "." + token.split(".", 1)[1]
    with pytest.raises(LinkInvalid):
        read_confirmation_token(SECRET, forged, NOW, WEEK)
    with pytest.raises(LinkInvalid):
        read_confirmation_token(SECRET, token[:-3], NOW, WEEK)
