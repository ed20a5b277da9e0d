"""CSV and JSON file sources: records whose lookup field equals one of the subject's keys.

CSV files are read line by line; a JSON file (a list of objects) is parsed whole, so keep
large data in CSV or a database.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from dsar.register.datasources import EMAIL_KEY, FileSource
from dsar.sources.base import (
    MAX_DISCLOSED,
    PartFound,
    PartSpec,
    RegisterMismatch,
    SourceUnreachable,
    Subject,
)
from dsar.sources.base import jsonable as _jsonable


class FileConnector:
    """One file source; its single part is named after the source id."""

    def __init__(self, source: FileSource) -> None:
        self.source = source
        self.source_id = source.id
        self.path = Path(source.path)

    def parts(self) -> list[PartSpec]:
        return [PartSpec(self.source_id, tuple(f.name for f in self.source.fields))]

    def search(self, subject: Subject, sample_size: int) -> list[PartFound]:
        count = 0
        sample: list[dict[str, Any]] = []
        column = self.source.disclosures.column if self.source.disclosures else None
        disclosed: dict[str, None] = {}
        for row in self.rows(subject, self.source_id):
            count += 1
            if len(sample) < sample_size:
                sample.append(row)
            value = row.get(column) if column else None
            if value not in (None, "") and len(disclosed) < MAX_DISCLOSED:
                disclosed[str(value).strip()] = None
        names = [f.name for f in self.source.fields]
        keys = self.key_columns(self.source_id)
        return [PartFound(self.source_id, names, count, sample, keys, tuple(disclosed))]

    def rows(self, subject: Subject, part: str) -> Iterator[dict[str, Any]]:
        if part != self.source_id:
            raise RegisterMismatch(f"source {self.source_id}: no part {part!r}")
        matches = self.matcher(subject)
        for record in self._records():
            if matches(record):
                yield self.projected(record)

    def matcher(self, subject: Subject) -> Callable[[dict[str, Any]], bool]:
        """Whether a raw record of the file is the subject's (the writer uses it too)."""
        wanted = {
            match.field: {
                v.lower() if match.key == EMAIL_KEY else v for v in subject.values(match.key)
            }
            for match in self.source.lookup
        }
        return lambda record: _matches(record, wanted)

    def projected(self, record: dict[str, Any]) -> dict[str, Any]:
        """A raw record as the connector gives it: the register's fields, JSON-ready."""
        return {f.name: _jsonable(record.get(f.name)) for f in self.source.fields}

    def check_names(self, present: set[str]) -> None:
        """RegisterMismatch unless the file has every field the register names."""
        self._check_names(present)

    def page(self, subject: Subject, part: str, offset: int, limit: int) -> list[dict[str, Any]]:
        return list(islice(self.rows(subject, part), offset, offset + limit))

    def values_of(self, part: str, field: str) -> Iterator[Any]:
        """Each non-empty value of `field`, streamed; once per record (a file has no DISTINCT)."""
        if part != self.source_id:
            raise RegisterMismatch(f"source {self.source_id}: no part {part!r}")
        for record in self._records():
            value = record.get(field)
            if value not in (None, ""):
                yield value

    def key_columns(self, part: str) -> tuple[str, ...]:
        return () if self.source.key is None else (self.source.key,)

    def close(self) -> None:
        return None

    def _records(self) -> Iterator[dict[str, Any]]:
        if not self.path.is_file():
            raise SourceUnreachable(f"source {self.source_id}: file {self.path} does not exist")
        try:
            if self.source.format == "csv":
                yield from self._csv_records()
            else:
                yield from self._json_records()
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise SourceUnreachable(
                f"source {self.source_id}: cannot read {self.path}: {error}"
            ) from None

    def _csv_records(self) -> Iterator[dict[str, Any]]:
        with self.path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            self._check_names(set(reader.fieldnames or []))
            yield from reader

    def _json_records(self) -> Iterator[dict[str, Any]]:
        data = json.loads(self.path.read_text(encoding="utf-8"))
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise ValueError("the file must hold a list of objects")
        if data:
            self._check_names({key for record in data for key in record})
        yield from data

    def _check_names(self, present: set[str]) -> None:
        named = [m.field for m in self.source.lookup] + [f.name for f in self.source.fields]
        missing = [n for n in dict.fromkeys(named) if n not in present]
        if missing:
            raise RegisterMismatch(
                f"source {self.source_id}: {self.path} has no field "
                + ", ".join(repr(n) for n in missing)
            )


def _matches(record: dict[str, Any], wanted: dict[str, set[str]]) -> bool:
    for field, values in wanted.items():
        value = record.get(field)
        if value is None or not values:
            continue
        text = str(value).strip()
        if text in values or text.lower() in values:
            return True
    return False
