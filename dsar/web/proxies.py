"""Behind reverse proxies: believe their X-Forwarded-For and -Proto, and only theirs.

With DSAR_TRUSTED_PROXIES=N, werkzeug's ProxyFix takes the client's address from the N-th
address from the right of X-Forwarded-For (each proxy appends the peer it saw), so the rate
limits and the sign-in throttle count each subject apart, not the proxy. Without it (0, the
default) the header is ignored: anyone could send one and pick the address counted against.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def trust_proxies(app: Flask, count: int) -> None:
    """Wrap the app in ProxyFix for `count` proxies in front; nothing for 0."""
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]
