"""What a rectification letter may say, from the rectification dsar recorded
(dsar/changes/rectifications.py): each corrected value with the column's label in the letter's
language and where it is held, and the day the last item was done. No rectification recorded:
the letter keeps what staff write by hand."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.changes.models import Rectification, RectificationStatus
from dsar.changes.rectification_outcome import item_done
from dsar.changes.rectification_values import shown
from dsar.register import FileSource, Register, SqlSource
from dsar.requests.models import Request


def recorded_rectification(session: Session, request: Request) -> Rectification | None:
    """The request's latest rectification that was not replaced by another mapping."""
    return session.execute(
        select(Rectification)
        .where(
            Rectification.request_id == request.id,
            Rectification.status != RectificationStatus.CANCELLED,
        )
        .order_by(Rectification.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def rectification_details(
    rectification: Rectification, register: Register, language: str
) -> dict[str, Any]:
    """Letter facts: the status, and once done what was corrected, where, and the day."""
    details: dict[str, Any] = {"rectification_status": rectification.status.value}
    if rectification.status is not RectificationStatus.DONE:
        return details
    reports = {r["index"]: r for r in rectification.reports}
    corrected = [
        corrected_item(item, reports[item["index"]], register, language)
        for item in rectification.items
        if item_done(item, reports)
    ]
    days = [reports[i["index"]]["done_on"] for i in rectification.items if i["index"] in reports]
    details["corrected"] = corrected
    details["done_on"] = max(d for d in days if d)
    return details


def corrected_item(
    item: dict[str, Any], report: dict[str, Any], register: Register, lang: str
) -> dict[str, str]:
    """One corrected item for people: what (the column's label), the value, and where."""
    fallback = register.controller.languages[0]

    def t(text: Any, default: str) -> str:
        return (text.get(lang, fallback) if text is not None else None) or default

    source = register.source(item["source"])
    by_hand = report.get("by_hand")
    if not isinstance(source, SqlSource | FileSource) or item["column"] is None:
        name = source.name if source is not None else item["source"]
        return {"what": name, "value": by_hand["what"] if by_hand else "", "where": ""}
    where = t(source.label, source.name)
    if isinstance(source, SqlSource):
        table = source.table(item["part"])
        spec: Any = table.column(item["column"]) if table is not None else None
        where = f"{t(table.label if table else None, item['part'])}, {where}"
    else:
        spec = next((f for f in source.fields if f.name == item["column"]), None)
    what = t(spec.label if spec is not None else None, item["column"])
    value = shown(spec, item["value"]) if spec is not None else str(item["value"])
    return {"what": what, "value": value, "where": where}
