"""The package's shape, as docs/architecture.md states it: the rules a reader relies on to find a
behaviour in one guess, checked on the source."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "dsar"
ENTRY_MODULES = {"__init__", "__main__", "cli", "config", "extensions"}
# Where a transaction may end: the web request, the CLI, the job runner, the scheduler's lock.
COMMITTERS = {
    "web/transaction.py",
    "cli.py",
    "commands/devserver.py",
    "commands/api_key.py",  # `dsar api-key create/revoke` commit the key they made or revoked
    "commands/erasure.py",  # `dsar erasure replay` commits what the replay recorded
    "commands/webhook.py",  # `dsar webhook add/remove` commit the endpoint they changed
    "jobs/scheduler.py",
    "jobs/leader.py",
}


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def name(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def imported(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {module for module in found if module == "dsar" or module.startswith("dsar.")}


def test_the_top_level_holds_only_the_entry_modules() -> None:
    loose = {path.stem for path in PACKAGE.glob("*.py")}
    assert loose == ENTRY_MODULES


def test_no_module_is_longer_than_300_lines() -> None:
    long = {name(path): n for path in modules() if (n := len(path.read_text().splitlines())) > 300}
    assert long == {}


def test_core_imports_nothing_of_the_domain() -> None:
    for path in (PACKAGE / "core").rglob("*.py"):
        outside = {m for m in imported(path) if not m.startswith(("dsar.core", "dsar.config"))}
        assert outside == set(), name(path)


def test_only_create_app_imports_the_web_layer() -> None:
    for path in modules():
        if name(path).startswith("web/") or name(path) == "__init__.py":
            continue
        web = {m for m in imported(path) if m == "dsar.web" or m.startswith("dsar.web.")}
        assert not web, name(path)


def test_commits_stand_only_at_the_boundaries() -> None:
    commit = re.compile(r"\.commit\(\)")
    committing = {name(path) for path in modules() if commit.search(path.read_text())}
    assert committing <= COMMITTERS
