"""Apply an erasure plan to a CSV or JSON file: one atomic rewrite, other people's rows intact.

The new content is written to a temporary file in the same folder, flushed to disk and put in
place with `os.replace`, so readers see the old file or the new one, never half of it. The
whole file is one batch: a re-run finds nothing left to delete and no value left to replace.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from dsar.changes import keep
from dsar.changes.models import ProgressStatus
from dsar.changes.plan import ErasurePlan, check_plan
from dsar.changes.rules import Step
from dsar.changes.run import ApplyContext, Checkpoint, PartReport, progress_for, record
from dsar.changes.verify import tally
from dsar.register.datasources import FileSource
from dsar.sources.base import SourceUnreachable, row_key
from dsar.sources.files import FileConnector

Records = list[dict[str, Any]]


@dataclass
class _Pass:
    changed: dict[str, int] = field(default_factory=dict)  # step key -> records changed
    kept: dict[str, list[tuple[Any, Any]]] = field(default_factory=dict)  # (identity, date)


class FileWriter:
    """Rewrites one file source's records of a subject; everybody else's stay as they were."""

    def __init__(self, source: FileSource) -> None:
        self.source = source
        self.path = Path(source.path)
        self.connector = FileConnector(source)

    def apply(
        self, session: Session, plan: ErasurePlan, context: ApplyContext, checkpoint: Checkpoint
    ) -> list[PartReport]:
        """Carry out the plan in one rewrite; steps done in an earlier run are skipped."""
        check_plan(context.register, self.source, plan)
        part = plan.part(self.source.id)
        report = PartReport(plan.source, part.part, reasons=list(part.not_done))
        progress = {
            s.key: progress_for(session, context, plan.source, part.part, s.key) for s in part.steps
        }
        pending = [s for s in part.steps if progress[s.key].status is not ProgressStatus.DONE]
        if pending:
            matches = self.connector.matcher(plan.the_subject())
            result = _Pass()
            self.rewrite(lambda records: _erase(self, records, matches, pending, result))
            for step in pending:
                if step.action == "keep":
                    fallback = context.today
                    found = result.kept.get(step.key, [])
                    kept = [(k, keep.start_date(d) or fallback) for k, d in found]
                    keep.plan_deletions(
                        session, context, kind=keep.FILE_ROWS, source=plan.source, part=part.part,
                        step=step, key_columns=self.identity_columns(), kept=kept,
                    )  # fmt: skip
                changed = progress[step.key].rows_done + result.changed.get(step.key, 0)
                record(session, progress[step.key], context.now, checkpoint,
                       status=ProgressStatus.DONE, rows_done=changed)  # fmt: skip
        for step in part.steps:
            report.reasons.append(f"{step.rule}: {step.reason}")
            tally(report, step, progress[step.key].rows_done)
        report.deletion_dates = keep.deletion_dates(session, context, plan.source, part.part)
        self.verify(plan, [report])
        return [report]

    def verify(self, plan: ErasurePlan, reports: list[PartReport]) -> None:
        """Read the file again: no record a delete step removed, every anonymised value set."""
        report, part = reports[0], plan.part(self.source.id)
        problems = []
        for row in self.connector.rows(plan.the_subject(), part.part):
            for step in part.steps:
                wrong = [c for c, v in step.values.items() if not _same(row.get(c), v)]
                if step.action == "delete" or wrong:
                    problems.append(f"verify: a record still holds what {step.rule} erases")
        report.verified = not problems
        report.reasons += sorted(set(problems))

    def identity_columns(self) -> list[str]:
        return [self.source.key] if self.source.key else []

    def identity(self, record: dict[str, Any]) -> Any:
        """How a planned deletion names a record: its key field, or a hash of its fields."""
        projected = self.connector.projected(record)
        return row_key(projected, self.identity_columns())

    def delete_kept(self, record: dict[str, Any]) -> int:
        """Remove the records a planned deletion names (or empty their kept fields, when only
        those were kept); how many were still there."""
        wanted = {str(k) for k in record["keys"]}
        empty = "" if self.source.format == "csv" else None
        found = [0]

        def change(records: Records) -> Records:
            out = []
            for item in records:
                if str(self.identity(item)) not in wanted:
                    out.append(item)
                    continue
                found[0] += 1
                if not record["whole_rows"]:
                    out.append({**item, **dict.fromkeys(record["columns"], empty)})
            return out

        self.rewrite(change)
        return found[0]

    def rewrite(self, change: Callable[[Records], Records]) -> None:
        """Read every record, let `change` return the new list, and replace the file atomically."""
        if not self.path.is_file():
            raise SourceUnreachable(f"source {self.source.id}: file {self.path} does not exist")
        if self.source.format == "csv":
            with self.path.open(newline="", encoding="utf-8-sig") as handle:
                reader = csv.DictReader(handle)
                names = list(reader.fieldnames or [])
                self.connector.check_names(set(names))
                records: Records = list(reader)
        else:
            records = json.loads(self.path.read_text(encoding="utf-8"))
            self.connector.check_names({k for r in records for k in r} if records else set())
        before = len(records), json.dumps(records, sort_keys=True, default=str)
        new = change(records)
        if (len(new), json.dumps(new, sort_keys=True, default=str)) != before:
            with _replacing(self.path) as handle:
                if self.source.format == "csv":
                    writer = csv.DictWriter(
                        handle, fieldnames=names, lineterminator=_ending(self.path)
                    )
                    writer.writeheader()
                    writer.writerows(new)
                else:
                    json.dump(new, handle, ensure_ascii=False, indent=2)


def _erase(
    writer: FileWriter, records: Records, matches: Callable[[dict[str, Any]], bool],
    steps: list[Step], result: _Pass,
) -> Records:  # fmt: skip
    csv_file = writer.source.format == "csv"
    out: Records = []
    for item in records:
        if not matches(item):
            out.append(item)
            continue
        removal = next((s for s in steps if s.action == "delete"), None)
        if removal is not None:
            result.changed[removal.key] = result.changed.get(removal.key, 0) + 1
            continue
        for step in (s for s in steps if s.action in ("anonymise", "set")):
            new = {
                c: ("" if v is None else str(v)) if csv_file else v for c, v in step.values.items()
            }
            if any(item.get(c) != v for c, v in new.items()):
                item.update(new)
                result.changed[step.key] = result.changed.get(step.key, 0) + 1
        for step in (s for s in steps if s.action == "keep"):
            result.changed[step.key] = result.changed.get(step.key, 0) + 1
            date_value = item.get(step.date_column) if step.date_column else None
            result.kept.setdefault(step.key, []).append((writer.identity(item), date_value))
        out.append(item)
    return out


def _same(found: Any, value: Any) -> bool:
    return (found in (None, "")) if value is None else str(found) == str(value)


def _ending(path: Path) -> str:
    with path.open("rb") as handle:
        return "\r\n" if b"\r\n" in handle.readline() else "\n"


class _replacing:
    """A temporary file beside `path`, fsynced and moved over it on success, removed on error."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> Any:
        fd, name = tempfile.mkstemp(
            dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp"
        )
        self.temp = Path(name)
        self.handle = os.fdopen(fd, "w", encoding="utf-8", newline="")
        return self.handle

    def __exit__(self, kind: Any, error: Any, trace: Any) -> None:
        try:
            if kind is None:
                self.handle.flush()
                os.fsync(self.handle.fileno())
        except BaseException:
            kind = True
            raise
        finally:
            self.handle.close()
            if kind is not None:
                self.temp.unlink(missing_ok=True)
        if kind is not None:
            return
        os.replace(self.temp, self.path)
        directory = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
