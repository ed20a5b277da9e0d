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


def test_genuine_token_names_its_request_until_it_expires() -> None:
    token = make_confirmation_token(SECRET, 42, NOW)
    assert read_confirmation_token(SECRET, token, NOW + timedelta(days=6, hours=23), WEEK) == 42
    with pytest.raises(LinkExpired):
        read_confirmation_token(SECRET, token, NOW + timedelta(days=7, seconds=1), WEEK)


def test_tampered_or_foreign_tokens_are_invalid() -> None:
    token = make_confirmation_token(SECRET, 42, NOW)
    with pytest.raises(LinkInvalid):
        read_confirmation_token("t" * 32, token, NOW, WEEK)
    forged = make_confirmation_token(SECRET, 43, NOW).split(".")[0] + "." + token.split(".", 1)[1]
    with pytest.raises(LinkInvalid):
        read_confirmation_token(SECRET, forged, NOW, WEEK)
    with pytest.raises(LinkInvalid):
        read_confirmation_token(SECRET, token[:-3], NOW, WEEK)
