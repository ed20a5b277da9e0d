"""Controllers come from processing registers; the database keeps a row per controller."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.config import ConfigError, Settings
from dsar.controllers.models import Controller
from dsar.register import DEMO_REGISTER, Register, RegisterError, load_registers


def configured_register_path(settings: Settings) -> Path:
    """DSAR_REGISTER, or the built-in demo controller when it is not set."""
    return Path(settings.register) if settings.register else DEMO_REGISTER


def load_configured_registers(settings: Settings) -> list[Register]:
    """Load and validate every configured register; a problem becomes a ConfigError."""
    path = configured_register_path(settings)
    try:
        return load_registers(path, instance_path=settings.instance_path)
    except RegisterError as error:
        raise ConfigError(f"DSAR_REGISTER: {error}") from None


def sync_controllers(
    session: Session, registers: Iterable[Register], now: datetime
) -> list[Controller]:
    """Create or update one Controller row per loaded register (matched by slug)."""
    existing = {c.slug: c for c in session.execute(select(Controller)).scalars()}
    result = []
    for reg in registers:
        slug = reg.controller.slug
        controller = existing.get(slug) or Controller(slug=slug)
        controller.name = reg.controller.name
        controller.country = reg.jurisdiction.country
        controller.subdivision = reg.jurisdiction.subdivision or None
        controller.timezone = reg.jurisdiction.timezone
        controller.municipality = reg.jurisdiction.municipality
        controller.extra_holidays = [
            holiday.model_dump(mode="json", exclude_none=True)
            for holiday in reg.jurisdiction.holidays
        ]
        controller.languages = list(reg.controller.languages)
        controller.register_path = str(reg.path)
        controller.register_sha256 = reg.sha256
        controller.loaded_at = now
        session.add(controller)
        result.append(controller)
    session.flush()
    return result
