"""The at-rest format of stored files: AES-256-GCM in chunks, so no file is ever held whole.

A blob is a header (MAGIC, a random salt, the chunk size) and then the plaintext in chunks of
CHUNK bytes, each sealed with its own 16-byte tag. The key is derived for each file from
DSAR_FILE_KEY and the salt (HKDF-SHA256), so nonces never repeat across files; a chunk's nonce
is its number and whether it is the last (the STREAM construction of Hoang, Reyhanitabar,
Rogaway and Vizár), so a changed, reordered, dropped or cut-off chunk fails to decrypt. Every
chunk also authenticates the header.

Files written before this format are one Fernet token (storage.py reads both).
"""

from __future__ import annotations

import base64
import os
import struct
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"DSARGCM\x01"  # a Fernet token starts with "g": the two formats cannot be confused
SALT_BYTES = 16
HEADER = len(MAGIC) + SALT_BYTES + 4
CHUNK = 64 * 1024
MAX_CHUNK = 1024 * 1024  # what a reader accepts from a header: bounds its memory
TAG = 16
_INFO = b"dsar stored file: AES-256-GCM chunks"


class SealError(Exception):
    """The blob is not in this format, or a chunk does not decrypt under the key."""


def seal(file_key: bytes, plaintext: Iterable[bytes]) -> Iterator[bytes]:
    """The blob for `plaintext` (pieces of any size), piece by piece: header, then each chunk."""
    salt = os.urandom(SALT_BYTES)
    header = MAGIC + salt + struct.pack(">I", CHUNK)
    aead = AESGCM(_file_key(file_key, salt))
    yield header
    pending, number = bytearray(), 0
    for piece in plaintext:
        pending += piece
        while len(pending) > CHUNK:  # a full chunk stays back: it may be the last one
            yield aead.encrypt(_nonce(number, last=False), bytes(pending[:CHUNK]), header)
            del pending[:CHUNK]
            number += 1
    yield aead.encrypt(_nonce(number, last=True), bytes(pending), header)


def is_sealed(start: bytes) -> bool:
    """Whether a blob that starts with `start` is in this format (else: a Fernet token)."""
    return start.startswith(MAGIC)


def unseal(file_key: bytes, blob: BinaryIO) -> Iterator[bytes]:
    """The plaintext of a blob, chunk by chunk; SealError where it does not decrypt."""
    header = blob.read(HEADER)
    if len(header) != HEADER or not is_sealed(header):
        raise SealError("not a sealed file")
    salt = header[len(MAGIC) : len(MAGIC) + SALT_BYTES]
    (size,) = struct.unpack(">I", header[-4:])
    if not 0 < size <= MAX_CHUNK:
        raise SealError(f"a chunk size of {size} bytes is not one this format writes")
    aead = AESGCM(_file_key(file_key, salt))
    sealed, number = blob.read(size + TAG), 0
    while True:
        following = blob.read(size + TAG)
        last = not following
        try:
            yield aead.decrypt(_nonce(number, last=last), sealed, header)
        except InvalidTag:
            raise SealError(f"chunk {number} does not decrypt") from None
        if last:
            return
        sealed, number = following, number + 1


def _file_key(file_key: bytes, salt: bytes) -> bytes:
    master = base64.urlsafe_b64decode(file_key)
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_INFO).derive(master)


def _nonce(number: int, *, last: bool) -> bytes:
    return number.to_bytes(11, "big") + (b"\x01" if last else b"\x00")
