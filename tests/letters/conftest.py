"""Fixtures for the letters: the registers, a fixed letter date, and golden-file updating.

Update the golden renders after an intended wording change with
`pytest tests/letters --update-goldens` (or DSAR_UPDATE_GOLDENS=1), then review the diff.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from dsar.register import DEMO_REGISTER, Register, load_registers

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TODAY = date(2026, 3, 2)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="rewrite tests/letters/golden/ from the templates",
    )


@pytest.fixture(scope="session")
def update_goldens(request: pytest.FixtureRequest) -> bool:
    try:
        option = bool(request.config.getoption("--update-goldens"))
    except ValueError:  # the option is only known when tests/letters is given on the command line
        option = False
    return option or os.environ.get("DSAR_UPDATE_GOLDENS") == "1"


def load_all(instance: Path) -> dict[str, Register]:
    registers = load_registers(DEMO_REGISTER, instance_path=instance) + load_registers(EXAMPLES)
    return {r.controller.slug: r for r in registers}


@pytest.fixture(scope="session")
def registers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Register]:
    return load_all(tmp_path_factory.mktemp("letters-instance"))


@pytest.fixture(scope="session")
def demo_register(registers: dict[str, Register]) -> Register:
    return registers["demo"]
