"""Encrypted files at rest: uploads, originals of manual requests, exports, frozen letters.

Blobs are Fernet-encrypted (AES-128-CBC + HMAC-SHA256) under `<instance>/files/`, named by a
random id; the StoredFile row keeps the name, type, size and SHA-256 of the plaintext.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy.orm import Session

from dsar.config import ConfigError, Settings
from dsar.models import FilePurpose, StoredFile


class StorageError(Exception):
    """A stored file is missing, was deleted, or does not decrypt with the configured key."""


@dataclass(frozen=True)
class FileStore:
    root: Path
    fernet: Fernet

    @classmethod
    def from_settings(cls, settings: Settings) -> FileStore:
        return cls(settings.instance_path / "files", Fernet(file_key(settings)))

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
        self.root.mkdir(parents=True, exist_ok=True)
        name = f"{now:%Y%m}/{secrets.token_hex(16)}.bin"
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.fernet.encrypt(data))
        stored = StoredFile(
            request_id=request_id,
            purpose=purpose,
            filename=filename[:255],
            storage_path=name,
            sha256=hashlib.sha256(data).hexdigest(),
            content_type=content_type,
            size=len(data),
            created_at=now,
            delete_after=delete_after,
        )
        session.add(stored)
        session.flush()
        return stored

    def read(self, stored: StoredFile) -> bytes:
        """The plaintext, checked against the SHA-256 recorded when it was saved."""
        if stored.deleted_at is not None:
            raise StorageError(f"file {stored.id} was deleted on {stored.deleted_at:%Y-%m-%d}")
        try:
            data = self.fernet.decrypt((self.root / stored.storage_path).read_bytes())
        except FileNotFoundError:
            raise StorageError(f"file {stored.id} is missing from {self.root}") from None
        except InvalidToken:
            raise StorageError(f"file {stored.id} does not decrypt with DSAR_FILE_KEY") from None
        if hashlib.sha256(data).hexdigest() != stored.sha256:
            raise StorageError(f"file {stored.id} does not match its recorded SHA-256")
        return data

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
        path = settings.instance_path / "file_key"
        if not path.exists():
            path.write_bytes(Fernet.generate_key())
            path.chmod(0o600)
        key = path.read_bytes().strip()
    try:
        Fernet(key)
    except ValueError:
        raise ConfigError("DSAR_FILE_KEY is not a Fernet key (32 url-safe base64 bytes)") from None
    return key
