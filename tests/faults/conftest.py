"""Fault fixtures: apps on one committed database (a restart, a race), a real SMTP server."""

from __future__ import annotations

from tests.jobs.conftest import committed_apps  # noqa: F401 - shared with the job races
