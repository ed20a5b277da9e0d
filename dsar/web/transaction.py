"""One transaction per web request: a view's work commits when the view returns, and nothing
of it stays when the view raises (Flask-SQLAlchemy's teardown rolls the session back).

Views and the operations they call never commit; this is the web's one boundary, as the job
runner (dsar/jobs/scheduler.py) and each CLI command are theirs. A view that answers a refusal
(a 4xx page it renders itself) still commits: operations check before they write, so what
they did write (a failed sign-in counted, a failed transmission audited) is meant to stay.
An `abort()` or any other exception rolls back. A request with an unsafe method (POST, ...)
begins its transaction as SQLite's writer (dsar/core/write_lock.py), so a view that reads
before it writes cannot fail with "database is locked" when another writer committed between.
"""

from __future__ import annotations

import contextlib

from flask import Flask, Response, request
from flask.typing import ResponseReturnValue

from dsar.core.write_lock import writing
from dsar.extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TransactionalFlask(Flask):
    """Flask whose every view runs in one transaction, committed when the view returns."""

    def full_dispatch_request(self) -> Response:
        # The writer from the first statement on, the `before_request` hooks' included: the
        # staff session check reads the signed-in account before the view writes.
        unsafe = request.method not in SAFE_METHODS
        with writing() if unsafe else contextlib.nullcontext():
            return super().full_dispatch_request()

    def dispatch_request(self) -> ResponseReturnValue:
        result = super().dispatch_request()
        db.session.commit()  # before the response goes out: mail waits in the outbox for it
        return result
