"""Encrypted file storage: round trip, nothing readable on disk, tamper and key checks."""

from __future__ import annotations

import dataclasses
import os
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from dsar.models import FilePurpose
from dsar.storage import FileStore, StorageError

SECRET = "Personalausweis von Zoë Müller, Nr. L01X00T47".encode()


def _store(app) -> FileStore:  # type: ignore[no-untyped-def]
    return FileStore.from_settings(app.config["DSAR_SETTINGS"])


def test_round_trip_and_nothing_in_clear_on_disk(app, session, now) -> None:  # type: ignore[no-untyped-def]
    store = _store(app)
    stored = store.save(
        session,
        SECRET,
        filename="ausweis.pdf",
        content_type="application/pdf",
        purpose=FilePurpose.IDENTITY_DOCUMENT,
        now=now,
    )
    assert stored.size == len(SECRET)
    assert store.read(stored) == SECRET
    on_disk = (store.root / stored.storage_path).read_bytes()
    assert b"L01X00T47" not in on_disk and "Zoë".encode() not in on_disk


def test_tampered_or_deleted_files_are_refused(app, session, now) -> None:  # type: ignore[no-untyped-def]
    store = _store(app)
    stored = store.save(
        session,
        SECRET,
        filename="a.pdf",
        content_type="application/pdf",
        purpose=FilePurpose.EXPORT,
        now=now,
    )
    other_key = dataclasses.replace(store, fernet=Fernet(Fernet.generate_key()))
    with pytest.raises(StorageError, match="does not decrypt"):
        other_key.read(stored)
    store.delete(stored, now)
    assert not (store.root / stored.storage_path).exists()
    with pytest.raises(StorageError, match="was deleted"):
        store.read(stored)


def test_blobs_are_listed_by_stored_name_and_age_and_removed_by_name(
    app, session, now, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    store = dataclasses.replace(_store(app), root=tmp_path / "files")
    old, new = (
        store.save(
            session,
            SECRET,
            filename="a.pdf",
            content_type="application/pdf",
            purpose=FilePurpose.EXPORT,
            now=now,
        ).storage_path
        for _ in range(2)
    )
    written = (now - timedelta(hours=2)).timestamp()
    os.utime(store.root / old, (written, written))
    os.utime(store.root / new, (now.timestamp(), now.timestamp()))
    assert store.blobs_written_before(now - timedelta(hours=1)) == [old]
    assert store.blobs_written_before(now + timedelta(seconds=1)) == sorted([old, new])
    store.remove_blob(old)
    store.remove_blob(old)  # gone already is fine
    assert not (store.root / old).exists() and (store.root / new).exists()
    assert store.blobs_written_before(now + timedelta(seconds=1)) == [new]
