"""Write a rectification's items to a source and read each value back.

SQL: through `write_url` only (SqlWriter's engine and reflected tables); per item one short
transaction finds the primary keys of the rows the item names (the subject's criteria with
the plan's anchors, and the register key for one row), updates only those whose value still
differs, then a second one reads them back. A subject has few rows per table, so one UPDATE
per item is plain and enough; erasure's batches are for tables of thousands of rows.
Files: one atomic rewrite per file (FileWriter), then the file is read again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import SQLAlchemyError

from dsar.changes.file_writer import FileWriter, Records
from dsar.changes.rectification_plan import field_spec
from dsar.changes.rectification_values import python_value, same
from dsar.changes.sql_statements import differs, first_line, in_keys
from dsar.changes.sql_writer import SqlWriter
from dsar.register.datasources import FieldSpec, SqlSource
from dsar.sources import RegisterMismatch, Subject
from dsar.sources.base import jsonable
from dsar.sources.sql_schema import key_columns, subject_criteria


def report(item: dict[str, Any], today: date, **outcome: Any) -> dict[str, Any]:
    """One item's outcome: rows found, changed, read back, the error; the day it was done."""
    done = outcome.get("verified") is True and not outcome.get("error")
    return {
        "index": item["index"], "rows": 0, "changed": 0, "verified": None, "after": [],
        "error": None, **outcome, "done_on": today.isoformat() if done else None,
    }  # fmt: skip


def apply_sql(
    writer: SqlWriter,
    subject: Subject,
    anchors: dict[str, list[Any]],
    items: Sequence[dict[str, Any]],
    today: date,
) -> list[dict[str, Any]]:
    """Each item's UPDATE on the subject's rows, then its read-back; errors per item."""
    source = writer.source
    tables = writer.tables()  # the live columns, reflected through the write credential
    reports = []
    for item in items:
        part, column = item["part"], item["column"]
        try:
            spec = field_spec(source, part, column)
            table = tables[part]
            names = key_columns(table)
            if not names:
                raise RegisterMismatch(f"table {part!r} has no primary key: nothing was changed")
            criteria = subject_criteria(source, tables, subject, part, anchors)
            if criteria is None:
                raise RegisterMismatch(f"no lookup key of the subject finds rows in {part}")
            where = [criteria]
            if item["row"] is not None:
                key = item["key_column"]
                where.append(table.c[key] == _key_value(source, part, key, item["row"]))
            value = python_value(spec, item["value"])
            with writer.begin() as connection:
                found = [list(r) for r in connection.execute(select(*table.primary_key.columns)
                                                              .where(*where))]  # fmt: skip
                if not found:
                    raise RegisterMismatch(f"the subject's rows in {part} are no longer there")
                by_key = in_keys(table, names, found)
                change = update(table).where(by_key, differs(table, {column: value}))
                changed = connection.execute(change.values({column: value})).rowcount
            with writer.begin() as connection:
                after = list(connection.execute(select(table.c[column]).where(by_key)).scalars())
                still = differs(table, {column: value})
                left = connection.execute(
                    select(func.count()).select_from(table).where(by_key, still)
                ).scalar()
            verified = not left and all(same(a, item["value"]) for a in after)
            read = [jsonable(a) for a in after]
            reports.append(report(item, today, rows=len(found), changed=int(changed),
                                  verified=verified, after=read))  # fmt: skip
        except (RegisterMismatch, SQLAlchemyError, ValueError) as error:
            reports.append(report(item, today, error=first_line(error)))
    return reports


def apply_file(
    writer: FileWriter, subject: Subject, items: Sequence[dict[str, Any]], today: date
) -> list[dict[str, Any]]:
    """Every item of one file in one atomic rewrite, then the file read again."""
    source = writer.source
    for item in items:  # refused before the file is touched: a column not in the register
        field_spec(source, source.id, item["column"])
    matches = writer.connector.matcher(subject)
    csv_file = source.format == "csv"
    positions: dict[int, list[int]] = {item["index"]: [] for item in items}
    changed = dict.fromkeys(positions, 0)

    def rectify(records: Records) -> Records:
        for position, record in enumerate(records):
            if not matches(record):
                continue
            for item in items:
                if item["row"] is not None and str(record.get(item["key_column"])) != item["row"]:
                    continue
                new = _text(item["value"]) if csv_file else item["value"]
                positions[item["index"]].append(position)
                if record.get(item["column"]) != new:
                    record[item["column"]] = new
                    changed[item["index"]] += 1
        return records

    writer.rewrite(rectify)
    read: Records = []

    def keep_as_read(records: Records) -> Records:
        read.extend(records)
        return records  # unchanged: the file is not written again

    writer.rewrite(keep_as_read)
    reports = []
    for item in items:
        found = [read[p].get(item["column"]) for p in positions[item["index"]] if p < len(read)]
        verified = bool(found) and all(same(v, item["value"]) for v in found)
        error = None if found else "the subject's records are no longer in the file"
        reports.append(report(item, today, rows=len(found), changed=changed[item["index"]],
                              verified=verified, after=found, error=error))  # fmt: skip
    return reports


def _key_value(source: SqlSource, part: str, key: str, row: str) -> Any:
    """The row's register key as its column stores it (an order number is an integer)."""
    table = source.table(part)
    spec: FieldSpec | None = table.column(key) if table is not None else None
    if spec is not None and spec.type == "integer":
        return int(row)
    return row


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
