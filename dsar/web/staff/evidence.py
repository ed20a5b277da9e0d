"""A request's evidence pack, for the DPO to hand a supervisory authority (docs/receipts.md):
the timeline with its hash chain, its verification, the letters as sent, the manifests."""

from __future__ import annotations

from flask import current_app
from flask.typing import ResponseReturnValue

from dsar.accounts.models import Role
from dsar.core.attachments import private_download
from dsar.core.clock import now as clock_now
from dsar.core.signing import install_signer
from dsar.extensions import db
from dsar.files.storage import FileStore
from dsar.receipts.evidence import chunks_of, evidence_file, pack_name
from dsar.web.staff import bp
from dsar.web.staff.auth import roles_required, visible_request


@bp.get("/requests/<int:request_id>/evidence")
@roles_required(Role.DPO)
def evidence_pack(request_id: int) -> ResponseReturnValue:
    """The pack as a ZIP download, built into a temporary file and streamed from it."""
    request = visible_request(request_id)
    store = FileStore.from_settings(current_app.config["DSAR_SETTINGS"])
    pack = evidence_file(
        db.session(), request, store=store, signer=install_signer(), now=clock_now()
    )
    return private_download(
        chunks_of(pack), filename=pack_name(request), mimetype="application/zip"
    )
