"""/.well-known/dsar-signing-key: the public key, for anyone, cacheable."""

from __future__ import annotations

import base64

from flask import Flask

from dsar.core.signing import install_signer


def test_the_public_key_is_published_for_anyone(app: Flask) -> None:
    response = app.test_client().get("/.well-known/dsar-signing-key")
    assert response.status_code == 200
    with app.app_context():
        signer = install_signer()
    assert response.json == {
        "algorithm": "Ed25519",
        "public_key": signer.public_b64,
        "fingerprint": signer.fingerprint,
    }
    assert len(base64.b64decode(response.json["public_key"])) == 32
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_other_pages_are_still_not_cached(app: Flask) -> None:
    assert app.test_client().get("/healthz").headers["Cache-Control"] == "no-store"
