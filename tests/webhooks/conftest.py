"""Fixtures for the webhook tests: a local receiver and settings that allow reaching it."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from flask import Flask

from dsar.config import Settings
from tests.webhooks.receiver import Receiver, start


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    server = start(found)
    yield found
    server.shutdown()
    server.server_close()


@pytest.fixture
def local_settings(app: Flask) -> Settings:
    """The test app's settings with http to 127.0.0.1 and private addresses allowed."""
    return dataclasses.replace(
        app.config["DSAR_SETTINGS"], transmit_allow_local_http=True, transmit_allow_private=True
    )
