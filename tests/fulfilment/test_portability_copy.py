"""Portability is honest: the chosen format alone is built, every row keeps the column that
identifies it, and the letter lists exactly the files in the ZIP."""

from __future__ import annotations

import re

import pytest

from dsar.fulfilment.found import found_data_for
from dsar.fulfilment.models import ExportKind
from dsar.letters.content import build_letter
from dsar.letters.facts import CopyDelivery
from dsar.letters.inputs import facts_for
from dsar.letters.rendering import render_html, render_text
from dsar.requests.models import RequestType
from tests.fulfilment.test_export import _build, _prepared

ALL_CSVS = {
    "shop_db/customers.csv",
    "shop_db/orders.csv",
    "shop_db/newsletter_subscriptions.csv",
    "shop_db/support_tickets.csv",
}


@pytest.mark.parametrize(
    ("chosen", "data_files"),
    [
        ("json", {"data.json"}),
        ("csv", ALL_CSVS),
        (["json", "csv"], {"data.json"} | ALL_CSVS),
        ("both", {"data.json"} | ALL_CSVS),  # the form's third choice
        (None, {"data.json"} | ALL_CSVS),  # said nothing: both
    ],
)
def test_only_the_chosen_format_is_built_and_the_letter_lists_it(  # type: ignore[no-untyped-def]
    app, session, now, verified_request, chosen, data_files
):
    request = verified_request(
        type=RequestType.PORTABILITY,
        details={"lookup_keys": {"customer_number": "K-100042"}, "format": chosen},
    )
    register = _prepared(app, session, now, request)
    built, archive = _build(app, session, now, request, register, kind=ExportKind.PORTABILITY)

    names = set(archive.namelist())
    assert names == data_files | {"index.html", "manifest.json", "manifest.json.sig"}
    found = found_data_for(session, request, register)
    assert found is not None
    assert {f for e in found.exported for f in e.files} == data_files
    assert found.copy_format == {"json": "JSON", "csv": "CSV"}.get(str(chosen), "JSON, CSV")
    copy = CopyDelivery(now.date(), now.date(), link_mailed=True, with_password=False)
    facts = facts_for(request, copy=copy)  # delivered as the letter needs (not the point here)
    content = build_letter(
        register, facts, letter_type="portability", today=now.date(), found=found
    )
    text, html = render_text(content), render_html(content)
    for name in data_files:
        assert name in text and name in html
    listed = set(re.findall(r"shop_db/\w+\.csv|data\.json", text.split("Format:")[0]))
    assert listed == data_files  # nothing the ZIP does not hold
    assert "Web logs" not in text and "Invoice" not in text  # not portable: not in the ZIP
    assert built.export.contents is not None


def test_each_row_keeps_its_identifying_column(app, session, now, verified_request):
    request = verified_request(type=RequestType.PORTABILITY, details={"format": "csv"})
    register = _prepared(app, session, now, request)
    _built, archive = _build(app, session, now, request, register, kind=ExportKind.PORTABILITY)

    lines = archive.read("shop_db/orders.csv").decode().splitlines()
    assert lines[0] == "Order number,Delivery address"
    assert [line.split(",")[0] for line in lines[1:]] == ["116", "117", "118", "119"]


def test_the_data_page_says_which_format_was_chosen(app, session, now, verified_request):  # type: ignore[no-untyped-def]
    from dsar.accounts.models import Role
    from tests.factories import make_staff
    from tests.staff.conftest import StaffClient, login_as

    request = verified_request(type=RequestType.PORTABILITY, details={"format": "csv"})
    staff = make_staff(session, now, email="pat@example.org", role=Role.DPO)
    client = login_as(app, StaffClient(app, app.response_class, use_cookies=True), staff)
    page = client.get(f"/staff/requests/{request.id}/data").get_data(as_text=True)
    assert "The requester chose CSV: a portability export holds only that format." in page
