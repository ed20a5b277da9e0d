"""One hash chain, whatever its events: their canonical text, their hash, and the verifier.

An event's hash is HMAC-SHA256, keyed with the install's audit key (`KEYED`), over the
canonical text of all its fields, its predecessor's hash (`prev_hash`) among them; events
written before keying began keep their plain SHA-256 (`PLAIN`), and each event stores which
(`hash_scheme`). Without the key, write access to the database cannot rebuild a chain. The
fields hashed, so changing, deleting or reordering a stored event breaks the chain
there. Every stored hash depends on this text and on the fields hashed: changing either makes
existing chains fail to verify. A trail (dsar/audit/request_trail.py, staff_trail.py) adds the
fields that say whose event it is, and stores and locks its chain head.
Pure: no Flask, no database, no clock.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Any, Protocol, TypeVar

GENESIS = "0" * 64  # the `prev_hash` of every chain's first event
PLAIN, KEYED = "sha256", "hmac-sha256"  # an event's `hash_scheme`


class Event(Protocol):
    """The fields every trail's event has, all of them hashed."""

    @property
    def seq(self) -> int: ...
    @property
    def action(self) -> str: ...
    @property
    def actor(self) -> str: ...
    @property
    def payload(self) -> Mapping[str, Any]: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def prev_hash(self) -> str: ...


class StoredEvent(Event, Protocol):
    """An event as read back: its row id, the hash stored with it and the hash's scheme."""

    @property
    def id(self) -> int: ...
    @property
    def hash_scheme(self) -> str: ...
    @property
    def hash(self) -> str: ...


def canonical_text(fields: Mapping[str, object]) -> str:
    """JSON with sorted keys and no spaces, non-ASCII kept as is, any other value as str()."""
    return json.dumps(
        fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )


def fields_hash(fields: Mapping[str, object], key: bytes | None = None) -> str:
    """HMAC-SHA256 with `key` (hex) over the canonical text of `fields`; SHA-256 without one."""
    text = canonical_text(fields).encode()
    if key is None:
        return hashlib.sha256(text).hexdigest()
    return hmac.new(key, text, hashlib.sha256).hexdigest()


def link_hash(event: Event, key: bytes | None = None, **whose: object) -> str:
    """The hash of `event`: its own fields, its predecessor's hash and the trail's `whose`;
    keyed with `key` when given (the `KEYED` scheme), plain SHA-256 without (`PLAIN`)."""
    return fields_hash(
        {
            **whose,
            "seq": event.seq,
            "action": event.action,
            "actor": event.actor,
            "payload": event.payload,
            "created_at": utc_text(event.created_at),
            "prev_hash": event.prev_hash,
        },
        key,
    )


def utc_text(moment: datetime) -> str:
    """An instant as the chain hashes it: in UTC, as it is stored and read back, whatever
    offset the writer's clock gave it (a job run with `--now ...+01:00`)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="microseconds")


def jsonable(payload: Mapping[str, object]) -> dict[str, Any]:
    """Dates and enums become strings now, so the stored payload hashes the same when re-read."""
    stored: dict[str, Any] = json.loads(json.dumps(payload, default=str))
    return stored


def next_event(
    head_seq: int,
    head_hash: str,
    action: str,
    *,
    actor: str,
    now: datetime,
    payload: Mapping[str, object] | None = None,
) -> dict[str, Any]:
    """The column values of the event after a chain's head (seq and hash), all but its hash.

    Every new event is keyed: `hash_scheme` is KEYED.
    """
    return {
        "seq": head_seq + 1,
        "hash_scheme": KEYED,
        "action": action,
        "actor": actor,
        "payload": jsonable(payload or {}),
        "created_at": now,
        "prev_hash": head_hash,
    }


class Fault(Enum):
    ORDER = "order"  # not the next seq: an event deleted, inserted or moved
    LINK = "link"  # its prev_hash is not its predecessor's hash
    CONTENT = "content"  # its fields do not hash to its stored hash
    HEAD = "head"  # the head kept outside the chain does not match the chain's end
    SCHEME = "scheme"  # an unkeyed hash on an event written after keying began
    CHECKPOINT = "checkpoint"  # the chain differs from its signed checkpoint, or is gone


@dataclass(frozen=True)
class BrokenLink:
    """The first break in a chain: which event, what kind of fault, and why."""

    chain: str  # "request 12", "staff chain"
    seq: int
    event_id: int
    fault: Fault
    reason: str

    def __str__(self) -> str:
        return f"{self.chain}, event #{self.seq} (id {self.event_id}): {self.reason}"


@dataclass(frozen=True)
class End:
    """The last event of a chain that follows its predecessor (seq 0: none)."""

    seq: int = 0
    hash: str = GENESIS
    event_id: int = 0


E = TypeVar("E", bound=StoredEvent)


def walk(
    chain: str, events: Iterable[E], rehash: Callable[[E], str], keyed_from: int | None = None
) -> tuple[BrokenLink | None, End]:
    """Follow one chain's `events` in stored order: its first broken link (or None), and its end.

    `rehash` is the trail's hash of an event from its stored fields; an event whose row id is
    `keyed_from` or later must be KEYED (a plain hash there is a forger's without the key).
    """
    end = End()
    for event in events:
        fault = _fault(event, end, rehash, keyed_from)
        if fault is not None:
            return BrokenLink(chain, event.seq, event.id, *fault), end
        end = End(event.seq, event.hash, event.id)
    return None, end


def _fault(
    event: E, end: End, rehash: Callable[[E], str], keyed_from: int | None
) -> tuple[Fault, str] | None:
    if event.seq != end.seq + 1:
        return Fault.ORDER, f"expected #{end.seq + 1}"
    if event.prev_hash != end.hash:
        return Fault.LINK, "previous hash differs"
    if event.hash_scheme != KEYED and keyed_from is not None and event.id >= keyed_from:
        return Fault.SCHEME, "unkeyed hash on an event written after keying began"
    if rehash(event) != event.hash:
        return Fault.CONTENT, "content does not match hash"
    return None


def head_break(chain: str, head: str, seq: int, hash_: str, end: End) -> BrokenLink | None:
    """The stored head (`seq`, `hash_`) against the chain's end: a deleted tail shows here.

    `head` names the head in the reason ("the chain head").
    """
    if (seq, hash_) == (end.seq, end.hash):
        return None
    reason = f"{head} is event #{seq}, the trail ends at #{end.seq}"
    if seq == end.seq:
        reason = f"{head} does not match its last event"
    return BrokenLink(chain, end.seq, end.event_id, Fault.HEAD, reason)
