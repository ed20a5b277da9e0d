"""The search's findings as the letters need them: counts per source and category."""

from __future__ import annotations

from collections import Counter

from sqlalchemy.orm import Session

from dsar.fulfilment.export import copy_facts
from dsar.fulfilment.manual_findings import entry_count, findings_of
from dsar.fulfilment.manual_tasks import tasks_of
from dsar.fulfilment.models import FindingStatus, ManualOutcome
from dsar.fulfilment.search import latest_run
from dsar.letters.facts import FoundData, FoundSource
from dsar.register import FileSource, Register, SqlSource
from dsar.requests.models import Request


def found_data_for(session: Session, request: Request, register: Register) -> FoundData | None:
    """FoundData from the latest search run; None when the subject's data was not searched."""
    run = latest_run(session, request)
    if run is None:
        return None
    counts: dict[str, Counter[str]] = {}
    activities: dict[str, list[str]] = {}
    recipients: dict[str, list[str]] = {}
    unmapped: dict[str, list[str]] = {}
    for finding in run.findings:
        if finding.status is not FindingStatus.FOUND or not finding.row_count:
            continue
        source = register.source(finding.source_id)
        counts.setdefault(finding.source_id, Counter()).update(
            dict.fromkeys(finding.categories, finding.row_count)
        )
        activities.setdefault(finding.source_id, []).extend(_activities(source, finding.part))
        recipients.setdefault(finding.source_id, []).extend(finding.recipients or [])
        unmapped.setdefault(finding.source_id, []).extend(finding.unmapped_recipients or [])
    _add_manual(session, request, register, counts, activities)
    return FoundData(
        tuple(
            FoundSource(
                source_id,
                dict(found),
                tuple(dict.fromkeys(activities[source_id])),
                recipients=tuple(dict.fromkeys(recipients.get(source_id, []))),
                unmapped_recipients=tuple(dict.fromkeys(unmapped.get(source_id, []))),
            )
            for source_id, found in counts.items()
        ),
        **copy_facts(session, request),  # the copy as built: its parts and format
    )


def _add_manual(
    session: Session,
    request: Request,
    register: Register,
    counts: dict[str, Counter[str]],
    activities: dict[str, list[str]],
) -> None:
    """Manual sources completed as found: their entries per category, like a table's rows."""
    entries = findings_of(session, request)
    for task in tasks_of(session, request, done=True):
        if task.outcome is not ManualOutcome.FOUND or not entries.get(task.id):
            continue
        found = counts.setdefault(task.source_id, Counter())
        for entry in entries[task.id]:
            found[entry.category] += entry_count(entry)
        activities.setdefault(task.source_id, []).extend(
            _activities(register.source(task.source_id), None)
        )


def _activities(source: object, part: str | None) -> list[str]:
    if isinstance(source, SqlSource):
        table = source.table(part) if part else None
        return list(table.activities) if table else []
    if isinstance(source, FileSource):
        return list(source.activities)
    return list(getattr(source, "activities", []))
