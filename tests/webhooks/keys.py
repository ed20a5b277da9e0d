"""The current app's file key, which seals webhook secrets."""

from __future__ import annotations

from flask import current_app

from dsar.files.storage import file_key


def app_key() -> bytes:
    return file_key(current_app.config["DSAR_SETTINGS"])
