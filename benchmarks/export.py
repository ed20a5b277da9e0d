"""Benchmark: the access export of one subject with 100,000 rows, against the raw SELECTs.

Run: .venv/bin/python benchmarks/export.py. Builds a demo shop with one extra customer who has
40,000 orders, 40,000 invoices and 20,000 web-log lines (plus the usual 300 customers), then
in the same run measures (1) the raw SELECTs plus serialising every row to JSON and CSV,
(2) the whole export ZIP, and (3) that ZIP encrypted into the file store and decrypted again
as a download streams it, each in a fresh subprocess so peak RSS is that of one job alone.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SUBJECT = "bench@example.org"
ORDERS, LOGS = 40_000, 20_000
MEMORY_LIMIT_MB = 150
HEAD = {
    "format": "dsar-export/1",
    "kind": "access",
    "reference": "BENCH",
    "created_at": "2026-03-02T09:00:00+00:00",
    "language": "en",
    "controller": {"name": "Demo", "address": "-"},
    "supervisory_authority": {"name": "-", "address": "-", "web": "-"},
    "data_protection_officer": None,
}


def build(instance: Path) -> None:
    import sqlite3

    from dsar.demo.shop import generate_shop_file

    path = instance / "demo_shop.sqlite3"
    generate_shop_file(path)
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO customers VALUES (100000, 'K-999999', ?, 'Bea', 'Bench', 'Weg 1',"
            " '10115', 'Berlin', NULL, '1990-01-01', '2024-01-01 00:00:00.000000')",
            (SUBJECT,),
        )
        db.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
            "INSERT INTO orders SELECT 1000000 + i, 100000, '2025-01-01 10:00:00.000000', i % 9000,"
            " 'delivered', 'Weg 1, 10115 Berlin' FROM n",
            (ORDERS,),
        )
        db.execute(
            "INSERT INTO invoices SELECT id, id, 'RE-B-' || id, ordered_at, total_cents FROM orders"
            " WHERE customer_id = 100000"
        )
        db.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
            "INSERT INTO web_logs SELECT 1000000 + i, 100000, '203.0.113.7', '/products/' || i,"
            " 'Mozilla/5.0 (X11; Linux x86_64) Firefox/124.0', '2025-02-01 08:00:00.000000' FROM n",
            (LOGS,),
        )


def _setup(instance: Path):  # type: ignore[no-untyped-def]
    from dsar.register import DEMO_REGISTER, load_register
    from dsar.sources import Subject, connector_for

    register = load_register(DEMO_REGISTER, instance_path=instance)
    connectors = {s.id: connector_for(s) for s in register.sources if s.type != "manual"}
    return register, connectors, Subject.of(SUBJECT)


def job_raw(instance: Path) -> dict:
    """Each table's SELECT, every row serialised to JSON and CSV into a null sink."""
    import csv
    import io

    from dsar.fulfilment.export import plan_parts

    register, connectors, subject = _setup(instance)
    rows = 0
    sink = io.StringIO()
    writer = csv.writer(sink)
    for part in plan_parts(register):
        for row in connectors[part.source_id].rows(subject, part.part):
            values = [row.get(c) for c in part.columns]
            writer.writerow(values)
            json.dumps(dict(zip(part.columns, values, strict=True)), ensure_ascii=False)
            rows += 1
            if sink.tell() > 1 << 20:
                sink.seek(0)
                sink.truncate()
    return {"rows": rows}


def job_export(instance: Path, *, traced: bool = False) -> dict:
    """The whole ZIP: data.json, CSVs, index.html, manifest.json, into a temporary file."""
    import tracemalloc
    from datetime import UTC, datetime

    from dsar.core.paths import TEMPLATES_DIR
    from dsar.fulfilment.export import export_tail, plan_parts
    from dsar.fulfilment.writer import write_export

    register, connectors, subject = _setup(instance)
    if traced:  # tracing slows every allocation: a separate run, not the timed one
        tracemalloc.start()
    with tempfile.TemporaryFile() as out:
        written = write_export(
            out,
            head=HEAD,
            plan=plan_parts(register),
            connectors=connectors,
            subject=subject,
            tail=export_tail(register, [], "en"),
            created_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
            templates=str(TEMPLATES_DIR),
        )
        size = out.tell()
    _, peak = tracemalloc.get_traced_memory()
    return {"rows": written.rows, "zip_bytes": size, "tracemalloc_peak_mb": peak / 2**20}


def job_stored(instance: Path, *, traced: bool = False) -> dict:
    """The ZIP as dsar keeps and serves it: encrypted at rest from its temporary file, then
    decrypted chunk by chunk as a download streams it (into a hash: a null sink)."""
    import hashlib
    import tracemalloc

    from cryptography.fernet import Fernet
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from dsar.core.db import Base
    from dsar.files.models import FilePurpose
    from dsar.files.storage import FileStore

    zip_path = instance / "bench-export.zip"
    if not zip_path.exists():  # made by an untimed run first (see main)
        _write_zip(instance, zip_path)
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    store = FileStore(instance / "files", Fernet.generate_key())
    with Session(engine) as session:
        # A small file first: SQLAlchemy's one-time statement compiling is not the export's.
        store.save(
            session,
            b"warm-up",
            filename="w",
            content_type="x",
            purpose=FilePurpose.EXPORT,
            now=datetime_utc(),
        )
        if traced:
            tracemalloc.start()
        started = time.perf_counter()
        with zip_path.open("rb") as source:
            stored = store.save_file(
                session,
                source,
                filename="bench.zip",
                content_type="application/zip",
                purpose=FilePurpose.EXPORT,
                now=datetime_utc(),
            )
        encrypted = time.perf_counter()
        _, saving = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        digest = hashlib.sha256()
        for chunk in store.stream(stored):
            digest.update(chunk)
        decrypted = time.perf_counter()
        _, streaming = tracemalloc.get_traced_memory()
    assert digest.hexdigest() == stored.sha256
    return {
        "zip_bytes": stored.size,
        "encrypt_seconds": encrypted - started,
        "decrypt_seconds": decrypted - encrypted,
        "save_peak_mb": saving / 2**20,
        "stream_peak_mb": streaming / 2**20,
    }


def datetime_utc():  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    return datetime(2026, 3, 2, 9, tzinfo=UTC)


def _write_zip(instance: Path, zip_path: Path) -> None:
    import shutil

    from dsar.core.paths import TEMPLATES_DIR
    from dsar.fulfilment.export import export_tail, plan_parts
    from dsar.fulfilment.writer import write_export

    register, connectors, subject = _setup(instance)
    with tempfile.TemporaryFile() as out:
        write_export(
            out,
            head=HEAD,
            plan=plan_parts(register),
            connectors=connectors,
            subject=subject,
            tail=export_tail(register, [], "en"),
            created_at=datetime_utc(),
            templates=str(TEMPLATES_DIR),
        )
        out.seek(0)
        with zip_path.open("wb") as target:
            shutil.copyfileobj(out, target)


def child(name: str, instance: Path) -> None:
    started = time.perf_counter()
    jobs = {
        "raw": job_raw,
        "export": job_export,
        "traced": lambda i: job_export(i, traced=True),
        "zip": lambda i: _write_zip(i, i / "bench-export.zip") or {},
        "stored": job_stored,
        "stored-traced": lambda i: job_stored(i, traced=True),
    }
    result = jobs[name](instance)
    result["seconds"] = time.perf_counter() - started
    result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def run(name: str, instance: Path) -> dict:
    out = subprocess.run(  # noqa: S603
        [sys.executable, __file__, "--child", name, str(instance)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder)
        started = time.perf_counter()
        build(instance)
        print(f"built the shop in {time.perf_counter() - started:.1f} s")
        raw, export = run("raw", instance), run("export", instance)
        traced = run("traced", instance)
        run("zip", instance)  # the ZIP the next two encrypt and stream, not timed with them
        stored, stored_traced = run("stored", instance), run("stored-traced", instance)
    ratio = export["seconds"] / raw["seconds"]
    print(
        f"raw SELECTs + serialisation: {raw['rows']} rows in {raw['seconds']:.2f} s, "
        f"max RSS {raw['max_rss_mb']:.0f} MB"
    )
    print(
        f"export ZIP:                 {export['rows']} rows in {export['seconds']:.2f} s, "
        f"max RSS {export['max_rss_mb']:.0f} MB, tracemalloc peak "
        f"{traced['tracemalloc_peak_mb']:.1f} MB (separate run), "
        f"ZIP {export['zip_bytes'] / 2**20:.1f} MB"
    )
    print(
        f"store and serve the ZIP:    {stored['zip_bytes'] / 2**20:.1f} MB encrypted in "
        f"{stored['encrypt_seconds']:.3f} s, decrypted in {stored['decrypt_seconds']:.3f} s, "
        f"max RSS {stored['max_rss_mb']:.0f} MB, tracemalloc peak "
        f"{stored_traced['save_peak_mb']:.2f} MB saving, "
        f"{stored_traced['stream_peak_mb']:.2f} MB streaming (separate run)"
    )
    print(f"time ratio export / raw: {ratio:.2f} (limit 2.0)")
    ok = (
        max(export["max_rss_mb"], stored["max_rss_mb"]) <= MEMORY_LIMIT_MB
        and ratio <= 2.0
        and export["rows"] >= 100_000
    )
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], Path(sys.argv[3]))
    else:
        main()
