"""The form both sides of a request's thread post: a text and up to three files.

One `WebForm` for the status page's reply and the case page's message, so a file posted under
the text's name or a JSON body fills nothing (dsar/web/forms.py). The operations check the
text and the files (dsar/messages/operations.py); CSRF is checked app-wide.
"""

from __future__ import annotations

from werkzeug.datastructures import FileStorage
from wtforms import MultipleFileField, TextAreaField

from dsar.web.forms import WebForm


class MessageForm(WebForm):
    body = TextAreaField()
    attachments = MultipleFileField()

    def text(self) -> str:
        return self.body.data if isinstance(self.body.data, str) else ""

    def files(self, max_bytes: int) -> list[tuple[str, bytes]]:
        """(name, bytes) of each file posted, read to one byte past `max_bytes` (the operation
        refuses what is too large)."""
        return [
            (f.filename, f.read(max_bytes + 1))
            for f in self.attachments.data or []
            if isinstance(f, FileStorage) and f.filename
        ]
