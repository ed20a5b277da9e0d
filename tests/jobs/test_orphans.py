"""The orphan sweep: blobs no row holds go after a day; held and young blobs stay."""

from __future__ import annotations

import dataclasses
import os
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from dsar.files.models import FilePurpose, StoredFile
from dsar.files.storage import FileStore
from dsar.jobs.models import JobRun
from dsar.jobs.orphans import remove_orphan_blobs
from dsar.jobs.scheduler import run_job


def _save(session, store: FileStore, now: datetime) -> StoredFile:  # type: ignore[no-untyped-def]
    return store.save(
        session,
        b"%PDF-1.7 Personalausweis",
        filename="ausweis.pdf",
        content_type="application/pdf",
        purpose=FilePurpose.IDENTITY_DOCUMENT,
        now=now,
        delete_after=now + timedelta(days=90),
    )


def _killed_upload(session, store: FileStore, now: datetime) -> str:  # type: ignore[no-untyped-def]
    """The blob of an upload whose worker died before the commit: on disk, no row."""
    savepoint = session.begin_nested()
    name = _save(session, store, now).storage_path
    savepoint.rollback()
    assert session.scalar(select(StoredFile.id).where(StoredFile.storage_path == name)) is None
    return name


def _written(store: FileStore, name: str, at: datetime) -> str:
    os.utime(store.root / name, (at.timestamp(), at.timestamp()))
    return name


def test_blobs_without_a_row_older_than_a_day_are_removed_and_counted(
    session, now, job_settings, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    store = FileStore.from_settings(job_settings(instance_path=tmp_path))
    day_ago = now - timedelta(days=1, minutes=1)
    held = _written(store, _save(session, store, now).storage_path, now - timedelta(days=30))
    orphan = _written(store, _killed_upload(session, store, now), day_ago)
    in_flight = _written(store, _killed_upload(session, store, now), now - timedelta(hours=23))
    deleted_row = _save(session, store, now)  # marked deleted, yet its blob is still there
    deleted_row.deleted_at = now - timedelta(days=2)
    forgotten = _written(store, deleted_row.storage_path, day_ago)
    not_a_blob = store.root / "202603" / "upload.tmp"  # not a name `save` gives: left alone
    not_a_blob.write_bytes(b"partial")
    _written(store, "202603/upload.tmp", now - timedelta(days=5))
    session.flush()

    assert remove_orphan_blobs(session, store, now) == 2
    assert not (store.root / orphan).exists()
    assert not (store.root / forgotten).exists()
    assert (store.root / held).exists()
    assert (store.root / in_flight).exists()
    assert not_a_blob.exists()
    assert remove_orphan_blobs(session, store, now) == 0
    # A day later the one in flight is old enough: its worker is long gone.
    assert remove_orphan_blobs(session, store, now + timedelta(days=1)) == 1
    assert not (store.root / in_flight).exists()
    assert (store.root / held).exists()


def test_the_daily_retention_job_records_how_many_it_removed(
    app, session, now, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    settings = dataclasses.replace(app.config["DSAR_SETTINGS"], instance_path=tmp_path)
    monkeypatch.setitem(app.config, "DSAR_SETTINGS", settings)
    store = FileStore.from_settings(settings)
    orphan = _written(store, _killed_upload(session, store, now), now - timedelta(days=3))
    session.commit()

    run_job(app, "purge_requests", now)
    assert not (store.root / orphan).exists()
    [run] = session.execute(select(JobRun)).scalars().all()
    assert (run.job, run.outcome, run.counts) == (
        "purge_requests",
        "ok",
        {"purged": 0, "files": 0, "orphan_blobs": 1},
    )
