"""Signed confirmation links, timed by dsar's clock (so tests and `--now` can move time)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

SALT = "dsar.intake.confirm"  # unchanged since 0.1: links already sent stay valid


class _ClockSigner(TimestampSigner):
    """itsdangerous reads time.time(); this signer reads the instant it is given instead."""

    def __init__(self, *args: Any, now: datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._now = now

    def get_timestamp(self) -> int:
        return int(self._now.timestamp())


def _serializer(secret_key: str, now: datetime) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        secret_key, salt=SALT, signer=_ClockSigner, signer_kwargs={"now": now}
    )


def make_confirmation_token(secret_key: str, reference: str, now: datetime) -> str:
    """A token naming the request by reference, signed with the app secret, stamped with `now`.

    The reference, not the row id: it exists before the row does, so the e-mail carrying the
    link can be rendered before the write transaction starts.
    """
    return _serializer(secret_key, now).dumps({"r": reference})


class LinkExpired(Exception):
    """The link was genuine but is older than the allowed number of days."""


class LinkInvalid(Exception):
    """The link was not made by this install (tampered, truncated or another secret)."""


def read_confirmation_token(secret_key: str, token: str, now: datetime, max_age: timedelta) -> str:
    """The reference in a genuine, unexpired token; LinkExpired or LinkInvalid otherwise."""
    try:
        payload = _serializer(secret_key, now).loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired:
        raise LinkExpired() from None
    except BadSignature:
        raise LinkInvalid() from None
    if not isinstance(payload, dict) or not isinstance(payload.get("r"), str):
        raise LinkInvalid()
    return payload["r"]
