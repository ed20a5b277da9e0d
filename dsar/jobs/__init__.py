"""Background jobs: module-level database sweeps `(session, settings, now) -> result`.

Each is idempotent: the rows' state (and the outbox's idempotency keys) decide what is left
to do, so a re-run, a missed run or a second scheduler never does anything twice.
"""
