"""A file source's restriction flag and stop rule run through the FileWriter: the subject's
records only, read back; lifting writes the lifted value."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from dsar.changes.file_writer import FileWriter
from dsar.changes.marks import LIFT, RESTRICT, STOP
from dsar.changes.plan import plan_marks
from dsar.register import FileSource
from dsar.sources import FileConnector, Subject

ZOE = Subject.of("zoe@example.org")
ROWS = [
    {"id": "1", "email": "zoe@example.org", "name": "Zoë", "restricted": "no"},
    {"id": "2", "email": "jonas@example.org", "name": "Jonas", "restricted": "no"},
    {"id": "3", "email": "ZOE@example.org", "name": "Zoë S.", "restricted": "no"},
]


@pytest.fixture
def source(tmp_path: Path) -> FileSource:
    path = tmp_path / "legacy.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(ROWS[0]))
        writer.writeheader()
        writer.writerows(ROWS)
    return FileSource.model_validate(
        {
            "type": "file", "id": "legacy", "name": "Legacy export", "path": str(path),
            "key": "id", "lookup": [{"field": "email", "key": "email"}],
            "activities": ["orders"],
            "fields": [{"name": "id"}, {"name": "email", "categories": ["contact"]},
                       {"name": "name", "categories": ["identity"]}, {"name": "restricted"}],
            "erasure": "delete",
            "restriction": {"column": "restricted", "value": "yes", "lifted": "no"},
            "stop": {"orders": "delete"},
        }
    )  # fmt: skip


def _marked(source: FileSource) -> dict[str, str]:
    with Path(source.path).open(newline="", encoding="utf-8") as handle:
        return {row["id"]: row["restricted"] for row in csv.DictReader(handle)}


def _apply(session, source, context, purpose: str, **kwargs):  # type: ignore[no-untyped-def]
    plan = plan_marks(source, FileConnector(source), ZOE, purpose=purpose, change=7,
                      basis=kwargs.pop("basis", "18.1.a"), **kwargs)  # fmt: skip
    return FileWriter(source).apply(session, plan, context, session.flush)[0]


def test_restricting_and_lifting_mark_the_subject_s_records_only(session, context, source) -> None:  # type: ignore[no-untyped-def]
    report = _apply(session, source, context, RESTRICT)

    assert (report.marked, report.verified) == (2, True)
    assert _marked(source) == {"1": "yes", "2": "no", "3": "yes"}
    assert _apply(session, source, context, RESTRICT).marked == 2  # recorded, not redone

    lifted = _apply(session, source, context, LIFT)
    assert (lifted.marked, lifted.verified) == (2, True)
    assert _marked(source) == {"1": "no", "2": "no", "3": "no"}


def test_a_delete_stop_rule_removes_the_subject_s_records(session, context, source) -> None:  # type: ignore[no-untyped-def]
    report = _apply(session, source, context, STOP, basis="7.3", activities=["orders"])

    assert (report.removed, report.verified) == (2, True)
    assert list(_marked(source)) == ["2"]
