"""Where dsar's own files are: the package, its templates and its migrations."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _resource_dir(name: str) -> Path:
    """`templates/` and `migrations/` sit beside the package in a checkout, inside it in a wheel."""
    beside = PACKAGE_DIR.parent / name
    return beside if beside.is_dir() else PACKAGE_DIR / name


TEMPLATES_DIR = _resource_dir("templates")
MIGRATIONS_DIR = _resource_dir("migrations")
