"""The limit to compare with: a bare Flask endpoint doing the same two inserts with raw SQL.

No forms, no CSRF, no templates, no audit chain: one request row and one outbox row per POST,
in one transaction, on the database in DSAR_DATABASE_URL.
"""

import json
import os
import secrets
from datetime import UTC, datetime

from flask import Flask, request
from sqlalchemy import create_engine, event, text

URL = os.environ["DSAR_DATABASE_URL"]
engine = create_engine(URL, connect_args={"timeout": 15} if URL.startswith("sqlite") else {})
if URL.startswith("sqlite"):

    @event.listens_for(engine, "connect")
    def _wal(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


app = Flask(__name__)
INSERT_REQUEST = text(
    "INSERT INTO request (controller_id, type, status, channel, language, subject_name,"
    " subject_email, details, verification, status_token_hash, created_at, updated_at)"
    " VALUES (:c, 'access', 'awaiting_confirmation', 'web', 'en', :name, :email, :details,"
    " 'unverified', :token, :now, :now) RETURNING id"
)
INSERT_OUTBOX = text(
    "INSERT INTO outbox_message (idempotency_key, message_id, request_id, recipient, subject,"
    " body_text, language, headers, status, attempts, next_attempt_at, created_at)"
    " VALUES (:key, :mid, :rid, :email, 'Please confirm', :body, 'en', '{}', 'pending', 0,"
    " :now, :now)"
)


@app.post("/bare")
def bare():  # type: ignore[no-untyped-def]
    now = datetime.now(UTC).replace(tzinfo=None) if URL.startswith("sqlite") else datetime.now(UTC)
    email = request.form.get("email", "")
    with engine.begin() as connection:
        request_id = connection.execute(
            INSERT_REQUEST,
            {
                "c": 1,
                "name": request.form.get("name", ""),
                "email": email,
                "details": json.dumps({"message": request.form.get("message")}),
                "token": secrets.token_hex(32),
                "now": now,
            },
        ).scalar_one()
        connection.execute(
            INSERT_OUTBOX,
            {
                "key": f"confirm:{request_id}",
                "mid": f"<{secrets.token_hex(8)}@bench>",
                "rid": request_id,
                "email": email,
                "body": "confirm " + secrets.token_urlsafe(32),
                "now": now,
            },
        )
    return "", 302, {"Location": "/done"}
