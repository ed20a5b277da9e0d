"""The steps that mark a subject's rows, from the register's `restriction` and `stop` rules:
a restriction placed or lifted (Art. 18), an activity stopped (Art. 7(3), Art. 21). Pure.

They run through the erasure's writers (an UPDATE of one column, or a DELETE, batched, with
progress and read-back); each step's `tag` names the record it belongs to, so a restriction
placed, lifted and placed again keeps apart progress rows within one request.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dsar.changes.rules import Step
from dsar.register.datasources import FileSource, SqlSource

RESTRICT, LIFT, STOP = "restrict", "lift", "stop"
LIFTED = "Art. 18(3) GDPR: the subject was told before the restriction is lifted"
STOP_REASONS = {
    "7.3": "Art. 7(3) GDPR: consent withdrawn",
    "21.2": "Art. 21(2), (3) GDPR: objection to direct marketing",
    "21.1": "Art. 21(1) GDPR: objection upheld",
}


def ground_reason(ground: str) -> str:
    """`18.1.a` -> `Art. 18(1)(a) GDPR`."""
    return f"Art. 18(1)({ground[-1]}) GDPR"


def _containers(source: SqlSource | FileSource) -> list[tuple[str, Any]]:
    if isinstance(source, FileSource):
        return [(source.id, source)]
    return [(t.name, t) for t in source.tables]


def mark_steps(
    source: SqlSource | FileSource,
    purpose: str,
    change: int,
    basis: str,
    activities: Sequence[str] = (),
) -> dict[str, list[Step]]:
    """Per table or file, the steps of `purpose` (restrict, lift or stop) as the register
    says now; `basis` is the restriction's ground or the stop's article (STOP_REASONS)."""
    steps: dict[str, list[Step]] = {}
    for part, container in _containers(source):
        found: list[Step] = []
        mark = container.restriction
        if purpose in (RESTRICT, LIFT) and mark is not None and mark.table is not None:
            action = "insert" if purpose == RESTRICT else "unmark"
            reason = ground_reason(basis) if purpose == RESTRICT else LIFTED
            target = f"{mark.table}.{mark.column}"
            rule = f"{part}: {purpose} ({target} = {mark.references})"
            found.append(Step(action, rule, reason, [mark.key], tag=f"{purpose}:{change}",
                              target=target))  # fmt: skip
        elif purpose in (RESTRICT, LIFT) and mark is not None:
            value = mark.value if purpose == RESTRICT else mark.lifted
            reason = ground_reason(basis) if purpose == RESTRICT else LIFTED
            rule = f"{part}: {purpose} ({mark.column}: {value!r})"
            found.append(
                Step(
                    "set",
                    rule,
                    reason,
                    [mark.column],
                    {mark.column: value},
                    tag=f"{purpose}:{change}",
                )  # fmt: skip
            )
        for activity in activities if purpose == STOP else ():
            stop = container.stop.get(activity)
            if stop is None:
                continue
            reason = STOP_REASONS.get(basis, basis)
            tag = f"stop:{change}:{activity}"
            if stop.action == "delete":
                found.append(Step("delete", f"{part}: stop {activity}: delete", reason, tag=tag))
            else:
                rule = f"{part}: stop {activity} ({stop.column}: {stop.value!r})"
                values = {stop.column: stop.value}
                found.append(Step("set", rule, reason, [stop.column], values, tag=tag))
        steps[part] = found
    return steps


def covered_by(source: SqlSource, part: str) -> str | None:
    """The marked table a table without a mark is found through (its rows follow that
    table's mark: an order of a restricted customer), if any."""
    table, seen = source.table(part), 0
    while table is not None and table.lookup.join is not None and seen < 16:
        table, seen = source.table(table.lookup.join.table), seen + 1
        if table is not None and table.restriction is not None:
            return table.name
    return None
