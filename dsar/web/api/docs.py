"""The OpenAPI document and a page for people listing the operations (no script, no CDN)."""

from __future__ import annotations

from flask import jsonify, render_template
from flask.typing import ResponseReturnValue

from dsar.web.api import bp
from dsar.web.api.spec import openapi_document


@bp.get("/openapi.json")
def openapi_json() -> ResponseReturnValue:
    return jsonify(openapi_document())


@bp.get("/docs")
def api_docs() -> ResponseReturnValue:
    document = openapi_document()
    operations = [
        (method.upper(), path, operation)
        for path, methods in sorted(document["paths"].items())
        for method, operation in methods.items()
    ]
    return render_template("api/docs.html", document=document, operations=operations)
