"""A request's attached files (uploads, originals, evidence), decrypted for staff who may see it."""

from __future__ import annotations

from flask import abort, current_app
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from dsar.core.attachments import private_download
from dsar.extensions import db
from dsar.files.models import FilePurpose, StoredFile
from dsar.files.storage import FileStore, StorageError
from dsar.requests.permissions import REQUEST_WORKERS
from dsar.web.staff import bp
from dsar.web.staff.auth import roles_required, visible_request


@bp.get("/requests/<int:request_id>/files/<int:file_id>")
@roles_required(*REQUEST_WORKERS)
def download_file(request_id: int, file_id: int) -> ResponseReturnValue:
    """An attached file under its own name, as a download that is never cached or sniffed."""
    visible_request(request_id)
    stored = db.session.get(StoredFile, file_id)
    if stored is None or stored.request_id != request_id or stored.purpose is FilePurpose.EXPORT:
        abort(404, _("No such file on this request."))
    try:
        data = FileStore.from_settings(current_app.config["DSAR_SETTINGS"]).read(stored)
    except StorageError as error:
        abort(410, str(error))
    # Always a download, never shown in the staff origin: an uploaded file's type is not trusted.
    return private_download(data, filename=stored.filename, mimetype="application/octet-stream")
