"""What erasure does to one table or file under the register's rules and a scope: pure.

A column's own erasure rule overrides its table's (dsar.register.datasources.Erasure); only
columns with a category in scope are touched, and rows are deleted only when every category
the table holds is in scope. What a rule cannot do within the scope is said, never guessed.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dsar.register.activities import Activity
from dsar.register.datasources import Erasure

ERASED = "Art. 17(1) GDPR"
KEPT = "Art. 17(3)(b) GDPR"  # a legal obligation to retain
KEPT_FOR_CLAIMS = "Art. 17(3)(e) GDPR"  # to establish, exercise or defend legal claims


@dataclass
class Step:
    """One register rule applied to a part: delete rows, anonymise columns, or keep them."""

    # "delete" | "anonymise" | "keep"; marks: "set" (a column), "insert"/"unmark" (a row of a
    # restriction table for each of the subject's rows: added, removed)
    action: str
    rule: str  # the register rule, e.g. "customers.email: anonymise (null)"
    reason: str  # the legal reason, e.g. "Art. 17(3)(b) GDPR; HGB §257(1) Nr. 4"
    columns: list[str] = field(default_factory=list)  # anonymise and keep: which columns
    values: dict[str, Any] = field(default_factory=dict)  # anonymise: column -> new value
    retention: str | None = None  # keep: the activity whose retention applies
    date_column: str | None = None  # keep: the retention's trigger date
    whole_rows: bool = True  # keep: when it ends the rows go (False: only the kept columns)
    tag: str | None = None  # a restriction's or a stop's step: its own progress (marks.py)
    target: str | None = None  # insert/unmark: the restriction table's "table.column"

    @property
    def key(self) -> str:
        """Tells the step apart within its part (progress is recorded per step)."""
        if self.tag:
            return self.tag
        return f"keep:{self.retention}" if self.action == "keep" else self.action


@dataclass
class PartRules:
    steps: list[Step]
    left: list[str]  # personal columns out of scope: untouched
    not_done: list[str]  # what the scope asks and no rule can do, and why


def part_rules(
    part: str,
    erasure: Erasure,
    fields: Sequence[Any],
    activities: Mapping[str, Activity],
    scope: Collection[str] | None,
) -> PartRules:
    """The steps erasing the subject's data in one part, for the categories in `scope`."""
    personal = [f for f in fields if f.categories]
    touched = [f for f in personal if scope is None or set(f.categories) & set(scope)]
    left = [f.name for f in personal if f not in touched]
    whole = scope is None or all(set(f.categories) <= set(scope) for f in personal)
    if not touched:
        return PartRules([], left, [])
    if erasure.action == "delete" and whole:
        return PartRules([Step("delete", f"{part}: delete", ERASED)], left, [])
    anonymise = Step("anonymise", f"{part}: anonymise", ERASED)
    kept: dict[tuple[str, str | None], Step] = {}
    not_done: list[str] = []
    for column in touched:
        rule = column.erasure
        if rule is None and erasure.action != "anonymise":
            rule = erasure
        if rule is None or rule.action == "delete":
            not_done.append(_cannot(part, column, erasure, scope))
        elif rule.action == "anonymise":
            anonymise.columns.append(column.name)
            anonymise.values[column.name] = rule.value
        else:
            retention = rule.retention or ""
            date_column = rule.date_column or erasure.date_column
            step = kept.get((retention, date_column))
            if step is None:
                step = kept[(retention, date_column)] = _keep(
                    part, retention, date_column, activities, whole
                )
            step.columns.append(column.name)
    steps = list(kept.values())
    for step in steps:
        activity = activities.get(step.retention or "")
        if activity is not None and activity.retention.duration is None:
            not_done.append(
                f"{part}: kept under {step.retention}, whose retention ends with an event "
                f"({activity.retention.trigger}): no deletion can be planned; delete by hand then"
            )
    if anonymise.columns:
        anonymise.rule += " (" + ", ".join(f"{c}: {_shown(v)}" for c, v in anonymise.values.items())
        anonymise.rule += ")"
        steps.append(anonymise)
    return PartRules(steps, left, not_done)


def _keep(
    part: str,
    retention: str,
    date_column: str | None,
    activities: Mapping[str, Activity],
    whole: bool,
) -> Step:
    activity = activities.get(retention)
    norm = activity.retention.norm if activity is not None else None
    claims = activity is not None and activity.retention.ground == "legal_claims"
    ground = KEPT_FOR_CLAIMS if claims else KEPT
    reason = f"{ground}; {norm}" if norm else ground
    dated = f", from {date_column}" if date_column else ""
    rule = f"{part}: keep under the retention of {retention}{dated}"
    return Step("keep", rule, reason, [], {}, retention, date_column, whole)


def _cannot(part: str, column: Any, erasure: Erasure, scope: Collection[str] | None) -> str:
    if erasure.action == "delete":
        outside = "" if scope is None else " and the rows hold data outside the erasure's scope"
        return (
            f"{part}.{column.name}: not erased: the table's rule deletes whole rows{outside}; "
            "no column rule says how to erase this column alone"
        )
    return f"{part}.{column.name}: not erased: the register gives no erasure rule for it"


def _shown(value: Any) -> str:
    return "null" if value is None else repr(value)
