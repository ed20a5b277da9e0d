"""What a manual source holds about the subject: entries per category, typed rows or extracts.

Staff add entries on the data page while the task is open; a system owner adds them through
an upload link (dsar/fulfilment/manual_links.py). Completing the task then records "found"
(the entries are the answer) or "nothing found" (dsar/fulfilment/manual_tasks.py).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.audit.request_trail import record_event
from dsar.core.words import N_
from dsar.files.models import FilePurpose
from dsar.files.storage import FileStore
from dsar.fulfilment.models import ManualFinding, ManualTask
from dsar.intake.uploads import EXTRACTS, Upload, accept_upload
from dsar.requests.models import Request

MAX_ROWS = 500
_KEY_VALUE = re.compile(r"^\s*([^:|;\t]{1,100}?)\s*:\s?(.*)$")


class ManualFindingError(ValueError):
    """An entry cannot be added as asked; the message says why."""


def parse_rows(text: str) -> list[dict[str, str]]:
    """Rows typed by staff: `key: value` lines make one record; otherwise a table whose first
    line names the columns, separated by tabs, `;` or `,`, one record per further line."""
    lines = [line for line in text.replace("\r\n", "\n").split("\n") if line.strip()]
    if not lines:
        return []
    if all(_KEY_VALUE.match(line) for line in lines):
        pairs = (_KEY_VALUE.match(line) for line in lines)
        return [{m.group(1).strip(): m.group(2).strip() for m in pairs if m}]
    delimiter = next((d for d in ("\t", ";", ",") if d in lines[0]), None)
    if delimiter is None:
        raise ManualFindingError(
            "type `name: value` lines, or a table: column names on the first line, "
            "separated by tabs, ; or ,"
        )
    table = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
    header = [name.strip() or f"column {i + 1}" for i, name in enumerate(table[0])]
    rows = [
        {
            header[i] if i < len(header) else f"column {i + 1}": cell.strip()
            for i, cell in enumerate(r)
        }
        for r in table[1:]
    ]
    if not rows:
        raise ManualFindingError(N_("the table has column names but no rows"))
    if len(rows) > MAX_ROWS:
        raise ManualFindingError(f"at most {MAX_ROWS} rows per entry; attach a CSV instead")
    return rows


def check_extract(name: str, data: bytes, *, max_bytes: int) -> Upload:
    """An extract checked like a public upload: type by content, size; else UploadRejected."""
    return accept_upload(name, data, max_bytes=max_bytes, accept=EXTRACTS)


def store_extract(
    session: Session, store: FileStore, request: Request, upload: Upload, *, now: datetime
) -> int:
    """Store a checked extract encrypted with the request's files; the stored file's id."""
    stored = store.save(
        session,
        upload.data,
        filename=upload.filename,
        content_type=upload.content_type,
        purpose=FilePurpose.EXTRACT,
        now=now,
        request_id=request.id,
    )
    return stored.id


def add_finding(
    session: Session,
    request: Request,
    task: ManualTask,
    *,
    categories: Sequence[str],
    category: str,
    description: str,
    rows: list[dict[str, Any]],
    file_id: int | None,
    actor: str,
    now: datetime,
) -> ManualFinding:
    """One entry for a register category of the task's source: rows, an extract, or both."""
    if task.outcome is not None:
        raise ManualFindingError(f"the search of {task.source_name} is already complete")
    if category not in categories:
        raise ManualFindingError(f"{category!r} is not a data category of {task.source_name}")
    if not description.strip():
        raise ManualFindingError(N_("describe the entry in a few words"))
    if not rows and file_id is None:
        raise ManualFindingError(N_("give the data itself: rows, or an extract file"))
    finding = ManualFinding(
        request_id=request.id,
        task_id=task.id,
        category=category,
        description=description.strip(),
        rows=rows,
        file_id=file_id,
        added_by=actor,
        added_at=now,
    )
    session.add(finding)
    session.flush()
    record_event(
        session,
        request,
        "manual_finding_added",
        actor=actor,
        now=now,
        payload={
            "source": task.source_id,
            "finding": finding.id,
            "category": category,
            "rows": len(rows),
            "file_id": file_id,
        },
    )
    return finding


def remove_finding(
    session: Session,
    request: Request,
    task: ManualTask,
    finding: ManualFinding,
    *,
    actor: str,
    now: datetime,
) -> None:
    """Take an entry back while the task is open (its extract stays until the request's purge)."""
    if task.outcome is not None:
        raise ManualFindingError(f"the search of {task.source_name} is already complete")
    session.delete(finding)
    record_event(
        session,
        request,
        "manual_finding_removed",
        actor=actor,
        now=now,
        payload={"source": task.source_id, "finding": finding.id},
    )
    session.flush()


def findings_of(session: Session, request: Request) -> dict[int, list[ManualFinding]]:
    """The request's manual entries by task id, in the order they were added."""
    by_task: dict[int, list[ManualFinding]] = {}
    query = (
        select(ManualFinding)
        .where(ManualFinding.request_id == request.id)
        .order_by(ManualFinding.id)
    )
    for finding in session.execute(query).scalars():
        by_task.setdefault(finding.task_id, []).append(finding)
    return by_task


def entry_count(finding: ManualFinding) -> int:
    """How many records an entry stands for in the letter: its rows, and 1 for an extract."""
    return len(finding.rows) + (finding.file_id is not None)
