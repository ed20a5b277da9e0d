"""A letter's signed receipt, to hand to a subject or an authority with the PDF
(docs/receipts.md): `dsar receipt verify` checks the two together."""

from __future__ import annotations

from pathlib import Path

from flask import abort
from flask.typing import ResponseReturnValue

from dsar.core.attachments import private_download
from dsar.receipts.receipt import receipt_name, receipt_text
from dsar.requests.permissions import REQUEST_WORKERS
from dsar.web.staff import bp
from dsar.web.staff.auth import roles_required
from dsar.web.staff.letters import _letter_or_404


@bp.get("/letters/<int:letter_id>/receipt")
@roles_required(*REQUEST_WORKERS)
def letter_receipt(letter_id: int) -> ResponseReturnValue:
    """The receipt signed at approval, named to sit beside the PDF (NAME.receipt.json)."""
    letter = _letter_or_404(letter_id)
    if letter.pdf_file is None or not letter.receipt:
        abort(404)
    name = receipt_name(Path(letter.pdf_file.filename).name)
    return private_download(
        receipt_text(letter.receipt), filename=name, mimetype="application/json"
    )
