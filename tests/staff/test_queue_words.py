"""The queue reads and fits: rights and statuses in words, due dates as written with days left,
the filters in one row with the rest behind "More filters", open when one of those is set."""

from __future__ import annotations

from datetime import datetime

from dsar.requests.workflow import RequestType
from tests.factories import make_request


def test_rights_and_statuses_in_words_and_due_dates_written_out(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, dpo, as_user
) -> None:
    make_request(session, controller, now, type=RequestType.CONSENT_WITHDRAWAL)
    html = as_user(dpo).get("/staff/queue").get_data(as_text=True)
    row = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert "<td>withdrawal of consent (Art. 7(3))</td>" in row
    assert "<td>new</td>" in row
    # Received Mon 2 March 2026 -> due Thu 2 April 2026 (Berlin), 31 days from 2 March.
    assert '2 Apr 2026<br><span class="days-left">31 days left</span>' in row
    assert "consent_withdrawal" not in row.replace('value="', "")
    assert '<option value="consent_withdrawal" >withdrawal of consent (Art. 7(3))</option>' in html


def test_more_filters_fold_away_unless_one_is_set(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, dpo, as_user
) -> None:
    client = as_user(dpo)
    plain = client.get("/staff/queue?q=x&type=access&status=all").get_data(as_text=True)
    assert '<details id="more-filters">' in plain
    for query in ("overdue=1", "assignee=me", "channel=email", "due_within=7", "waiting=subject"):
        html = client.get(f"/staff/queue?{query}").get_data(as_text=True)
        assert '<details id="more-filters" open>' in html, query
    row = plain.split('class="filter-row"', 1)[1].split("</div>\n    </div>", 1)[0]
    for field in ('id="f-q"', 'id="f-status"', 'id="f-type"', 'type="submit"'):
        assert field in row, field
