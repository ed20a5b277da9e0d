"""A local SMTP sink for development: every message received is written as an .eml file."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class _SaveToFolder:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        name = f"{time.strftime('%Y%m%d-%H%M%S')}-{time.monotonic_ns()}.eml"
        (self.folder / name).write_bytes(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


@dataclass
class MailSink:
    folder: Path
    controller: Any

    def stop(self) -> None:
        self.controller.stop()


def start_mail_sink(folder: Path, port: int, host: str = "127.0.0.1") -> MailSink:
    """Start aiosmtpd in a background thread (aiosmtpd comes with the `dev` extra)."""
    from aiosmtpd.controller import Controller

    folder.mkdir(parents=True, exist_ok=True)
    controller = Controller(_SaveToFolder(folder), hostname=host, port=port)
    controller.start()
    return MailSink(folder, controller)
