"""Where "now" comes from: the system clock in production, a fixed instant in tests and `--now`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


def now() -> datetime:
    """The current instant from the app's clock (`app.extensions["dsar.core.clock"]`)."""
    from flask import current_app

    return current_app.extensions["dsar.core.clock"].now()


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class FixedClock:
    """A clock that says what it is told; `advance` moves it (tests, `dsar jobs run-once --now`)."""

    instant: datetime

    def now(self) -> datetime:
        return self.instant

    def advance(self, **delta: float) -> None:
        self.instant = self.instant + timedelta(**delta)
