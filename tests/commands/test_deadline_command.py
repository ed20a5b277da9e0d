"""`dsar deadline`: output, configuration defaults and one-line errors with exit status 2."""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace

import pytest
from click.testing import Result
from flask import Flask

from dsar.commands.deadline import deadline_command
from dsar.register import Register
from tests.regions import bavarian_register


def run(*args: str, subdivision: str = "", registers: Sequence[Register] = ()) -> Result:
    """Invoke the command in a bare app whose settings are the configured defaults."""
    app = Flask(__name__)
    settings = SimpleNamespace(country="DE", subdivision=subdivision, timezone="Europe/Berlin")
    app.config["DSAR_SETTINGS"] = settings
    app.extensions["dsar.registers"] = list(registers)
    return app.test_cli_runner().invoke(deadline_command, list(args))


def test_readme_example_g07_in_nw() -> None:
    result = run("2026-01-31T10:00:00+01:00", "--country", "DE", "--subdivision", "NW")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "2026-03-02\n", "")


def test_extended() -> None:
    result = run("2026-01-31T10:00:00+01:00", "--subdivision", "NW", "--extended")
    assert result.stdout == "2026-04-30\n"


def test_explain_prints_the_steps_after_the_date() -> None:
    result = run("2026-03-05T10:00:00+01:00", "--explain")
    lines = result.stdout.splitlines()
    assert lines[0] == "2026-04-07"
    assert lines[1].startswith("  1. Received 2026-03-05 10:00 CET (Europe/Berlin)")
    assert any("Easter Monday" in line for line in lines[2:])
    assert lines[-1] == "  5. Due: Tue 2026-04-07, end of the day in Europe/Berlin"


@pytest.mark.parametrize(
    ("received_at", "due"),
    [
        ("2026-03-31T22:30:00Z", "2026-05-04"),  # G30: an instant in UTC
        ("2026-03-31T22:30:00+00:00", "2026-05-04"),
        ("2026-04-01T00:30:00", "2026-05-04"),  # no offset: Berlin time
        ("2026-03-31T23:59:59", "2026-04-30"),  # no offset: still 31 March in Berlin
        ("2026-03-05", "2026-04-07"),  # a date alone: that local day (G02)
    ],
)
def test_timestamp_forms(received_at: str, due: str) -> None:
    result = run(received_at)
    assert (result.exit_code, result.stdout) == (0, f"{due}\n")


def test_configured_subdivision_is_the_default_and_can_be_cleared() -> None:
    assert run("2026-05-04", subdivision="NW").stdout == "2026-06-05\n"  # G22
    assert run("2026-05-04", "--subdivision", "", subdivision="NW").stdout == "2026-06-04\n"
    assert run("2026-05-04", "--subdivision", "BE", subdivision="NW").stdout == "2026-06-04\n"


def test_another_country_with_its_timezone() -> None:
    args = ("--country", "GB", "--subdivision", "ENG", "--timezone", "Europe/London")
    assert run("2026-11-26", *args).stdout == "2026-12-29\n"  # G18
    assert run("2026-03-03", "--country", "AT", "--timezone", "Europe/Vienna").stdout == (
        "2026-04-03\n"  # G15
    )
    # The configured NW belongs to DE and does not follow --country.
    result = run("2026-03-03", "--country", "AT", "--timezone", "Europe/Vienna", subdivision="NW")
    assert result.stdout == "2026-04-03\n"


def test_explain_names_liberation_day_in_the_netherlands_every_year() -> None:
    result = run("2026-04-05", "--country", "NL", "--timezone", "Europe/Amsterdam", "--explain")
    assert result.stdout.splitlines()[0] == "2026-05-06"
    assert result.stdout.splitlines()[3] == (
        "  3. Tue 2026-05-05 is a public holiday in NL (Liberation Day): "
        "the period runs on to the next day (D5)"
    )


def test_municipality_option_adds_augsburgs_holidays() -> None:
    args = ("2025-07-08", "--subdivision", "BY", "--explain")
    assert run(*args).stdout.splitlines()[0] == "2025-08-08"
    lines = run(*args, "--municipality", "augsburg").stdout.splitlines()
    assert lines[0] == "2025-08-11"
    assert lines[3].startswith("  3. Fri 2025-08-08 is a public holiday in DE-BY (Augsburg Peace")
    catholic = run("2025-07-15", "--subdivision", "BY", "--municipality", "catholic", "--explain")
    assert "  3. Fri 2025-08-15 is a public holiday in DE-BY (Assumption Day): " in catholic.stdout


def test_controller_option_counts_in_the_registers_jurisdiction() -> None:
    registers = [bavarian_register()]
    lines = run("2026-05-12", "--controller", "shop", "--explain", registers=registers)
    assert lines.stdout.splitlines()[0] == "2026-06-15"
    assert "Fri 2026-06-12 is a public holiday in DE-BY (Town festival)" in lines.stdout
    assert run("2025-07-15", "--controller", "shop", registers=registers).stdout == (
        "2025-08-18\n"  # Assumption Day: the register's municipality is Catholic
    )
    assert run("2026-05-12").stdout == "2026-06-12\n"  # without it


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["2026-01-31", "--controller", "shop", "--country", "DE"],
            "error: --controller takes the whole jurisdiction from the register",
        ),
        (
            ["2026-01-31", "--controller", "nobody"],
            "error: no register for controller 'nobody' is loaded (DSAR_REGISTER)",
        ),
        (
            ["2026-01-31", "--subdivision", "NW", "--municipality", "augsburg"],
            "error: municipality 'augsburg' applies only in DE-BY, not in DE-NW",
        ),
        (
            ["foo"],
            "error: RECEIVED_AT 'foo' is not an ISO 8601 timestamp "
            "such as 2026-01-31T10:00:00+01:00",
        ),
        (["2026-02-30"], "error: RECEIVED_AT '2026-02-30' is not an ISO 8601 timestamp"),
        (
            ["2026-01-31", "--country", "XX"],
            "error: unknown country 'XX': use an ISO 3166-1 alpha-2 code such as DE, AT, NL or GB",
        ),
        (["2026-01-31", "--subdivision", "ZZ"], "error: unknown subdivision 'ZZ' for DE: use BB"),
        (
            ["2026-01-31", "--timezone", "Mars/Olympus"],
            "error: unknown timezone 'Mars/Olympus': use an IANA name such as Europe/Berlin",
        ),
        (["2026-01-31", "--country", "GB"], "error: --timezone is needed with --country GB"),
    ],
)
def test_bad_input_is_one_line_and_exit_status_2(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.endswith("\n")
    assert result.stderr.startswith(message)
