"""The erasure plan: per table or file, which register rule does what to how many rows, and why.

A plan is plain data (JSON through `to_json`/`from_json`): it is shown as the preview staff
approve and stored on the request, and `check_plan` refuses one that names anything the
register does not say, before a single row is touched.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from typing import Any

from dsar.changes.marks import mark_steps
from dsar.changes.rules import PartRules, Step, part_rules
from dsar.register.datasources import FileSource, SqlSource, SqlTable
from dsar.register.schema import Register
from dsar.sources.base import Connector, RegisterMismatch, Subject


@dataclass
class PartPlan:
    """What erasure does to one table or file of the source."""

    part: str
    rows: int  # the subject's rows found when the plan was made
    steps: list[Step] = field(default_factory=list)
    left: list[str] = field(default_factory=list)  # personal columns out of scope
    not_done: list[str] = field(default_factory=list)  # asked for, but no rule can do it


@dataclass
class ErasurePlan:
    """The erasure of one subject in one source; parts in the order they are applied."""

    source: str
    kind: str  # "sql" or "file"
    subject: dict[str, str]  # lookup key -> value, as dsar.sources.base.Subject holds them
    scope: list[str] | None  # category ids; None: every category
    parts: list[PartPlan] = field(default_factory=list)
    # "table.column" -> values of a join's parent column among the subject's rows: they still
    # find the children after the parent's own match columns were anonymised (resume, verify).
    anchors: dict[str, list[Any]] = field(default_factory=dict)
    # Not an erasure: the marks of a restriction (restrict, lift) or a stop (changes/marks.py),
    # for the record `change`, on `basis` (the ground, or the article), for `activities`.
    purpose: str = "erasure"
    change: int = 0
    basis: str = ""
    activities: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ErasurePlan:
        parts = [PartPlan(**{**p, "steps": [Step(**s) for s in p["steps"]]}) for p in data["parts"]]
        return cls(**{**data, "parts": parts})

    def the_subject(self) -> Subject:
        return Subject(dict(self.subject))

    def part(self, name: str) -> PartPlan:
        return next(p for p in self.parts if p.part == name)


def plan_erasure(
    register: Register,
    source: SqlSource | FileSource,
    connector: Connector,
    subject: Subject,
    scope: Collection[str] | None = None,
) -> ErasurePlan:
    """Plan erasing `subject` from `source` for the categories in `scope` (None: all)."""
    counts = {p.name: p.count for p in connector.search(subject, 0)}
    chosen = None if scope is None else sorted(set(scope))
    plan = ErasurePlan(source.id, _kind(source), dict(subject.keys), chosen)
    for name, rules in expected_rules(register, source, chosen).items():
        plan.parts.append(
            PartPlan(name, counts.get(name, 0), rules.steps, rules.left, rules.not_done)
        )
    _anchor(plan, source, connector, subject)
    return plan


def plan_marks(
    source: SqlSource | FileSource,
    connector: Connector,
    subject: Subject,
    *,
    purpose: str,
    change: int,
    basis: str,
    activities: Collection[str] = (),
) -> ErasurePlan:
    """Plan marking `subject`'s rows (restrict, lift, stop: dsar.changes.marks); reads only."""
    counts = {p.name: p.count for p in connector.search(subject, 0)}
    plan = ErasurePlan(source.id, _kind(source), dict(subject.keys), None)
    plan.purpose, plan.change, plan.basis = purpose, change, basis
    plan.activities = sorted(activities)
    steps = mark_steps(source, purpose, change, basis, plan.activities)
    order = [t.name for t in children_first(source)] if isinstance(source, SqlSource) else []
    for name in order or list(steps):
        plan.parts.append(PartPlan(name, counts.get(name, 0), steps[name]))
    _anchor(plan, source, connector, subject)
    return plan


def _anchor(
    plan: ErasurePlan, source: SqlSource | FileSource, connector: Connector, subject: Subject
) -> None:
    if isinstance(source, SqlSource):
        distinct = getattr(connector, "distinct_values", None)
        for table, column in anchor_columns(source):
            if distinct is not None:
                plan.anchors[f"{table}.{column}"] = list(distinct(subject, table, column))


def expected_rules(
    register: Register, source: SqlSource | FileSource, scope: Collection[str] | None
) -> dict[str, PartRules]:
    """Each part's steps as the register says now, children before their parents."""
    activities = {a.id: a for a in register.activities}
    if isinstance(source, FileSource):
        return {source.id: part_rules(source.id, source.erasure, source.fields, activities, scope)}
    return {
        t.name: part_rules(t.name, t.erasure, t.columns, activities, scope)
        for t in children_first(source)
    }


def children_first(source: SqlSource) -> list[SqlTable]:
    """Tables ordered so that a table found through a join comes before the table it joins."""
    tables = {t.name: t for t in source.tables}

    def depth(table: SqlTable) -> int:
        steps, current = 0, table
        while current.lookup.join is not None and steps <= len(tables):
            parent = tables.get(current.lookup.join.table)
            if parent is None:
                break
            steps, current = steps + 1, parent
        return steps

    return sorted(source.tables, key=depth, reverse=True)  # stable: register order within


def anchor_columns(source: SqlSource) -> list[tuple[str, str]]:
    """(table, column) of each join's parent column in a table found by a lookup match."""
    found = []
    for table in source.tables:
        join = table.lookup.join
        parent = source.table(join.table) if join else None
        if join is not None and parent is not None and parent.lookup.match:
            found.append((join.table, join.parent_column))
    return list(dict.fromkeys(found))


def check_plan(register: Register, source: SqlSource | FileSource, plan: ErasurePlan) -> None:
    """Refuse (RegisterMismatch) a plan naming a part, column or rule the register lacks."""
    where = f"source {source.id}"
    if plan.source != source.id or plan.kind != _kind(source):
        raise RegisterMismatch(f"{where}: the plan is for source {plan.source!r}")
    if plan.purpose == "erasure":
        expected = {k: v.steps for k, v in expected_rules(register, source, plan.scope).items()}
    else:
        expected = mark_steps(source, plan.purpose, plan.change, plan.basis, plan.activities)
    problems: list[str] = []
    for part in plan.parts:
        names = _column_names(source, part.part)
        if names is None:
            problems.append(f"{part.part!r} is not a table or file of the register")
            continue
        for step in part.steps:
            for column in [*step.columns, *step.values, *filter(None, [step.date_column])]:
                if column not in names:
                    problems.append(f"column {column!r} of {part.part!r} is not in the register")
        if not problems and part.steps != expected[part.part]:
            problems.append(f"the register no longer says this for {part.part!r}: plan again")
    allowed = (
        {f"{t}.{c}" for t, c in anchor_columns(source)} if isinstance(source, SqlSource) else set()
    )
    problems += [
        f"{name!r} is not a join of the register" for name in plan.anchors if name not in allowed
    ]
    if problems:
        raise RegisterMismatch(f"{where}: " + "; ".join(problems))


def _column_names(source: SqlSource | FileSource, part: str) -> set[str] | None:
    if isinstance(source, FileSource):
        return {f.name for f in source.fields} if part == source.id else None
    table = source.table(part)
    return None if table is None else {c.name for c in table.columns}


def _kind(source: SqlSource | FileSource) -> str:
    return "sql" if isinstance(source, SqlSource) else "file"
