"""/.well-known/dsar-signing-key: the public key that checks export manifests and letter
receipts (docs/receipts.md). Public and cacheable: the same for every visitor."""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue

from dsar.core.signing import install_signer
from dsar.web.intake import bp


@bp.get("/.well-known/dsar-signing-key")
def signing_key() -> ResponseReturnValue:
    response = jsonify(install_signer().published())
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["Access-Control-Allow-Origin"] = "*"  # a verifier in any browser
    return response
