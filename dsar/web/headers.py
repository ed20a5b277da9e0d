"""The security headers of every response, set in one place.

A page may set a stricter value of its own first (the frozen letter on the status page allows
no source at all); these are the defaults. No page runs a script: the policy allows none but
our own files, and no other site may frame a page (the staff buttons that approve, send and
decide cannot be clicked through someone else's page). Nothing dsar serves outside /static
may be kept by a cache: staff pages, status pages and forms carry personal data.
"""

from __future__ import annotations

from flask import Flask, Response, request

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",  # the pages' own <style> blocks; never scripts
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HSTS = "max-age=31536000; includeSubDomains"
# Endpoints that set their own Cache-Control: public documents, the same for every visitor.
CACHEABLE = ("static", "intake.signing_key")


def install_security_headers(app: Flask, *, https: bool) -> None:
    """Add the headers to every response of `app`, error pages included; HSTS only when the
    base URL is https (a browser would otherwise refuse the plain-http dev server)."""

    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        if https:
            headers.setdefault("Strict-Transport-Security", HSTS)
        if request.endpoint not in CACHEABLE:
            headers["Cache-Control"] = "no-store"
        return response
