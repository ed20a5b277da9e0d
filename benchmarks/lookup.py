"""Benchmark: find one subject in a 10-million-row table through its index (SQLite).

Run: .venv/bin/python benchmarks/lookup.py [ROWS]. The rows come from a recursive-CTE
INSERT ... SELECT; the lookup is the SQL connector's own statement (bound parameters), and
EXPLAIN QUERY PLAN of that statement must name the index.
"""

from __future__ import annotations

import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(rows: int) -> None:
    from dsar.register.datasources import SqlSource
    from dsar.sources import SqlConnector, Subject

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.sqlite3"
        started = time.perf_counter()
        with sqlite3.connect(path) as db:
            db.execute("PRAGMA journal_mode=OFF")
            db.execute("PRAGMA synchronous=OFF")
            db.execute(
                "CREATE TABLE events (id INTEGER PRIMARY KEY, email TEXT NOT NULL,"
                " happened_at TEXT NOT NULL)"
            )
            db.execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
                "INSERT INTO events SELECT i, 'user' || (i % 2000000) || '@example.org',"
                " '2025-01-01' FROM n",
                (rows,),
            )
            filled = time.perf_counter()
            db.execute("CREATE INDEX ix_events_email ON events (email)")
        indexed = time.perf_counter()
        print(
            f"{rows:,} rows inserted in {filled - started:.1f} s, "
            f"indexed in {indexed - filled:.1f} s"
        )

        source = SqlSource.model_validate(
            {
                "type": "sql",
                "id": "big",
                "name": "Big",
                "read_url": f"sqlite:///{path}",
                "tables": [
                    {
                        "name": "events",
                        "lookup": {"match": [{"key": "email", "column": "email"}]},
                        "activities": ["x"],
                        "erasure": "delete",
                        "columns": [{"name": "id"}, {"name": "email"}, {"name": "happened_at"}],
                    }
                ],
            }
        )
        connector = SqlConnector(source)
        subject = Subject.of("user123456@example.org")
        timings, found = [], []
        for _ in range(20):
            begin = time.perf_counter()
            found = list(connector.rows(subject, "events"))
            timings.append((time.perf_counter() - begin) * 1000)
        statement = connector.statement(subject, "events")
        compiled = statement.compile(
            connector._get_engine(), compile_kwargs={"render_postcompile": True}
        )
        parameters = tuple(compiled.params[k] for k in compiled.positiontup or ())
        with connector._connect() as connection:
            plan = connection.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + str(compiled), parameters
            ).fetchall()
        connector.close()
    print(
        f"found {len(found)} rows; lookup median {statistics.median(timings):.2f} ms, "
        f"first {timings[0]:.2f} ms (connect + reflect), max {max(timings):.2f} ms"
    )
    for row in plan:
        print("plan:", row[-1])
    uses_index = any(
        "USING INDEX ix_events_email" in row[-1] or "USING COVERING INDEX" in row[-1]
        for row in plan
    )
    expected = len(range(123456, rows + 1, 2_000_000))
    print("PASS" if uses_index and len(found) == expected else "FAIL")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000)
