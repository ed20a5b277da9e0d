"""The hash the list and the tombstones keep: normalised, salted, and what a tool computes."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from dsar.suppression.hashing import key_hashes, normalise, value_hmac

SALT = "a-test-salt-of-some-length"


@pytest.mark.parametrize(
    ("key", "value", "normalised"),
    [
        ("email", "  Zoe.Schmidt@Example.ORG \n", "zoe.schmidt@example.org"),
        ("email", "zoe@example.org", "zoe@example.org"),
        ("customer_number", " K-100042 ", "K-100042"),
        ("customer_number", "k-100042", "k-100042"),  # only e-mail addresses lose their case
    ],
)
def test_normalise(key: str, value: str, normalised: str) -> None:
    assert normalise(key, value) == normalised


def test_an_email_hashes_the_same_in_any_case_and_other_keys_do_not() -> None:
    assert value_hmac(SALT, "email", "Zoe@Example.org") == value_hmac(
        SALT, "email", "zoe@example.org "
    )
    assert value_hmac(SALT, "customer_number", "K-1") != value_hmac(SALT, "customer_number", "k-1")


def test_the_hash_is_the_documented_hmac_and_depends_on_the_salt() -> None:
    documented = hmac.new(SALT.encode(), b"zoe@example.org", hashlib.sha256).hexdigest()
    assert value_hmac(SALT, "email", " ZOE@example.org") == documented
    assert value_hmac("another-salt-of-length", "email", "zoe@example.org") != documented
    assert hashlib.sha256(b"zoe@example.org").hexdigest() != documented  # salted, not bare


def test_key_hashes_leave_out_blank_values() -> None:
    hashes = key_hashes(SALT, {"email": "Zoe@Example.org", "customer_number": "  "})
    assert hashes == {"email": value_hmac(SALT, "email", "zoe@example.org")}
