"""The processing register: schema, loading and validation, and checks against live sources.

`load_registers(path, instance_path=...)` returns one `Register` per controller; each has the
schema's fields plus `source_path` (alias `path`) and `sha256` of the file it came from.
"""

from collections.abc import Iterable
from pathlib import Path

from dsar.register.activities import Activity, Recipient, Retention
from dsar.register.datasources import (
    EMAIL_KEY,
    Column,
    Erasure,
    FileSource,
    ManualSource,
    SqlSource,
    SqlTable,
)
from dsar.register.errors import RegisterError
from dsar.register.jurisdiction import Holiday, Jurisdiction
from dsar.register.loading import load_register, load_registers
from dsar.register.primitives import Duration, Text
from dsar.register.schema import LookupKey, Register

DEMO_REGISTER = Path(__file__).resolve().parent.parent / "demo" / "register.yaml"


def find_register(registers: Iterable[Register], slug: str) -> Register | None:
    """The loaded register of the controller with this slug, or None."""
    return next((r for r in registers if r.controller.slug == slug), None)


__all__ = [
    "DEMO_REGISTER",
    "EMAIL_KEY",
    "Activity",
    "Column",
    "Duration",
    "Erasure",
    "FileSource",
    "Holiday",
    "Jurisdiction",
    "LookupKey",
    "ManualSource",
    "Recipient",
    "Register",
    "RegisterError",
    "Retention",
    "SqlSource",
    "SqlTable",
    "Text",
    "find_register",
    "load_register",
    "load_registers",
]
