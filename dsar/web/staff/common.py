"""Small helpers the staff views share: the clock settings, the controllers a member works for,
the secret key."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from dsar.accounts.models import StaffUser
from dsar.controllers.models import Controller
from dsar.extensions import db
from dsar.requests.deadlines.operations import ClockSettings


def workable_controllers(user: StaffUser) -> list[Controller]:
    """The controllers `user` works for, by name: their own, or every controller if not limited."""
    own = sorted(user.controllers, key=lambda c: c.name)
    return own or list(db.session.scalars(select(Controller).order_by(Controller.name)))


def clock_settings() -> ClockSettings:
    return ClockSettings.from_settings(current_app.config["DSAR_SETTINGS"])


def secret_key() -> str:
    """The app's secret key: it keys the hashes of e-mail addresses in the sign-in throttle."""
    return str(current_app.config["DSAR_SETTINGS"].secret_key)
