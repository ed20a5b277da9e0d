"""The controller and register a public URL's slug names, or a 404 page."""

from __future__ import annotations

from flask import abort, current_app
from flask_babel import gettext as _
from sqlalchemy import select

from dsar.controllers.models import Controller
from dsar.extensions import db
from dsar.register import Register, find_register


def register_of(slug: str) -> Register:
    register = find_register(current_app.extensions["dsar.registers"], slug)
    if register is None:
        abort(404, _("There is no such organisation here."))
    return register


def controller_or_404(slug: str) -> Controller:
    """The controller row a public URL names."""
    controller = db.session.execute(
        select(Controller).where(Controller.slug == slug)
    ).scalar_one_or_none()
    if controller is None:
        abort(404, _("There is no such organisation here."))
    return controller


def controller_and_register(slug: str) -> tuple[Controller, Register]:
    register = register_of(slug)
    return controller_or_404(slug), register
