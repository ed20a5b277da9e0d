"""The generic hash chain: its canonical text, its hash (pinned: stored hashes depend on it), and
the verifier's walk over tampered links and contents, without a database."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from dsar.audit.chain import (
    GENESIS,
    KEYED,
    PLAIN,
    BrokenLink,
    End,
    Fault,
    canonical_text,
    head_break,
    jsonable,
    link_hash,
    next_event,
    walk,
)

AT = datetime(2026, 3, 2, 9, 0, 0, 123, tzinfo=UTC)
PAYLOAD = {"from": "new", "to": "in_progress", "name": "Zoë Ünal", "due": "2026-04-02"}


@dataclasses.dataclass(frozen=True)
class Row:
    """A stored event of a test trail whose own field is `trail`."""

    id: int
    seq: int
    action: str
    actor: str
    payload: dict[str, Any]
    created_at: datetime
    prev_hash: str
    hash: str = ""
    trail: str = "test"
    hash_scheme: str = PLAIN


KEY = b"k" * 32


def rehash(row: Row) -> str:
    return link_hash(row, KEY if row.hash_scheme == KEYED else None, trail=row.trail)


def chain(length: int = 4) -> list[Row]:
    rows: list[Row] = []
    for n in range(length):
        end = End(rows[-1].seq, rows[-1].hash) if rows else End()
        values = next_event(end.seq, end.hash, f"action{n}", actor="dana", now=AT, payload={"n": n})
        row = Row(id=100 + n, **values)
        rows.append(dataclasses.replace(row, hash=rehash(row)))
    return rows


def tampered(rows: list[Row], index: int, **changes: Any) -> list[Row]:
    return [dataclasses.replace(r, **changes) if i == index else r for i, r in enumerate(rows)]


def forged(rows: list[Row], index: int, **changes: Any) -> list[Row]:
    """Changed and given its own hash again, as by someone who knows the formula."""
    row = dataclasses.replace(rows[index], **changes)
    return tampered(rows, index, **changes, hash=rehash(row))


def test_canonical_text_sorts_keys_without_spaces_and_keeps_non_ascii() -> None:
    text = canonical_text({"b": 1, "a": {"z": "ü", "y": [1, None, True]}, "c": date(2026, 4, 2)})
    assert text == '{"a":{"y":[1,null,true],"z":"ü"},"b":1,"c":"2026-04-02"}'


@pytest.mark.parametrize(
    ("whose", "seq", "prev_hash", "expected"),
    [
        (
            {"request_id": 12},
            3,
            "a" * 64,
            "fc11471dc15984e27cabfec39eb1fa8ed277d0b10489036a91f996a2239f0979",
        ),
        (
            {"chain": "staff", "subject": "alex@example.org"},
            7,
            "b" * 64,
            "007b7552b53510f6db2dce7e5e4a2be6b3086c471de4650f039c06bd482ccc3c",
        ),
    ],
    ids=["request event", "staff event"],
)
def test_stored_hashes_stay_the_same(
    whose: dict[str, object], seq: int, prev_hash: str, expected: str
) -> None:
    # Computed before the chain became one module: existing databases verify only if these hold.
    action = "verify_identity" if "request_id" in whose else "role_changed"
    actor = "dana@example.org" if "request_id" in whose else "ada@example.org"
    row = Row(1, seq, action, actor, {**PAYLOAD, "n": [1, 2.5, None, True]}, AT, prev_hash)
    assert link_hash(row, **whose) == expected


def test_the_trails_own_fields_are_hashed() -> None:
    row = chain(1)[0]
    assert link_hash(row, KEY, trail="test") == row.hash
    assert link_hash(row, KEY, trail="other") != row.hash


def test_next_event_follows_the_head_and_stores_the_payload_as_json_reads_it() -> None:
    values = next_event(
        4, "c" * 64, "complete", actor="dana", now=AT, payload={"on": date(2026, 4, 2)}
    )
    assert values == {
        "seq": 5,
        "action": "complete",
        "actor": "dana",
        "payload": {"on": "2026-04-02"},
        "created_at": AT,
        "prev_hash": "c" * 64,
        "hash_scheme": KEYED,
    }
    assert next_event(0, GENESIS, "created", actor="subject", now=AT)["payload"] == {}
    assert jsonable({"at": AT}) == {"at": str(AT)}


def test_an_intact_chain_ends_at_its_last_event() -> None:
    rows = chain()
    assert rows[0].prev_hash == GENESIS
    assert walk("test", rows, rehash) == (None, End(4, rows[-1].hash, rows[-1].id))
    assert walk("test", [], rehash) == (None, End())


@pytest.mark.parametrize("index", [0, 1, 3])
@pytest.mark.parametrize(
    ("changes", "fault", "reason"),
    [
        ({"payload": {"n": 99}}, Fault.CONTENT, "content does not match hash"),
        ({"action": "refuse"}, Fault.CONTENT, "content does not match hash"),
        ({"actor": "eve"}, Fault.CONTENT, "content does not match hash"),
        (
            {"created_at": AT + timedelta(microseconds=1)},
            Fault.CONTENT,
            "content does not match hash",
        ),
        ({"trail": "other"}, Fault.CONTENT, "content does not match hash"),
        ({"hash": "f" * 64}, Fault.CONTENT, "content does not match hash"),
        ({"prev_hash": "e" * 64}, Fault.LINK, "previous hash differs"),
        ({"seq": 9}, Fault.ORDER, None),
    ],
    ids=["payload", "action", "actor", "time", "trail field", "hash", "link", "seq"],
)
def test_a_tampered_event_is_the_first_break(
    index: int, changes: dict[str, Any], fault: Fault, reason: str | None
) -> None:
    rows = tampered(chain(), index, **changes)
    broken, end = walk("test", rows, rehash)
    assert broken == BrokenLink(
        "test", rows[index].seq, rows[index].id, fault, reason or f"expected #{index + 1}"
    )
    assert end.seq == index  # the last event that still followed its predecessor


def test_a_forged_event_breaks_the_link_of_the_next() -> None:
    rows = forged(chain(), 1, payload={"n": "forged"})
    broken, _end = walk("test", rows, rehash)
    assert broken is not None
    assert (broken.seq, broken.event_id, broken.fault) == (3, rows[2].id, Fault.LINK)
    assert str(broken) == f"test, event #3 (id {rows[2].id}): previous hash differs"


def test_a_forged_last_event_is_left_to_the_head() -> None:
    rows = forged(chain(), 3, actor="eve")
    assert walk("test", rows, rehash)[0] is None


@pytest.mark.parametrize(
    ("rows", "fault"),
    [
        (lambda rows: [rows[0], rows[2], rows[3]], "expected #2"),
        (lambda rows: [rows[0], rows[2], rows[1], rows[3]], "expected #2"),
    ],
    ids=["deleted", "swapped"],
)
def test_a_missing_or_moved_event_breaks_the_order(rows: Any, fault: str) -> None:
    original = chain()
    broken, end = walk("test", rows(original), rehash)
    assert broken == BrokenLink("test", 3, original[2].id, Fault.ORDER, fault)
    assert end == End(1, original[0].hash, original[0].id)


def test_the_head_is_compared_with_the_end() -> None:
    rows = chain()
    end = walk("test", rows, rehash)[1]
    assert head_break("test", "the chain head", 4, rows[-1].hash, end) is None
    assert head_break("test", "the chain head", 0, GENESIS, End()) is None
    deleted_tail = head_break("test", "the chain head", 5, "d" * 64, end)
    assert deleted_tail == BrokenLink(
        "test", 4, rows[-1].id, Fault.HEAD, "the chain head is event #5, the trail ends at #4"
    )
    wrong_hash = head_break("request 7", "the request's chain head", 4, "d" * 64, end)
    assert str(wrong_hash) == (
        f"request 7, event #4 (id {rows[-1].id}): the request's chain head does not match its last"
        " event"
    )


def test_a_keyed_hash_is_hmac_sha256_with_the_key() -> None:
    row = Row(1, 3, "verify_identity", "dana@example.org", dict(PAYLOAD), AT, "a" * 64)
    plain = link_hash(row, request_id=12)
    keyed = link_hash(row, KEY, request_id=12)
    assert len(keyed) == 64 and keyed not in (plain, link_hash(row, b"x" * 32, request_id=12))
    import hashlib
    import hmac

    text = canonical_text(
        {
            "request_id": 12,
            "seq": 3,
            "action": "verify_identity",
            "actor": "dana@example.org",
            "payload": PAYLOAD,
            "created_at": "2026-03-02T09:00:00.000123+00:00",
            "prev_hash": "a" * 64,
        }
    ).encode()
    assert keyed == hmac.new(KEY, text, hashlib.sha256).hexdigest()
    assert plain == hashlib.sha256(text).hexdigest()


def test_new_events_are_keyed_and_verify_with_the_key() -> None:
    rows = chain()
    assert {row.hash_scheme for row in rows} == {KEYED}
    assert walk("test", rows, rehash, keyed_from=rows[0].id)[0] is None
    wrong_key = walk("test", rows, lambda r: link_hash(r, b"x" * 32, trail=r.trail))[0]
    assert wrong_key is not None and wrong_key.fault == Fault.CONTENT


def unkeyed_forgery(rows: list[Row], index: int) -> list[Row]:
    """Event `index` rewritten and hashed with plain SHA-256, as a forger without the key can."""
    row = dataclasses.replace(rows[index], actor="eve", hash_scheme=PLAIN)
    return tampered(rows, index, actor="eve", hash_scheme=PLAIN, hash=rehash(row))


def test_an_unkeyed_hash_after_keying_began_is_refused() -> None:
    rows = unkeyed_forgery(chain(1), 0)  # the last event: nothing after it to break
    assert walk("test", rows, rehash)[0] is None  # no boundary known: a plain event verifies
    broken = walk("test", rows, rehash, keyed_from=rows[0].id)[0]
    assert broken == BrokenLink(
        "test", 1, rows[0].id, Fault.SCHEME, "unkeyed hash on an event written after keying began"
    )
    assert walk("test", rows, rehash, keyed_from=rows[0].id + 1)[0] is None  # an older event
