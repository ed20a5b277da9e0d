"""Manual sources in the export ZIP: their entries in data.json, CSVs and extracts in files/.

The writer (dsar/fulfilment/writer.py) calls `ManualExport` once, after the automatic parts
and before data.json is closed: it writes `manual/<source>/<category>.csv` for typed rows and
`files/<source>/<entry>-<name>` for extracts (streamed from the encrypted store; a document
with a redacted copy only as that copy, never the original: dsar/redaction/), returns
them as members for the manifest, and adds the entries to data.json's `manual_sources` and
`categories` (which index.html shows too).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from dsar.core import csv_cells
from dsar.files.models import StoredFile
from dsar.files.storage import FileStore
from dsar.fulfilment import art15
from dsar.fulfilment.manual_findings import entry_count, findings_of
from dsar.fulfilment.models import ManualFinding, ManualOutcome, ManualTask
from dsar.fulfilment.writer import Member
from dsar.redaction.operations import jobs_of
from dsar.register import Register
from dsar.register.datasources import ManualSource
from dsar.requests.models import Request


@dataclass(frozen=True)
class ManualExport:
    """The done manual tasks of a request and their entries, ready to be written."""

    register: Register
    language: str
    store: FileStore
    tasks: tuple[ManualTask, ...]
    entries: dict[int, list[ManualFinding]]
    redacted: dict[int, StoredFile]  # original file id -> its redacted copy

    def __call__(
        self, archive: zipfile.ZipFile, stamp: tuple[int, ...], closing: dict[str, Any]
    ) -> list[Member]:
        """Write the CSVs and extracts; complete `closing` (data.json's last keys) in place."""
        members: list[Member] = []
        listed = {m["id"]: m for m in closing.get("manual_sources", [])}
        for task in self.tasks:
            entry = listed.get(task.source_id)
            if entry is None:
                entry = {"id": task.source_id, "name": task.source_name}
                closing.setdefault("manual_sources", []).append(entry)
            entry["result"] = task.outcome.value if task.outcome else None
            entry["categories"] = []
            if task.outcome is not ManualOutcome.FOUND:
                continue
            by_category: dict[str, list[ManualFinding]] = {}
            for finding in self.entries.get(task.id, []):
                by_category.setdefault(finding.category, []).append(finding)
            for category, findings in by_category.items():
                written = self._category(archive, stamp, task, category, findings, members)
                entry["categories"].append(written)
                self._found_in(closing, task, category, findings)
        order = [c.id for c in self.register.categories]
        closing.setdefault("categories", []).sort(
            key=lambda c: order.index(c["id"]) if c["id"] in order else len(order)
        )
        return members

    def _category(
        self,
        archive: zipfile.ZipFile,
        stamp: tuple[int, ...],
        task: ManualTask,
        category: str,
        findings: list[ManualFinding],
        members: list[Member],
    ) -> dict[str, Any]:
        label = self.register.category(category)
        result: dict[str, Any] = {
            "id": category,
            "label": art15.text(label.label, self.language) if label else category,
            "file": None,
            "entries": [],
        }
        columns = list(dict.fromkeys(k for f in findings for row in f.rows for k in row))
        if columns:
            name = f"manual/{task.source_id}/{category}.csv"
            buffer = io.StringIO(newline="")
            writer = csv_cells.SafeWriter(buffer)
            writer.writerow([_description(self.language), *columns])
            for finding in findings:
                for row in finding.rows:
                    writer.writerow([finding.description, *(row.get(c) for c in columns)])
            members.append(_write(archive, name, buffer.getvalue().encode("utf-8"), stamp))
            result["file"] = name
        for finding in findings:
            extract = None
            file = finding.file and self.redacted.get(finding.file.id, finding.file)
            if file is not None:
                extract = f"files/{task.source_id}/{finding.id}-{file.filename}"
                members.append(_stream(archive, extract, self.store, file, stamp))
            result["entries"].append(
                {
                    "description": finding.description,
                    "rows": finding.rows,
                    "extract": extract,
                    "content_type": file.content_type if file else None,
                }
            )
        return result

    def _found_in(
        self,
        closing: dict[str, Any],
        task: ManualTask,
        category: str,
        findings: list[ManualFinding],
    ) -> None:
        source = self.register.source(task.source_id)
        own = list(source.activities) if isinstance(source, ManualSource) else []
        place: dict[str, Any] = {
            "source": task.source_id,
            "part": None,
            "manual": True,
            "columns": [],
            "entries": sum(entry_count(f) for f in findings),
        }
        categories = closing.setdefault("categories", [])
        current = next((c for c in categories if c["id"] == category), None)
        places = [*(current["found_in"] if current else []), place]
        ids = [a["id"] for a in (current["activities"] if current else [])] + own
        updated = art15.category_info(self.register, category, places, ids, self.language)
        if current is None:
            categories.append(updated)
        else:
            categories[categories.index(current)] = updated


def manual_export(
    session: Session,
    request: Request,
    register: Register,
    store: FileStore,
    tasks: list[ManualTask],
    *,
    language: str,
) -> ManualExport:
    """What the export carries of the request's done manual tasks."""
    redacted = {
        original: job.redacted
        for original, job in jobs_of(session, request).items()
        if job.redacted is not None
    }
    entries = findings_of(session, request)
    return ManualExport(register, language, store, tuple(tasks), entries, redacted)


def _description(language: str) -> str:
    return "Beschreibung" if language == "de" else "description"


def _info(name: str, stamp: tuple[int, ...]) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=stamp[:6])  # type: ignore[arg-type]
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _write(archive: zipfile.ZipFile, name: str, data: bytes, stamp: tuple[int, ...]) -> Member:
    archive.writestr(_info(name, stamp), data)
    return Member(name, hashlib.sha256(data).hexdigest(), len(data))


def _stream(
    archive: zipfile.ZipFile,
    name: str,
    store: FileStore,
    file: StoredFile,
    stamp: tuple[int, ...],
) -> Member:
    digest, size = hashlib.sha256(), 0
    chunks = store.stream(file)
    try:
        with archive.open(_info(name, stamp), "w") as target:
            for chunk in chunks:
                digest.update(chunk)
                size += len(chunk)
                target.write(chunk)
    finally:
        chunks.close()
    return Member(name, digest.hexdigest(), size)
