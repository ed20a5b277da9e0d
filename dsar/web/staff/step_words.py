"""The steps of a plan (dsar.changes.rules, dsar.changes.marks) and the reasons a run recorded
for them, in the page's language. Plans and reports are stored as JSON in English; a step is
put into words again from its fields, and a report's reason that names a planned step is read
as that step. Other reasons (an error, what was left) are shown as recorded. In English each
reads exactly as the plan recorded it (tests/staff/test_change_pages_german.py)."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext

from dsar.changes.follow_up import ART_17_2
from dsar.changes.marks import LIFT, LIFTED, RESTRICT, STOP, STOP_REASONS, ground_reason
from dsar.changes.rules import ERASED, KEPT, KEPT_FOR_CLAIMS
from dsar.web.page_words import _l
from dsar.web.staff import bp

# The legal grounds the steps cite, as the page's language cites them; a register's own norm
# after "; " (HGB §257, AO §147) is cited as written.
GROUNDS = {
    ERASED: _l("Art. 17(1) GDPR"),
    KEPT: _l("Art. 17(3)(b) GDPR"),
    KEPT_FOR_CLAIMS: _l("Art. 17(3)(e) GDPR"),
    ground_reason("18.1.a"): _l("Art. 18(1)(a) GDPR"),
    ground_reason("18.1.b"): _l("Art. 18(1)(b) GDPR"),
    ground_reason("18.1.c"): _l("Art. 18(1)(c) GDPR"),
    ground_reason("18.1.d"): _l("Art. 18(1)(d) GDPR"),
    LIFTED: _l("Art. 18(3) GDPR: the subject was told before the restriction is lifted"),
    STOP_REASONS["7.3"]: _l("Art. 7(3) GDPR: consent withdrawn"),
    STOP_REASONS["21.2"]: _l("Art. 21(2), (3) GDPR: objection to direct marketing"),
    STOP_REASONS["21.1"]: _l("Art. 21(1) GDPR: objection upheld"),
}


def _shown(value: Any) -> str:
    return "null" if value is None else repr(value)


def _reason(reason: str) -> str:
    ground, _, norm = reason.partition("; ")
    return str(GROUNDS.get(ground, ground)) + (f"; {norm}" if norm else "")


def _erasure_rule(step: dict[str, Any], part: str) -> str:
    action, retention, column = step.get("action"), step.get("retention"), step.get("date_column")
    if action == "delete":
        return gettext("%(part)s: delete", part=part)
    if action == "anonymise":
        values = ", ".join(f"{c}: {_shown(v)}" for c, v in (step.get("values") or {}).items())
        return gettext("%(part)s: anonymise (%(values)s)", part=part, values=values)
    if column:
        return gettext(
            "%(part)s: keep under the retention of %(activity)s, from %(column)s",
            part=part, activity=retention, column=column,
        )  # fmt: skip
    return gettext(
        "%(part)s: keep under the retention of %(activity)s", part=part, activity=retention
    )


def _mark_rule(step: dict[str, Any], part: str) -> str:
    rule, tag = str(step.get("rule", "")), str(step.get("tag"))
    purpose, _, rest = tag.partition(":")
    activity = rest.partition(":")[2]
    said = f"{part}: stop {activity}" if purpose == STOP else f"{part}: {purpose}"
    if not rule.startswith(said):
        return rule
    detail = rule[len(said) :]  # " (column: value)", or ": delete" for a stop
    if purpose == RESTRICT:
        return gettext("%(part)s: restrict%(detail)s", part=part, detail=detail)
    if purpose == LIFT:
        return gettext("%(part)s: lift%(detail)s", part=part, detail=detail)
    if purpose == STOP and detail == ": delete":
        return gettext("%(part)s: stop %(activity)s: delete", part=part, activity=activity)
    if purpose == STOP:
        return gettext(
            "%(part)s: stop %(activity)s%(detail)s", part=part, activity=activity, detail=detail
        )
    return rule


@bp.app_template_filter("step_words")
def step_words(step: dict[str, Any], part: str) -> str:
    """A planned step (its JSON) as "rule: reason" in the page's language."""
    if step.get("tag"):
        rule = _mark_rule(step, part)
    elif step.get("action") in ("delete", "anonymise", "keep"):
        rule = _erasure_rule(step, part)
    else:
        rule = str(step.get("rule", ""))
    return f"{rule}: {_reason(str(step.get('reason', '')))}"


@bp.app_template_filter("report_reasons")
def report_reasons(report: dict[str, Any], plans: list[dict[str, Any]] | None) -> list[str]:
    """A report's reasons in the page's language: one naming a step of the plan reads as that
    step; the others (an error, a column left) as recorded."""
    steps = {
        f"{s['rule']}: {s['reason']}": s
        for plan in plans or []
        if plan.get("source") == report.get("source")
        for part in plan.get("parts", [])
        if part.get("part") == report.get("part")
        for s in part.get("steps", [])
    }
    part = str(report.get("part", ""))
    return [
        step_words(steps[r], part) if r in steps else plan_note_words(r)
        for r in report.get("reasons", [])
    ]


@bp.app_template_filter("by_hand_words")
def by_hand_words(step: dict[str, Any]) -> str:
    """A by-hand step's instruction in the page's language when dsar wrote it (a restriction's
    table without a mark, a stop without a rule); a register's own instruction as written."""
    said, name = str(step.get("instruction", "")), str(step.get("name", ""))
    rows = step.get("rows")
    marked = f"Mark the subject's {rows} rows in {name} as restricted by hand"
    if rows is not None and said == marked:
        return gettext(
            "Mark the subject's %(rows)s rows in %(where)s as restricted by hand",
            rows=rows, where=name,
        )  # fmt: skip
    if said == f"Stop {name} for the subject by hand: the register gives no stop rule for it":
        return gettext(
            "Stop %(activity)s for the subject by hand: the register gives no stop rule for it",
            activity=name,
        )
    return said


# What a plan cannot do, as dsar.changes.rules writes it, and a part a run did not start: each
# sentence of dsar's own is read in the page's language; anything else is shown as written.
_NOT_DONE = [
    (
        re.compile(
            r"(?P<column>[^:]+): not erased: the table's rule deletes whole rows; no column rule "
            r"says how to erase this column alone"
        ),
        _l(
            "%(column)s: not erased: the table's rule deletes whole rows; no column rule says "
            "how to erase this column alone"
        ),
    ),
    (
        re.compile(
            r"(?P<column>[^:]+): not erased: the table's rule deletes whole rows and the rows "
            r"hold data outside the erasure's scope; no column rule says how to erase this "
            r"column alone"
        ),
        _l(
            "%(column)s: not erased: the table's rule deletes whole rows and the rows hold data "
            "outside the erasure's scope; no column rule says how to erase this column alone"
        ),
    ),
    (
        re.compile(r"(?P<column>[^:]+): not erased: the register gives no erasure rule for it"),
        _l("%(column)s: not erased: the register gives no erasure rule for it"),
    ),
    (
        re.compile(
            r"(?P<part>[^:]+): kept under (?P<activity>.+?), whose retention ends with an event "
            r"\((?P<trigger>.*)\): no deletion can be planned; delete by hand then"
        ),
        _l(
            "%(part)s: kept under %(activity)s, whose retention ends with an event "
            "(%(trigger)s): no deletion can be planned; delete by hand then"
        ),
    ),
    (  # a run's reason (dsar/changes/sql_writer.py): a table waits for the one it joins
        re.compile(r"not started: (?P<below>.+) failed, and must be done first"),
        _l("not started: %(below)s failed, and must be done first"),
    ),
]


@bp.app_template_filter("plan_note_words")
def plan_note_words(text: str) -> str:
    """A plan's note of what it cannot do, in the page's language when dsar wrote it."""
    for pattern, words in _NOT_DONE:
        found = pattern.fullmatch(text)
        if found is not None:
            return str(words) % found.groupdict()
    return text


def _from(template: str, **holes: str) -> re.Pattern[str]:
    """A pattern matching `template` (str.format style) with each hole a named group."""
    pattern = re.escape(template)
    for name, group in holes.items():
        pattern = pattern.replace(re.escape(f"{{{name}}}"), f"(?P<{name}>{group})")
    return re.compile(pattern)


# The lines dsar writes into an erasure's step by hand (dsar/changes/follow_up.py).
_NORM = r"(?:[^()]|\([^()]*\))*"  # a norm with its paragraphs: "HGB §257(1) Nr. 4, (4)"
_TASK_LINES = [
    (_from("Data subject: {keys}.", keys=".*"), _l("Data subject: %(keys)s.")),
    (_from("Erase only: {labels}.", labels=".*"), _l("Erase only: %(labels)s.")),
    (
        _from(
            "Keep what {title} requires ({norm}): {period} Restrict it meanwhile and note the "
            "day its retention ends.",
            title=".+?",
            norm=_NORM,
            period=".*",
        ),  # fmt: skip
        _l(
            "Keep what %(title)s requires (%(norm)s): %(period)s Restrict it meanwhile and note "
            "the day its retention ends."
        ),
    ),
    (
        _from(ART_17_2, where=".*"),
        _l(
            "Inform the controllers processing the data made public (%(where)s) that the data "
            "subject requested the erasure of any links to, or copy or replication of, that data "
            "(Art. 17(2) GDPR), taking account of available technology and the cost of "
            "implementation. Record whom you informed, how and when."
        ),
    ),
]


@bp.app_template_filter("task_words")
def task_words(instruction: str) -> str:
    """An erasure's step by hand, its lines joined by " · ": the lines dsar wrote in the page's
    language, the register's own as written."""
    lines = []
    for line in instruction.split("\n"):
        for pattern, words in _TASK_LINES:
            found = pattern.fullmatch(line)
            if found is not None:
                line = str(words) % found.groupdict()
                break
        lines.append(line)
    return " · ".join(lines)
