"""Keep = restrict: the data stays, and a planned deletion names it for when its retention ends.

Kept rows are grouped per part and expiry date (one planned deletion per group, however many
rows), so a retention counted from an order date gives one deletion per order day. The rows
are named by primary key (or a file record's key), not by the subject's lookup: once the rest
of the subject's data is erased, that lookup would no longer find them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.changes.rules import Step
from dsar.changes.run import ApplyContext
from dsar.jobs.models import DeletionStatus, PlannedDeletion
from dsar.sources.base import jsonable

SQL_ROWS = "sql_rows"
FILE_ROWS = "file_rows"


def start_date(value: Any) -> date | None:
    """The retention trigger date a date column holds (a date, a datetime or ISO text)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return datetime.fromisoformat(value.strip()).date()
        except ValueError:
            return None
    return None


def retention_rule(context: ApplyContext, step: Step) -> str:
    activity = next((a for a in context.register.activities if a.id == step.retention), None)
    norm = activity.retention.norm if activity is not None else None
    return (f"{step.retention}: {norm}" if norm else str(step.retention))[:300]


def expiry(context: ApplyContext, step: Step, start: date) -> date | None:
    """The last day the kept data must be stored; None when the retention has no end date."""
    activity = next((a for a in context.register.activities if a.id == step.retention), None)
    return activity.retention.expires_on(start) if activity is not None else None


def plan_deletions(
    session: Session,
    context: ApplyContext,
    *,
    kind: str,
    source: str,
    part: str,
    step: Step,
    key_columns: Iterable[str],
    kept: Iterable[tuple[Any, date]],
    not_before: Mapping[Any, date] | None = None,
) -> tuple[int, set[date]]:
    """Add the kept rows (key, start date) to their part's planned deletions; rows with no end.

    `not_before` holds, per key, the day until which kept rows referring to that row are kept:
    a parent row goes only after them (a foreign key would refuse it, and a join would lose them).
    """
    groups: dict[date, list[Any]] = {}
    open_ended = 0
    for key, start in kept:
        until = expiry(context, step, start)
        later = (not_before or {}).get(key) if not isinstance(key, list) else None
        if until is not None and later is not None and later > until:
            until = later
        if until is None:
            open_ended += 1
        else:
            groups.setdefault(until, []).append(jsonable(key))
    rule = retention_rule(context, step)
    for until, keys in groups.items():
        planned = session.execute(
            select(PlannedDeletion).where(
                PlannedDeletion.request_id == context.request_id,
                PlannedDeletion.kind == kind,
                PlannedDeletion.source == source,
                PlannedDeletion.target == part,
                PlannedDeletion.retention_rule == rule,
                PlannedDeletion.blocked_until == until,
                PlannedDeletion.status == DeletionStatus.PLANNED,
            )
        ).scalar_one_or_none()
        if planned is None:
            record: dict[str, Any] = {
                "key_columns": list(key_columns),
                "columns": step.columns,
                "whole_rows": step.whole_rows,
                "keys": [],
            }
            planned = PlannedDeletion(
                controller_id=context.controller_id,
                request_id=context.request_id,
                kind=kind,
                source=source,
                target=part,
                retention_rule=rule,
                blocked_until=until,
                created_at=context.now,
            )
            session.add(planned)
        else:
            record = json.loads(planned.record_key)
        # A replay after a restore keeps the same rows again: each key is named once.
        named = {json.dumps(k) for k in record["keys"]}
        record["keys"] += [k for k in keys if json.dumps(k) not in named]
        planned.record_key = json.dumps(record, ensure_ascii=False)
    session.flush()
    return open_ended, set(groups)


def kept_record(planned: PlannedDeletion) -> dict[str, Any]:
    """What a planned deletion of kept rows names: key columns, keys, columns, whole rows."""
    record: dict[str, Any] = json.loads(planned.record_key)
    return record


def deletion_dates(session: Session, context: ApplyContext, source: str, part: str) -> list[str]:
    """The days after which the request's kept rows of `part` are planned to go (ISO)."""
    dates = session.execute(
        select(PlannedDeletion.blocked_until)
        .where(
            PlannedDeletion.request_id == context.request_id,
            PlannedDeletion.source == source,
            PlannedDeletion.target == part,
        )
        .distinct()
        .order_by(PlannedDeletion.blocked_until)
    ).scalars()
    return [d.isoformat() for d in dates]
