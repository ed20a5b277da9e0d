"""Encrypted files at rest: uploads, originals of manual requests, exports, frozen letters.

Blobs live under `<instance>/files/`, named by a random id, sealed in chunks with a key derived
from DSAR_FILE_KEY (dsar/files/crypto.py); the StoredFile row keeps the name, type, size and
SHA-256 of the plaintext. Files are written from and read to a stream in chunks, so an export
of any size passes through in flat memory. Blobs written before the chunked format are one
Fernet token; they are still read, whole.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import BinaryIO

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy.orm import Session

from dsar.config import ConfigError, Settings
from dsar.core.setting_keys import kept_secret
from dsar.files.crypto import CHUNK, MAGIC, SealError, is_sealed, seal, unseal
from dsar.files.models import FilePurpose, StoredFile


class StorageError(Exception):
    """A stored file is missing, was deleted, or does not decrypt with the configured key."""


@dataclass(frozen=True)
class FileStore:
    root: Path
    key: bytes  # DSAR_FILE_KEY, a Fernet key

    @classmethod
    def from_settings(cls, settings: Settings) -> FileStore:
        return cls(settings.instance_path / "files", file_key(settings))

    @cached_property
    def _fernet(self) -> Fernet:  # only for blobs written before the chunked format
        return Fernet(self.key)

    def save(
        self,
        session: Session,
        data: bytes,
        *,
        filename: str,
        content_type: str,
        purpose: FilePurpose,
        now: datetime,
        request_id: int | None = None,
        delete_after: datetime | None = None,
    ) -> StoredFile:
        """Encrypt and write `data`, and add its StoredFile row (flushed, not committed)."""
        return self.save_file(
            session,
            io.BytesIO(data),
            filename=filename,
            content_type=content_type,
            purpose=purpose,
            now=now,
            request_id=request_id,
            delete_after=delete_after,
        )

    def save_file(
        self,
        session: Session,
        source: BinaryIO,
        *,
        filename: str,
        content_type: str,
        purpose: FilePurpose,
        now: datetime,
        request_id: int | None = None,
        delete_after: datetime | None = None,
    ) -> StoredFile:
        """Encrypt what `source` holds from its position on, chunk by chunk; as `save`."""
        name = f"{now:%Y%m}/{secrets.token_hex(16)}.bin"
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0

        def pieces() -> Iterator[bytes]:
            nonlocal size
            while piece := source.read(CHUNK):
                digest.update(piece)
                size += len(piece)
                yield piece

        try:
            with path.open("xb") as out:
                for sealed in seal(self.key, pieces()):
                    out.write(sealed)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        stored = StoredFile(
            request_id=request_id,
            purpose=purpose,
            filename=filename[:255],
            storage_path=name,
            sha256=digest.hexdigest(),
            content_type=content_type,
            size=size,
            created_at=now,
            delete_after=delete_after,
        )
        session.add(stored)
        session.flush()
        return stored

    def read(self, stored: StoredFile) -> bytes:
        """The whole plaintext, checked against the SHA-256 recorded when it was saved."""
        return b"".join(self.stream(stored))

    def stream(self, stored: StoredFile) -> PlaintextStream:
        """The plaintext in chunks (close it when not read to the end).

        A deleted or missing file and a wrong key raise StorageError here, before the first
        chunk is handed out; a chunk changed later in the file raises it before that chunk, a
        whole that does not match its SHA-256 before the last one: a reader never gets all
        of a file that is not what was saved.
        """
        if stored.deleted_at is not None:
            raise StorageError(f"file {stored.id} was deleted on {stored.deleted_at:%Y-%m-%d}")
        try:
            blob = (self.root / stored.storage_path).open("rb")
        except FileNotFoundError:
            raise StorageError(f"file {stored.id} is missing from {self.root}") from None
        # What to check against is read now: the session may have ended when the end comes.
        chunks = self._checked(blob, stored.id, stored.sha256, stored.size)
        try:
            first = next(chunks)
        except BaseException:
            chunks.close()
            raise
        return PlaintextStream(first, chunks)

    def _checked(
        self, blob: BinaryIO, file_id: int, sha256: str, expected_size: int
    ) -> Generator[bytes, None, None]:
        digest, size = hashlib.sha256(), 0
        with blob:
            try:
                if is_sealed(blob.read(len(MAGIC))):
                    blob.seek(0)
                    chunks: Iterator[bytes] = unseal(self.key, blob)
                else:
                    blob.seek(0)
                    chunks = iter([self._fernet.decrypt(blob.read())])
                held = None  # the last chunk is handed out only once the whole is checked
                for chunk in chunks:
                    digest.update(chunk)
                    size += len(chunk)
                    if held is not None:
                        yield held
                    held = chunk
            except (SealError, InvalidToken):
                message = f"file {file_id} does not decrypt with DSAR_FILE_KEY"
                raise StorageError(message) from None
        if digest.hexdigest() != sha256 or size != expected_size:
            raise StorageError(f"file {file_id} does not match its recorded SHA-256")
        yield held or b""

    def delete(self, stored: StoredFile, now: datetime) -> None:
        """Remove the blob and mark the row deleted (the row stays as the record of it)."""
        (self.root / stored.storage_path).unlink(missing_ok=True)
        stored.deleted_at = now

    def blobs_written_before(self, cutoff: datetime) -> list[str]:
        """Stored names (as `save` makes them) of the blobs last written before `cutoff`."""
        names = []
        for path in self.root.glob("*/*.bin"):
            try:
                written = path.stat().st_mtime
            except FileNotFoundError:  # removed meanwhile
                continue
            if written < cutoff.timestamp():
                names.append(path.relative_to(self.root).as_posix())
        return sorted(names)

    def remove_blob(self, name: str) -> None:
        """Remove a blob by its stored name, whether or not a row holds it."""
        (self.root / name).unlink(missing_ok=True)


class PlaintextStream:
    """A stored file's plaintext as an iterator of chunks; `close()` closes the file.

    A WSGI server calls `close()` when the answer ends, also when the client went away.
    """

    def __init__(self, first: bytes, rest: Generator[bytes, None, None]) -> None:
        self._first: bytes | None = first
        self._rest = rest

    def __iter__(self) -> PlaintextStream:
        return self

    def __next__(self) -> bytes:
        if self._first is not None:
            first, self._first = self._first, None
            return first
        return next(self._rest)

    def close(self) -> None:
        self._rest.close()


def file_key(settings: Settings) -> bytes:
    """DSAR_FILE_KEY; development and tests generate one and keep it in the instance folder."""
    if settings.file_key:
        key = settings.file_key.encode()
    elif settings.is_production:
        raise ConfigError(
            "DSAR_FILE_KEY is required in production: generate one with "
            "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key())'"
        )
    else:
        new = Fernet.generate_key().decode()
        key = kept_secret(settings.instance_path, "file_key", new).encode()
    try:
        Fernet(key)
    except ValueError:
        raise ConfigError("DSAR_FILE_KEY is not a Fernet key (32 url-safe base64 bytes)") from None
    return key
