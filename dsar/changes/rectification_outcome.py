"""What a rectification's item reports say: which items are done, the rectification's status
from them, and the register recipients that received the rows changed (for Art. 19 notices,
which another module drafts)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dsar.changes.models import Rectification, RectificationStatus


def item_done(item: dict[str, Any], reports: dict[int, dict[str, Any]]) -> bool:
    """Applied and read back, or recorded as done by hand."""
    found = reports.get(item["index"])
    if found is None:
        return False
    if item["how"] == "by_hand":
        return bool(found.get("by_hand"))
    return found.get("verified") is True and not found.get("error")


def settle(rectification: Rectification, now: datetime) -> None:
    """The status the items' reports give: done, partial (some done, or a step by hand
    open), failed (nothing written)."""
    reports = {r["index"]: r for r in rectification.reports}
    done = [item_done(i, reports) for i in rectification.items]
    if all(done):
        rectification.status, rectification.finished_at = RectificationStatus.DONE, now
    elif any(done) or not any(i["how"] != "by_hand" for i in rectification.items):
        rectification.status = RectificationStatus.PARTIAL
    else:
        rectification.status = RectificationStatus.FAILED


def recipients_of(rectification: Rectification) -> list[str]:
    """The register recipients that received the rows a done item changed (Art. 19 notices)."""
    reports = {r["index"]: r for r in rectification.reports}
    done = [i for i in rectification.items if item_done(i, reports)]
    return list(dict.fromkeys(r for i in done for r in i.get("recipients", ())))
