"""Finding an erased subject again from a tombstone's hashes, in the demo shop after a restore."""

from __future__ import annotations

import pytest

from dsar.register.datasources import FileSource
from dsar.sources import SourceUnreachable, Subject
from dsar.suppression.operations import record_tombstone
from dsar.suppression.recovery import key_columns, recover, subjects_for, subjects_of
from tests.suppression.conftest import PARTS_42, SALT, erase_customer_42

ANONYMISED = {"source": "shop_db", "part": "customers", "action": "anonymise", "rule": "anonymise"}
TICKETS = {"source": "shop_db", "part": "support_tickets", "action": "delete", "rule": "delete"}


def test_the_subject_is_found_again_only_after_the_restore(
    session, controller, now, shop, shop_register
) -> None:  # type: ignore[no-untyped-def]
    shop.backup()
    erase_customer_42(shop)
    keys = {"email": "Kunde042@Example.org"}  # as the requester typed it
    tombstone = record_tombstone(session, controller, keys, PARTS_42, now, salt=SALT)

    assert subjects_for(tombstone, shop_register, SALT) == []  # erased: nothing to find
    shop.restore()
    assert subjects_for(tombstone, shop_register, SALT) == [
        Subject({"email": "kunde042@example.org"})  # as the shop stores it
    ]


def test_a_kept_key_finds_the_anonymised_account_and_the_restore_brings_the_email_back(
    session, controller, now, shop, shop_register
) -> None:  # type: ignore[no-untyped-def]
    shop.backup()
    erase_customer_42(shop)
    keys = {"email": "kunde042@example.org", "customer_number": "K-100042"}
    tombstone = record_tombstone(session, controller, keys, [*PARTS_42, ANONYMISED], now, salt=SALT)

    assert subjects_for(tombstone, shop_register, SALT) == [
        Subject({"customer_number": "K-100042"})
    ]
    shop.restore()
    assert subjects_for(tombstone, shop_register, SALT) == [
        Subject({"email": "kunde042@example.org", "customer_number": "K-100042"})
    ]


def test_a_joined_part_is_found_through_the_table_it_joins(
    session, controller, now, shop, shop_register
) -> None:  # type: ignore[no-untyped-def]
    keys = {"customer_number": "K-100007"}
    tombstone = record_tombstone(session, controller, keys, [TICKETS], now, salt=SALT)

    assert [(c.part, c.column, c.key) for c in key_columns(shop_register, [TICKETS])] == [
        ("customers", "email", "email"),
        ("customers", "customer_number", "customer_number"),
    ]
    assert subjects_for(tombstone, shop_register, SALT) == [
        Subject({"customer_number": "K-100007"})
    ]


def test_one_pass_serves_several_tombstones_each_its_own_subject(
    session, controller, now, shop, shop_register
) -> None:  # type: ignore[no-untyped-def]
    first = record_tombstone(
        session, controller, {"email": "kunde003@example.org"}, PARTS_42, now, salt=SALT
    )
    second = record_tombstone(
        session, controller, {"email": "KUNDE006@example.org"}, PARTS_42, now, salt=SALT
    )
    gone = record_tombstone(
        session, controller, {"email": "nobody@example.org"}, PARTS_42, now, salt=SALT
    )

    recovery = recover([first, second, gone], shop_register, SALT)

    assert recovery.problems == {}
    assert recovery.subjects == {
        first.id: [Subject({"email": "kunde003@example.org"})],
        second.id: [Subject({"email": "kunde006@example.org"})],
        gone.id: [],
    }


def test_an_unreachable_source_is_reported_not_taken_for_nothing_found(
    session, controller, now, shop_register, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    missing = [
        s.model_copy(update={"read_url": f"sqlite:///{tmp_path / 'gone.sqlite3'}"})
        if s.id == "shop_db"
        else s
        for s in shop_register.sources
    ]
    register = shop_register.model_copy(update={"sources": missing})
    tombstone = record_tombstone(
        session, controller, {"email": "kunde003@example.org"}, PARTS_42, now, salt=SALT
    )

    assert "does not exist" in recover([tombstone], register, SALT).problems["shop_db"]
    with pytest.raises(SourceUnreachable, match="does not exist"):
        subjects_for(tombstone, register, SALT)


def test_a_file_source_is_read_field_by_field(
    session, controller, now, shop_register, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "loyalty.csv"
    path.write_text("Email,points\n Zoe@Example.org ,3\nmax@example.org,5\nZoe@Example.org,7\n")
    loyalty = FileSource.model_validate(
        {
            "type": "file",
            "id": "loyalty",
            "name": "Loyalty points",
            "path": str(path),
            "lookup": [{"field": "Email", "key": "email"}],
            "activities": ["newsletter"],
            "fields": [{"name": "Email"}, {"name": "points"}],
            "erasure": "delete",
        }
    )
    register = shop_register.model_copy(update={"sources": [*shop_register.sources, loyalty]})
    part = {"source": "loyalty", "part": "loyalty", "action": "delete", "rule": "delete"}
    tombstone = record_tombstone(
        session, controller, {"email": "zoe@example.org"}, [part], now, salt=SALT
    )

    assert subjects_for(tombstone, register, SALT) == [
        Subject({"email": " Zoe@Example.org "}),  # each spelling as stored, once
        Subject({"email": "Zoe@Example.org"}),
    ]


def test_subjects_of_makes_one_subject_and_one_per_further_spelling() -> None:
    assert subjects_of({}) == []
    assert subjects_of({"email": ["A@x.org", "a@x.org"], "customer_number": ["K-1"]}) == [
        Subject({"email": "A@x.org", "customer_number": "K-1"}),
        Subject({"email": "a@x.org"}),
    ]
