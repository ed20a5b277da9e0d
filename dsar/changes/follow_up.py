"""What an erasure leaves to people: the steps by hand it opens when approved (a manual
source's erasure, the Art. 17(2) information where the data was published) and, once it is
done, the Art. 19 notices drafted to the recipients that received the erased data.

Each task carries the exact instruction built from the register and is closed by staff with
what was done (and optionally evidence); the erasure letter uses only what was closed.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.audit.request_trail import record_event
from dsar.changes.letter_facts import erased_recipients
from dsar.changes.models import Erasure, ErasureTask, ErasureTaskKind
from dsar.core.words import N_
from dsar.fulfilment.claims import verified_subject
from dsar.letters.models import RecipientNotice
from dsar.letters.recipient_notices import draft_recipient_notices
from dsar.register import Register
from dsar.register.datasources import FileSource, ManualSource, SqlSource
from dsar.requests.deadlines.legal_calendar import local_date
from dsar.requests.models import Request
from dsar.requests.operations import jurisdiction_of
from dsar.sources.base import EMAIL_KEY
from dsar.webhooks.events import queue_task_created

ART_17_2 = (
    "Inform the controllers processing the data made public ({where}) that the data subject "
    "requested the erasure of any links to, or copy or replication of, that data (Art. 17(2) "
    "GDPR), taking account of available technology and the cost of implementation. Record "
    "whom you informed, how and when."
)


class ErasureTaskError(Exception):
    """The task cannot be closed as asked (already done, nothing said of what was done)."""


def erasure_tasks(session: Session, erasure: Erasure) -> list[ErasureTask]:
    """The erasure's tasks by hand, in the order they were opened."""
    query = select(ErasureTask).where(ErasureTask.erasure_id == erasure.id)
    return list(session.execute(query.order_by(ErasureTask.id)).scalars())


def open_erasure_tasks(
    session: Session, erasure: Erasure, request: Request, register: Register, *, now: datetime
) -> list[ErasureTask]:
    """One task per manual source of the plan and per published activity it touches."""
    lang = request.language
    keys = subject_line(session, request, register)
    tasks = []
    scope = set(erasure.scope) if erasure.scope is not None else None
    for step in erasure.manual:
        source = register.source(step["source"])
        categories = source.categories if isinstance(source, ManualSource) else []
        if scope is not None and categories and not scope.intersection(categories):
            continue  # none of its categories is to be erased
        instruction = f"{step['instruction']}\nData subject: {keys}."
        if isinstance(source, ManualSource):
            instruction += _scope_and_keep(source, register, erasure.scope, lang)
        kind = ErasureTaskKind.MANUAL
        tasks.append(_task(erasure, kind, step["source"], step["name"], instruction, now))
    for activity_id in _published(erasure, register):
        activity = register.activity(activity_id)
        assert activity is not None and activity.published is not None
        where = activity.published.get(lang, register.controller.languages[0]) or ""
        title = activity.title.get(lang, register.controller.languages[0]) or activity_id
        text = ART_17_2.format(where=where) + f"\nData subject: {keys}."
        tasks.append(_task(erasure, ErasureTaskKind.PUBLISHED, activity_id, title, text, now))
    session.add_all(tasks)
    session.flush()
    for task in tasks:
        task_kind = f"erasure_{task.kind.value}"
        queue_task_created(session, request, kind=task_kind, task_id=task.id, now=now)
    return tasks


def _task(
    erasure: Erasure, kind: ErasureTaskKind, ref: str, title: str, text: str, now: datetime
) -> ErasureTask:
    return ErasureTask(
        erasure_id=erasure.id,
        request_id=erasure.request_id,
        kind=kind,
        ref=ref,
        title=title[:200],
        instruction=text,
        created_at=now,
    )


def subject_line(session: Session, request: Request, register: Register) -> str:
    """The subject's verified keys as the register labels them: 'Customer number: K-100042'."""
    lang = request.language
    parts = []
    for key, value in verified_subject(session, request).keys.items():
        lookup = register.lookup_key(key)
        label = "E-mail address" if key == EMAIL_KEY else key
        if lookup is not None:
            label = lookup.label.get(lang, register.controller.languages[0]) or key
        parts.append(f"{label}: {value}")
    return "; ".join(parts)


def _scope_and_keep(
    source: ManualSource, register: Register, scope: Collection[str] | None, lang: str
) -> str:
    """The categories to erase (a chosen scope) and what a statutory retention keeps."""
    text = ""
    if scope is not None:
        chosen = [register.category(c) for c in source.categories if c in scope]
        labels = [c.label.get(lang, register.controller.languages[0]) for c in chosen if c]
        text += f"\nErase only: {'; '.join(str(label) for label in labels)}."
    for activity_id in source.activities:
        activity = register.activity(activity_id)
        retention = activity.retention if activity else None
        if activity is None or retention is None or retention.norm is None:
            continue
        title = activity.title.get(lang, register.controller.languages[0])
        period = retention.text.get(lang, register.controller.languages[0])
        text += f"\nKeep what {title} requires ({retention.norm}): {period}"
        text += " Restrict it meanwhile and note the day its retention ends."
    return text


def _published(erasure: Erasure, register: Register) -> list[str]:
    """Activities marked published whose data the erasure touched (in scope)."""
    touched: list[str] = []
    for plan in erasure.plans:
        source = register.source(plan["source"])
        for part in plan["parts"]:
            if part["rows"] and isinstance(source, SqlSource):
                table = source.table(part["part"])
                touched += table.activities if table else []
            elif part["rows"] and isinstance(source, FileSource):
                touched += source.activities
    for step in erasure.manual:
        source = register.source(step["source"])
        touched += source.activities if isinstance(source, ManualSource) else []
    scope = set(erasure.scope) if erasure.scope is not None else None
    found = []
    for activity_id in dict.fromkeys(touched):
        activity = register.activity(activity_id)
        if activity is None or activity.published is None:
            continue
        if scope is None or scope.intersection(activity.data_categories):
            found.append(activity_id)
    return found


def close_erasure_task(
    session: Session,
    request: Request,
    task: ErasureTask,
    *,
    note: str,
    actor: str,
    now: datetime,
    evidence_file_id: int | None = None,
) -> ErasureTask:
    """Record what was done for the task (and optionally an evidence file); audited."""
    if task.done:
        raise ErasureTaskError(N_("the task %(title)r was closed already", title=task.title))
    if not note.strip():
        raise ErasureTaskError(N_("say what was done: the note is the record"))
    task.done_by, task.done_at, task.note = actor, now, note.strip()
    task.evidence_file_id = evidence_file_id
    payload: dict[str, object] = {"task": task.id, "kind": task.kind.value, "ref": task.ref}
    payload["evidence_file_id"] = evidence_file_id
    record_event(session, request, "erasure_task_done", actor=actor, now=now, payload=payload)
    return task


def notify_recipients(
    session: Session, request: Request, erasure: Erasure, register: Register, *, now: datetime
) -> list[RecipientNotice]:
    """Draft an Art. 19 notice to each recipient the search found got rows the erasure
    removed or anonymised; a recipient without an e-mail address gets one to post."""
    assert erasure.finished_at is not None
    received = erased_recipients(session, request, erasure, register)
    recipients = [r for r in register.recipients if r.id in received]
    lang, fallback = request.language, register.controller.languages[0]
    labels = {c.id: c.label.get(lang, fallback) or c.id for c in register.categories}
    changes = {r: "; ".join(labels.get(c, c) for c in got) for r, got in received.items()}
    done_on = local_date(erasure.finished_at, jurisdiction_of(request.controller))
    return draft_recipient_notices(
        session,
        request,
        "erase",
        done_on,
        recipients,
        now,
        identifier=subject_line(session, request, register),
        changes=changes,
    )
