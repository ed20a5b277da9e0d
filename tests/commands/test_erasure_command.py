"""`dsar erasure replay`: what came back per tombstone, said plainly; nothing claimed erased."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from dsar.demo.shop import generate_shop_file
from dsar.suppression.operations import record_tombstone

PARTS = [
    {"source": "shop_db", "part": "newsletter_subscriptions", "action": "delete", "rule": "delete"},
    {"source": "shop_db", "part": "contact_messages", "action": "delete", "rule": "delete"},
]


@pytest.fixture(scope="module")
def _generated_shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("shop") / "shop.sqlite3"
    generate_shop_file(path, subjects=50)
    return path


@pytest.fixture
def shop(app, _generated_shop: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:  # type: ignore[no-untyped-def]
    """A copy of the demo shop that the loaded demo register reads and writes."""
    path = tmp_path / "shop.sqlite3"
    shutil.copy(_generated_shop, path)
    [register] = app.extensions["dsar.registers"]
    sources = [
        s.model_copy(update={"read_url": f"sqlite:///{path}", "write_url": f"sqlite:///{path}"})
        if s.id == "shop_db"
        else s
        for s in register.sources
    ]
    monkeypatch.setitem(
        app.extensions, "dsar.registers", [register.model_copy(update={"sources": sources})]
    )
    return path


def _delete_newsletter_of(path: Path, email: str) -> None:
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(
            text("DELETE FROM newsletter_subscriptions WHERE email = :e"), {"e": email}
        )
    engine.dispose()


def _tombstone(app, session, controller, email, when):  # type: ignore[no-untyped-def]
    salt = app.config["DSAR_SETTINGS"].suppression_salt
    return record_tombstone(session, controller, {"email": email}, PARTS, when, salt=salt)


def test_a_dry_run_reports_rows_found_again_as_not_erased_with_exit_1(
    app, session, controller, now, shop, runner
) -> None:  # type: ignore[no-untyped-def]
    back = _tombstone(app, session, controller, "kunde042@example.org", now)
    _delete_newsletter_of(shop, "kunde003@example.org")
    quiet = _tombstone(app, session, controller, "kunde003@example.org", now + timedelta(hours=1))

    result = runner(["erasure", "replay", "--dry-run"])

    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "dry run: rows found again are counted, not erased",
        f"tombstone {back.id} (demo, erased 2026-03-02 09:00 UTC): shop_db/contact_messages"
        " (delete) 1 row, shop_db/newsletter_subscriptions (delete) 1 row: found but NOT erased",
        f"tombstone {quiet.id} (demo, erased 2026-03-02 10:00 UTC): nothing came back",
        "2 erasure(s) replayed, 1 with rows found again, 1 needing action",
    ]
    assert "erased again" not in result.output


def test_since_and_controller_narrow_the_replay_to_nothing_found(
    app, session, controller, now, shop, runner
) -> None:  # type: ignore[no-untyped-def]
    _tombstone(app, session, controller, "kunde042@example.org", now - timedelta(days=10))

    result = runner(["erasure", "replay", "--since", "2026-03-01", "--controller", "demo"])
    bad_day = runner(["erasure", "replay", "--since", "1 March"])

    assert (result.exit_code, result.output.splitlines()[-1]) == (
        0,
        "0 erasure(s) replayed, 0 with rows found again, 0 needing action",
    )
    assert bad_day.exit_code == 2 and "1 March" in bad_day.output


def test_the_replay_erases_again_what_came_back(
    app, session, controller, now, shop, runner
) -> None:  # type: ignore[no-untyped-def]
    back = _tombstone(app, session, controller, "kunde042@example.org", now)

    result = runner(["erasure", "replay"])
    again = runner(["erasure", "replay"])

    assert result.exit_code == 0
    assert result.output.splitlines()[0] == (
        f"tombstone {back.id} (demo, erased 2026-03-02 09:00 UTC): shop_db/contact_messages"
        " (delete) 1 row, shop_db/newsletter_subscriptions (delete) 1 row: erased again"
    )
    engine = create_engine(f"sqlite:///{shop}")
    with engine.connect() as connection:
        left = connection.execute(
            text("SELECT count(*) FROM contact_messages WHERE email = 'kunde042@example.org'")
        ).scalar()
    engine.dispose()
    assert left == 0
    assert again.exit_code == 0 and again.output.splitlines()[0].endswith(": nothing came back")
