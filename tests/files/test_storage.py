"""Encrypted file storage: round trip, nothing readable on disk, tamper and key checks, older
blobs, and flat memory for large files."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import tracemalloc
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from dsar.files.crypto import CHUNK, HEADER, MAGIC
from dsar.files.models import FilePurpose
from dsar.files.storage import FileStore, StorageError

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
    other_key = dataclasses.replace(store, key=Fernet.generate_key())
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


def _saved(store: FileStore, session, now, data: bytes):  # type: ignore[no-untyped-def]
    return store.save_file(
        session,
        io.BytesIO(data),
        filename="data.zip",
        content_type="application/zip",
        purpose=FilePurpose.EXPORT,
        now=now,
    )


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 7])
def test_chunked_round_trip_at_every_chunk_boundary(app, session, now, size: int) -> None:  # type: ignore[no-untyped-def]
    store = _store(app)
    data = os.urandom(size)
    stored = _saved(store, session, now, data)

    assert (stored.size, stored.sha256) == (size, hashlib.sha256(data).hexdigest())
    assert b"".join(store.stream(stored)) == data == store.read(stored)
    assert all(len(chunk) <= CHUNK for chunk in store.stream(stored))
    on_disk = (store.root / stored.storage_path).read_bytes()
    assert on_disk.startswith(MAGIC) and (size < 16 or data[:16] not in on_disk)


def test_files_written_before_chunking_still_read(app, session, now) -> None:  # type: ignore[no-untyped-def]
    """Blobs from before are one Fernet token: they read (whole) as before."""
    store = _store(app)
    stored = _saved(store, session, now, b"")
    (store.root / stored.storage_path).write_bytes(Fernet(store.key).encrypt(SECRET))
    stored.sha256, stored.size = hashlib.sha256(SECRET).hexdigest(), len(SECRET)

    assert store.read(stored) == SECRET == b"".join(store.stream(stored))


def _blob_with(store: FileStore, stored, change) -> None:  # type: ignore[no-untyped-def]
    path = store.root / stored.storage_path
    blob = path.read_bytes()
    header, body = blob[:HEADER], blob[HEADER:]
    sealed = [body[i : i + CHUNK + 16] for i in range(0, len(body), CHUNK + 16)]
    path.write_bytes(header + b"".join(change(sealed)))


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda s: [s[0], bytes([s[1][0] ^ 1]) + s[1][1:], *s[2:]], id="flipped"),
        pytest.param(lambda s: s[:-1], id="last-chunk-cut-off"),
        pytest.param(lambda s: [s[1], s[0], *s[2:]], id="reordered"),
        pytest.param(lambda s: [*s[:-1], s[-1][:-1]], id="truncated"),
    ],
)
def test_changed_chunks_are_refused_while_streaming(app, session, now, change) -> None:  # type: ignore[no-untyped-def]
    store = _store(app)
    stored = _saved(store, session, now, os.urandom(3 * CHUNK + 7))
    _blob_with(store, stored, change)

    with pytest.raises(StorageError, match="does not decrypt"):
        b"".join(store.stream(stored))


def test_wrong_key_or_missing_file_fails_before_the_first_chunk(app, session, now) -> None:  # type: ignore[no-untyped-def]
    store = _store(app)
    stored = _saved(store, session, now, os.urandom(CHUNK + 1))
    other_key = dataclasses.replace(store, key=Fernet.generate_key())

    with pytest.raises(StorageError, match="does not decrypt"):
        other_key.stream(stored)  # not only once the answer has started
    (store.root / stored.storage_path).unlink()
    with pytest.raises(StorageError, match="is missing"):
        store.stream(stored)


@pytest.mark.parametrize("size", [10, 3 * CHUNK + 7])
def test_a_different_file_under_the_same_key_never_comes_out_whole(app, session, now, size) -> None:  # type: ignore[no-untyped-def]
    store = _store(app)
    first = _saved(store, session, now, os.urandom(size))
    second = _saved(store, session, now, os.urandom(size))
    second.storage_path = first.storage_path  # decrypts, but is not what was saved as second
    received = 0

    with pytest.raises(StorageError, match="SHA-256"):
        for chunk in store.stream(second):
            received += len(chunk)
    assert received < size  # the last chunk is held back until the whole is checked


def test_saving_and_streaming_a_large_file_keeps_memory_flat(app, session, now, tmp_path) -> None:  # type: ignore[no-untyped-def]
    size = 24 * 2**20
    source = tmp_path / "large.bin"
    with source.open("wb") as out:
        for _ in range(size // 2**20):
            out.write(os.urandom(2**20))
    store = _store(app)

    tracemalloc.start()
    try:
        with source.open("rb") as handle:
            stored = store.save_file(
                session,
                handle,
                filename="large.zip",
                content_type="application/zip",
                purpose=FilePurpose.EXPORT,
                now=now,
            )
        _, saving = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        streamed = sum(len(chunk) for chunk in store.stream(stored))
        _, streaming = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert streamed == stored.size == size
    assert saving < 2**20 and streaming < 2**20, (saving, streaming)  # < 1 MiB for 24 MiB
