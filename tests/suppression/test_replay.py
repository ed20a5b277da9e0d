"""Replaying erasures after a restore: what came back per tombstone, and the eraser hook."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from dsar.suppression.operations import record_tombstone
from dsar.suppression.replay import (
    EraseReport,
    count_found,
    replay,
)
from tests.suppression.conftest import PARTS_42, SALT, erase_customer_42

KEYS_42 = {"email": "kunde042@example.org"}
NEWSLETTER, CONTACT = ("shop_db", "newsletter_subscriptions"), ("shop_db", "contact_messages")


def test_replay_counts_the_restored_rows_and_erases_nothing(
    session, controller, now, shop, shop_register
) -> None:  # type: ignore[no-untyped-def]
    shop.backup()
    erase_customer_42(shop)
    tombstone = record_tombstone(session, controller, KEYS_42, PARTS_42, now, salt=SALT)
    registers = {controller.slug: shop_register}

    before = replay(session, lambda c: registers.get(c.slug), None, count_found, salt=SALT)
    shop.restore()
    after = replay(session, lambda c: registers.get(c.slug), None, count_found, salt=SALT)

    [quiet] = before.tombstones
    assert (quiet.tombstone_id, quiet.subjects, quiet.found_again, quiet.rows) == (
        tombstone.id,
        0,
        0,
        {},
    )
    assert before.needing_action == []
    [back] = after.tombstones
    assert (back.subjects, back.rows, back.erased) == (1, {NEWSLETTER: 1, CONTACT: 1}, False)
    assert back.actions == {NEWSLETTER: "delete", CONTACT: "delete"}
    assert after.needing_action == [back]


def test_since_is_the_controllers_local_day(session, controller, now, shop_register) -> None:  # type: ignore[no-untyped-def]
    # 23:30 UTC on 1 March is already 2 March in Berlin.
    late = record_tombstone(
        session,
        controller,
        KEYS_42,
        PARTS_42,
        datetime(2026, 3, 1, 23, 30, tzinfo=now.tzinfo),
        salt=SALT,
    )
    record_tombstone(
        session,
        controller,
        KEYS_42,
        PARTS_42,
        datetime(2026, 3, 1, 22, 30, tzinfo=now.tzinfo),
        salt=SALT,
    )
    later = record_tombstone(
        session, controller, KEYS_42, PARTS_42, now + timedelta(days=1), salt=SALT
    )

    report = replay(session, lambda c: shop_register, date(2026, 3, 2), count_found, salt=SALT)

    assert [t.tombstone_id for t in report.tombstones] == [late.id, later.id]


def test_a_controller_is_replayed_alone_when_asked(
    session, controller, other_controller, now, shop_register
) -> None:  # type: ignore[no-untyped-def]
    record_tombstone(session, controller, KEYS_42, PARTS_42, now, salt=SALT)
    theirs = record_tombstone(session, other_controller, KEYS_42, PARTS_42, now, salt=SALT)

    everyone = replay(
        session, lambda c: shop_register if c.slug == "demo" else None, None, count_found, salt=SALT
    )
    alone = replay(
        session, lambda c: None, None, count_found, salt=SALT, controller=other_controller
    )

    assert [t.controller for t in everyone.tombstones] == ["demo", "other"]
    assert everyone.tombstones[1].problems == ["no register is loaded for controller other"]
    assert [t.tombstone_id for t in alone.tombstones] == [theirs.id]


def test_the_eraser_gets_each_subject_and_a_failing_one_is_reported(
    session, controller, now, shop, shop_register
) -> None:  # type: ignore[no-untyped-def]
    record_tombstone(session, controller, KEYS_42, PARTS_42, now, salt=SALT)
    record_tombstone(
        session, controller, {"email": "kunde003@example.org"}, PARTS_42, now, salt=SALT
    )
    seen = []

    def eraser(session, register, subject, tombstone):  # type: ignore[no-untyped-def]
        seen.append(subject.keys["email"])
        if subject.keys["email"] == "kunde003@example.org":
            raise RuntimeError("write_url refused")
        return EraseReport({NEWSLETTER: 1}, erased=True)

    report = replay(session, lambda c: shop_register, None, eraser, salt=SALT)

    assert seen == ["kunde042@example.org", "kunde003@example.org"]
    done, failed = report.tombstones
    assert (done.erased, done.rows, done.problems) == (True, {NEWSLETTER: 1}, [])
    assert (failed.erased, failed.problems) == (False, ["eraser: RuntimeError: write_url refused"])
    assert report.needing_action == [failed]
