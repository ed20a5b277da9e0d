"""How the subject was identified, as an answer letter states it (docs/lookup-keys.md).

The letter says under which e-mail address and which verified keys we looked, and names a key
we set aside, so a "we hold no data" or a list of findings is true of exactly what was searched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dsar.register import Register


@dataclass(frozen=True)
class KeyUsed:
    """A typed key with what became of it: state verified (with its method) or set_aside."""

    key: str
    value: str
    state: str
    method: str | None = None


@dataclass(frozen=True)
class Identity:
    email: str | None
    email_confirmed: bool  # through the link we mailed (web requests)
    keys: tuple[KeyUsed, ...] = ()


@dataclass(frozen=True)
class KeyView:
    label: str
    value: str
    method: str | None


@dataclass(frozen=True)
class IdentityView:
    email: str | None
    email_confirmed: bool
    verified: tuple[KeyView, ...]
    set_aside: tuple[KeyView, ...]


def identity_view(
    register: Register, identity: Identity | None, t: Callable[[Any], str]
) -> IdentityView | None:
    """The identity with the register's labels for the keys, in the letter's language."""
    if identity is None:
        return None

    def view(key: KeyUsed) -> KeyView:
        spec = register.lookup_key(key.key)
        return KeyView(t(spec.label) if spec else key.key, key.value, key.method)

    return IdentityView(
        identity.email,
        identity.email_confirmed,
        tuple(view(k) for k in identity.keys if k.state == "verified"),
        tuple(view(k) for k in identity.keys if k.state == "set_aside"),
    )
