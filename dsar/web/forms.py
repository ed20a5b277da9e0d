"""The base of every form dsar shows: Flask-WTF's, fed only what a browser's form posts.

Flask-WTF hands a form every uploaded file beside the text fields, so a file posted under a
text field's name reached its validators (a `TypeError`, a 500), and it reads a JSON body as
form data (a number where text is expected). Here an upload reaches only a file field of
that name, and a body that is neither urlencoded nor multipart fills no field
(tests/intake/test_fuzz_form.py, tests/staff/test_fuzz_forms.py).
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask_wtf import FlaskForm
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import FileField


class WebForm(FlaskForm):
    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            data = super().wrap_formdata(form, formdata)
            if data is None or data is formdata:  # not submitted, or given by the caller
                return data
            if not request.files:
                return request.form  # empty for a JSON or other body: no field is filled
            names = {field.name for field in form if isinstance(field, FileField)}
            files = MultiDict(
                [(key, upload) for key, upload in request.files.items(multi=True) if key in names]
            )
            return CombinedMultiDict((files, request.form))
