"""Deleting kept rows when their retention ends: the planned deletions' executors.

`register_erasure_executors(registers)` lets the retention job (dsar.jobs.planned) carry out
planned deletions of kind `sql_rows` and `file_rows` itself; each names its rows by key, and
its evidence says how many were deleted and how many were already gone. `registers` is asked
at each deletion, so the sources are those of the app the job runs in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from dsar.changes.file_writer import FileWriter
from dsar.changes.keep import FILE_ROWS, SQL_ROWS, kept_record
from dsar.changes.run import WriteRefused
from dsar.changes.sql_writer import SqlWriter
from dsar.controllers.models import Controller
from dsar.jobs.models import PlannedDeletion
from dsar.jobs.planned import DeletionExecutor, register_executor
from dsar.register import FileSource, Register, SqlSource, find_register

SourceFor = Callable[[Session, PlannedDeletion], object]


def register_erasure_executors(registers: Callable[[], Sequence[Register]]) -> None:
    """Let the retention job delete kept SQL rows and file records when they fall due."""

    def source_for(session: Session, planned: PlannedDeletion) -> object:
        controller = session.get_one(Controller, planned.controller_id)
        register = find_register(registers(), controller.slug)
        return register.source(planned.source) if register is not None else None

    register_executor(SQL_ROWS, sql_rows_executor(source_for))
    register_executor(FILE_ROWS, file_rows_executor(source_for))


def sql_rows_executor(source_for: SourceFor) -> DeletionExecutor:
    """Deletes the kept rows of a planned deletion through the source's write_url."""

    def execute(session: Session, planned: PlannedDeletion, now: datetime) -> str:
        source = source_for(session, planned)
        if not isinstance(source, SqlSource):
            raise WriteRefused(f"no SQL source {planned.source!r} in the controller's register")
        record = kept_record(planned)
        writer = SqlWriter(source)
        try:
            done = writer.delete_kept(planned.target, record)
        finally:
            writer.close()
        return _evidence(record, done, planned)

    return execute


def file_rows_executor(source_for: SourceFor) -> DeletionExecutor:
    """Removes the kept records of a planned deletion from the file, atomically."""

    def execute(session: Session, planned: PlannedDeletion, now: datetime) -> str:
        source = source_for(session, planned)
        if not isinstance(source, FileSource):
            raise WriteRefused(f"no file source {planned.source!r} in the controller's register")
        record = kept_record(planned)
        done = FileWriter(source).delete_kept(record)
        return _evidence(record, done, planned)

    return execute


def _evidence(record: dict[str, Any], done: int, planned: PlannedDeletion) -> str:
    how = "deleted" if record["whole_rows"] else "emptied the kept columns of"
    named = len(record["keys"])
    gone = f"; {named - done} were already gone" if named > done else ""
    return (
        f"{how} {done} of {named} rows of {planned.source}.{planned.target} kept under "
        f"{planned.retention_rule} until {planned.blocked_until.isoformat()}{gone}"
    )
