"""Write an export ZIP in one streamed pass: each row is read once and written as it comes.

Per table, rows go straight into that table's CSV member and into data.json's body, which
is spooled to a temporary file on disk (ZIP members are written one at a time); a ZIP of one
format holds only that one. Only the first HTML_ROW_LIMIT rows of each table are kept for
index.html. Rows and fields staff excluded are left out and only counted, by reason. Every
member is hashed as it is written, for manifest.json; manifest.json.sig is the install's
Ed25519 signature over manifest.json's exact bytes (docs/receipts.md).
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from dsar.core import csv_cells
from dsar.core.signing import Signer
from dsar.fulfilment.index_page import render_index
from dsar.fulfilment.parts import WITHHELD, Excluded, PartWritten, PlannedPart, exclusion_summary
from dsar.sources import Connector, Subject
from dsar.sources.base import row_key

HTML_ROW_LIMIT = 200
FORMAT = "dsar-export/1"
FORMATS = ("json", "csv")
SIGNATURE = "manifest.json.sig"
_Stamp = tuple[int, int, int, int, int, int]  # a ZIP member's date_time


@dataclass(frozen=True)
class Member:
    name: str
    sha256: str
    size: int


@dataclass
class ExportWritten:
    members: list[Member]
    parts: list[PartWritten]

    @property
    def rows(self) -> int:
        return sum(p.rows for p in self.parts)


class _Hashing(io.RawIOBase):
    """Pass bytes on to a ZIP member and hash them on the way."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target, self.sha256, self.size = target, hashlib.sha256(), 0

    @property
    def name(self) -> Any:  # part of what io.TextIOWrapper expects of its buffer
        return self.target.name

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.sha256.update(chunk)
        self.size += len(chunk)
        self.target.write(chunk)
        return len(chunk)


def _dump(value: Any, level: int) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + "  " * level)


def write_export(
    out: IO[bytes],
    *,
    head: dict[str, Any],
    plan: list[PlannedPart],
    connectors: Mapping[str, Connector],
    subject: Subject,
    tail: Any,
    created_at: datetime,
    templates: str,
    excluded: Excluded | None = None,
    formats: Collection[str] = FORMATS,
    manual: Callable[[zipfile.ZipFile, _Stamp, dict[str, Any]], list[Member]] | None = None,
    signer: Signer | None = None,
) -> ExportWritten:
    """Write the ZIP to `out`. `head` opens data.json, `tail(parts)` gives its closing keys;
    `formats` says which of data.json and the CSVs it holds (index.html is always there).

    `manual(archive, stamp, closing)` adds the manual sources' members and completes the
    closing keys (dsar/fulfilment/manual_export.py). `signer` signs manifest.json.
    """
    excluded = excluded or Excluded()
    stamp = zip_stamp(created_at)
    members: list[Member] = []
    written: list[PartWritten] = []
    with (
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive,
        tempfile.TemporaryFile("w+", encoding="utf-8") as body,
    ):
        body.write("{\n")
        for key, value in head.items():
            body.write(f"  {json.dumps(key)}: {_dump(value, 1)},\n")
        body.write('  "sources": [')
        current: str | None = None
        for part in plan:
            if part.source_id != current:
                if current is not None:
                    body.write("\n      ]\n    },")
                source = {"id": part.source_id, "name": part.source_name, "type": part.source_type}
                body.write("\n    " + _dump(source, 2)[:-1].rstrip() + ',\n      "parts": [')
            first, current = part.source_id != current, part.source_id
            connector = connectors[part.source_id]
            if "csv" not in formats:
                written.append(_write_part(part, connector, subject, excluded, None, body, first))
                continue
            with archive.open(_ZipInfo(part.filename, stamp), "w") as raw:
                hashing = _Hashing(raw)
                written.append(
                    _write_part(part, connector, subject, excluded, hashing, body, first)
                )
            members.append(Member(part.filename, hashing.sha256.hexdigest(), hashing.size))
        if current is not None:
            body.write("\n      ]\n    }")
        body.write("\n  ],\n")
        closing = tail(written)
        if manual is not None:  # manual sources' entries and extracts: manual_export.py
            members.extend(manual(archive, stamp, closing))
        body.write(",\n".join(f"  {json.dumps(k)}: {_dump(v, 1)}" for k, v in closing.items()))
        body.write("\n}\n")
        body.seek(0)
        if "json" in formats:
            members.insert(0, _copy_member(archive, "data.json", body, stamp))
        names = [m.name for m in members]
        html = render_index(
            templates,
            head,
            closing,
            written,
            limit=HTML_ROW_LIMIT,
            files=names,
            fingerprint=signer.fingerprint if signer else None,
        )
        members.append(_bytes_member(archive, "index.html", html.encode("utf-8"), stamp))
        manifest = {
            "format": "dsar-manifest/1",
            "reference": head.get("reference"),
            "kind": head.get("kind"),
            "created_at": head.get("created_at"),
            "files": [{"name": m.name, "sha256": m.sha256, "size": m.size} for m in members],
            "exclusions": exclusion_summary(written),
            "csv_cells": csv_cells.NOTE,
        }
        write_manifest(archive, manifest, signer, stamp)
    return ExportWritten(members, written)


def write_manifest(
    archive: zipfile.ZipFile, manifest: dict[str, Any], signer: Signer | None, stamp: _Stamp
) -> None:
    """manifest.json and, with a signer, manifest.json.sig: Ed25519 over its exact bytes
    (an export's, and an evidence pack's: dsar/receipts/evidence.py)."""
    text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    _bytes_member(archive, "manifest.json", text.encode("utf-8"), stamp)
    if signer is not None:
        signature = signer.sign(text.encode("utf-8")) + "\n"
        _bytes_member(archive, SIGNATURE, signature.encode("ascii"), stamp)


def zip_stamp(moment: datetime) -> _Stamp:
    """The moment's year, month, day, hour, minute and second (its `timetuple()[:6]`)."""
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


def _ZipInfo(name: str, stamp: _Stamp) -> zipfile.ZipInfo:  # noqa: N802 - a factory
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _write_part(
    part: PlannedPart,
    connector: Connector,
    subject: Subject,
    excluded: Excluded,
    target: _Hashing | None,
    body: IO[str],
    first: bool,
) -> PartWritten:
    result = PartWritten(part)
    where = (part.source_id, part.part)
    skip, blank = excluded.rows.get(where, {}), excluded.fields.get(where, {})
    keys = connector.key_columns(part.part)
    stream = (
        None
        if target is None
        else io.TextIOWrapper(target, encoding="utf-8", newline="", write_through=False)
    )
    writer = None if stream is None else csv_cells.SafeWriter(stream)  # data.json: exact values
    if writer is not None:
        writer.writerow(part.headers)
    meta = {
        "name": part.part,
        "file": part.filename if writer is not None else None,
        "activities": list(part.activities),
        "columns": list(part.column_info),
    }
    opening = _dump(meta, 4)[:-1].rstrip()  # leave the object open for its rows
    body.write(("\n" if first else ",\n") + "        " + opening + ',\n          "rows": [')
    columns = part.columns
    empty = True
    for row in connector.rows(subject, part.part):
        key = row_key(row, keys) if skip or blank else ""
        if key in skip:
            result.excluded += 1
            result.reasons["", skip[key]] += 1
            continue
        hidden = blank.get(key, {})
        for name, reason in hidden.items():
            result.excluded_fields += 1
            result.reasons[name, reason] += 1
        values = [None if c in hidden else row.get(c) for c in columns]
        if writer is not None:
            writer.writerow(values)
        record = {c: v for c, v in zip(columns, values, strict=True) if c not in hidden}
        body.write(
            ("\n" if empty else ",\n") + "            " + json.dumps(record, ensure_ascii=False)
        )
        empty = False
        result.rows += 1
        if len(result.html_rows) < HTML_ROW_LIMIT:
            result.html_rows.append([WITHHELD if c in hidden else row.get(c) for c in columns])
    body.write(("" if empty else "\n          ") + "],\n")
    counts = {
        "row_count": result.rows,
        "excluded_rows": result.excluded,
        "excluded_fields": result.excluded_fields,
    }
    body.write(",\n".join(f"          {json.dumps(k)}: {v}" for k, v in counts.items()))
    body.write("\n        }")
    if stream is not None:
        stream.flush()
        stream.detach()
    return result


def _copy_member(archive: zipfile.ZipFile, name: str, source: IO[str], stamp: _Stamp) -> Member:
    with archive.open(_ZipInfo(name, stamp), "w") as raw:
        hashing = _Hashing(raw)
        stream = io.TextIOWrapper(hashing, encoding="utf-8", newline="")
        shutil.copyfileobj(source, stream, 1 << 16)
        stream.flush()
        stream.detach()
    return Member(name, hashing.sha256.hexdigest(), hashing.size)


def _bytes_member(archive: zipfile.ZipFile, name: str, data: bytes, stamp: _Stamp) -> Member:
    archive.writestr(_ZipInfo(name, stamp), data)
    return Member(name, hashlib.sha256(data).hexdigest(), len(data))


__all__ = ["Excluded", "PartWritten", "PlannedPart", "write_export"]
