"""Public start pages: the only controller's page, or a list when the install serves several."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from sqlalchemy import select

from dsar.extensions import db
from dsar.intake import bp
from dsar.models import Controller


@bp.get("/")
def index():  # type: ignore[no-untyped-def]
    controllers = db.session.execute(select(Controller).order_by(Controller.name)).scalars().all()
    if len(controllers) == 1:
        return redirect(url_for("intake.start", slug=controllers[0].slug))
    return render_template("intake/index.html", controllers=controllers)


@bp.get("/c/<slug>/")
def start(slug: str):  # type: ignore[no-untyped-def]
    controller = db.session.execute(
        select(Controller).where(Controller.slug == slug)
    ).scalar_one_or_none()
    if controller is None:
        abort(404, "There is no such organisation here.")
    return render_template("intake/start.html", controller=controller)


@bp.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    db.session.execute(select(1))
    return {"status": "ok"}
