"""The demo shop database the demo register's SQL source reads: deterministic, any backend.

The tables (`shop_schema`) follow dsar/demo/register.yaml; the rows (`shop_rows`) come from one
seed, so SQLite and PostgreSQL hold the same rows and exports of a demo subject are stable.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, insert, text

from dsar.demo.shop_rows import shop_rows
from dsar.demo.shop_schema import shop_metadata

SHOP_FILENAME = "demo_shop.sqlite3"
SUBJECTS = 300
# Raised whenever the shop's tables change: an older demo file is then generated afresh.
SHOP_VERSION = 3  # 3: customers.marketing_opt_in and customers.restricted


@dataclass(frozen=True)
class ShopSummary:
    customers: int
    rows: dict[str, int]


def ensure_shop(instance_path: Path) -> Path | None:
    """Generate the demo shop in the instance folder unless it is there; the new file or None."""
    path = instance_path / SHOP_FILENAME
    if path.exists() and _version(path) == SHOP_VERSION:
        return None
    generate_shop_file(path)
    return path


def _version(path: Path) -> int:
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("PRAGMA user_version")).scalar_one())
    finally:
        engine.dispose()


def generate_shop_file(path: Path, *, subjects: int = SUBJECTS) -> ShopSummary:
    """Write a fresh SQLite demo shop at `path` (an existing file is replaced)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    engine = create_engine(f"sqlite:///{partial}")
    try:
        summary = create_shop(engine, subjects=subjects)
        with engine.begin() as connection:
            connection.execute(text(f"PRAGMA user_version = {SHOP_VERSION:d}"))
    finally:
        engine.dispose()
    partial.replace(path)  # never a half-written shop under the real name
    return summary


def create_shop(engine: Engine, *, subjects: int = SUBJECTS) -> ShopSummary:
    """Create the tables on `engine` and fill them deterministically."""
    metadata = shop_metadata()
    metadata.create_all(engine)
    counts: dict[str, int] = {}
    with engine.begin() as connection:
        for name, rows in shop_rows(subjects):
            table = metadata.tables[name]
            for batch in _batches(rows, 2000):
                connection.execute(insert(table), batch)
                counts[name] = counts.get(name, 0) + len(batch)
    return ShopSummary(customers=subjects, rows=counts)


def _batches(rows: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
