"""`dsar suppression check|export|salt`: exit codes for scripts, and an export without values."""

from __future__ import annotations

import csv
import io

import pytest

from dsar.controllers.models import Controller
from dsar.suppression.hashing import value_hmac
from dsar.suppression.models import SuppressionScope
from dsar.suppression.operations import suppress


@pytest.fixture
def other_controller_row(session, now) -> Controller:  # type: ignore[no-untyped-def]
    other = Controller(slug="other", name="Other", country="DE", timezone="UTC", loaded_at=now)
    session.add(other)
    session.flush()
    return other


def _salt(app) -> str:  # type: ignore[no-untyped-def]
    return app.config["DSAR_SETTINGS"].suppression_salt


def _listed(app, session, controller, now) -> None:  # type: ignore[no-untyped-def]
    keys = {"email": "Zoe@Example.org", "customer_number": "K-100042"}
    suppress(session, controller, keys, SuppressionScope.MARKETING, salt=_salt(app), now=now)
    suppress(session, controller, {"email": "max@example.org"}, "erased", salt=_salt(app), now=now)


def test_check_exits_0_with_the_scopes_when_listed_and_1_when_not(
    app, session, controller, now, runner
) -> None:  # type: ignore[no-untyped-def]
    _listed(app, session, controller, now)

    listed = runner(["suppression", "check", " ZOE@example.org"])
    by_key = runner(["suppression", "check", "K-100042", "--key", "customer_number"])
    wrong_key = runner(["suppression", "check", "K-100042", "--key", "email"])
    absent = runner(["suppression", "check", "nobody@example.org", "--controller", "demo"])

    assert (listed.exit_code, listed.output) == (0, "listed: email (marketing)\n")
    assert (by_key.exit_code, by_key.output) == (0, "listed: customer_number (marketing)\n")
    assert (wrong_key.exit_code, wrong_key.output) == (1, "not on the suppression list\n")
    assert (absent.exit_code, absent.output) == (1, "not on the suppression list\n")


def test_check_refuses_an_unknown_key_or_controller_with_exit_2(
    app, session, controller, other_controller_row, now, runner
) -> None:  # type: ignore[no-untyped-def]
    _listed(app, session, controller, now)

    unknown_key = runner(["suppression", "check", "x", "--controller", "demo", "--key", "iban"])
    unknown = runner(["suppression", "check", "zoe@example.org", "--controller", "nope"])
    ambiguous = runner(["suppression", "check", "zoe@example.org"])
    theirs = runner(["suppression", "check", "zoe@example.org", "--controller", "other"])

    assert unknown_key.exit_code == 2 and "use one of email, customer_number" in unknown_key.stderr
    assert unknown.exit_code == 2 and "unknown controller 'nope'" in unknown.stderr
    assert (
        ambiguous.exit_code == 2
        and "choose one with --controller (demo, other)" in ambiguous.stderr
    )
    assert (theirs.exit_code, theirs.output) == (1, "not on the suppression list\n")  # isolated


def test_export_writes_hashes_and_never_a_value(app, session, controller, now, runner) -> None:  # type: ignore[no-untyped-def]
    _listed(app, session, controller, now)

    everything = runner(["suppression", "export"])
    erased = runner(["suppression", "export", "--scope", "erased"])

    assert everything.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(everything.stdout)))
    assert list(rows[0]) == ["key", "scope", "hmac", "created"]
    assert {(r["key"], r["scope"], r["hmac"], r["created"]) for r in rows} == {
        ("email", "marketing", value_hmac(_salt(app), "email", "zoe@example.org"), "2026-03-02"),
        (
            "customer_number",
            "marketing",
            value_hmac(_salt(app), "customer_number", "K-100042"),
            "2026-03-02",
        ),
        ("email", "erased", value_hmac(_salt(app), "email", "max@example.org"), "2026-03-02"),
    }
    for plain in ("zoe", "Zoe", "max@", "100042", "example"):
        assert plain not in everything.stdout
    assert [r["hmac"] for r in csv.DictReader(io.StringIO(erased.stdout))] == [
        value_hmac(_salt(app), "email", "max@example.org")
    ]


def test_a_tool_with_the_printed_salt_finds_a_value_in_the_export(
    app, session, controller, now, runner
) -> None:  # type: ignore[no-untyped-def]
    """What docs/suppression.md tells a tool to do, done here with the standard library."""
    import hashlib
    import hmac

    _listed(app, session, controller, now)
    salt = runner(["suppression", "salt"]).stdout.strip()
    exported = {
        r["hmac"] for r in csv.DictReader(io.StringIO(runner(["suppression", "export"]).stdout))
    }

    def listed(address: str) -> bool:
        normalised = address.strip().lower().encode("utf-8")
        return hmac.new(salt.encode("utf-8"), normalised, hashlib.sha256).hexdigest() in exported

    assert listed(" ZOE@example.org") and not listed("nobody@example.org")
