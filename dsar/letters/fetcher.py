"""What WeasyPrint may load while it renders a letter: the app's own static files, nothing else.

WeasyPrint's default fetcher follows every URL in the HTML: http(s) to any host (a request
from the server, SSRF), file: anywhere on disk (a stylesheet or image could pull in
/etc/passwd), ftp:, data:. A letter is built from our own templates, but it carries text that
staff and data subjects typed, so the rendering allows only files inside the static folder
and refuses everything else before anything is opened. data: URLs are refused too: no
template needs them, and an inline SVG could carry further URLs. A refused resource is left
out of the PDF (WeasyPrint logs it); the letter still renders.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

from dsar.core.paths import PACKAGE_DIR

# Flask's static folder for create_app(): dsar/static. Relative URLs in a letter resolve here.
STATIC_DIR = PACKAGE_DIR / "static"


class RefusedResource(ValueError):
    """The letter asked for something outside the static folder; nothing was fetched."""


class StaticOnlyFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that reads files under `root` and refuses every other URL."""

    def __init__(self, root: Path = STATIC_DIR) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.root = root.resolve()

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        path = self.allowed_path(url)
        data = path.read_bytes()
        mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, data, {"Content-Type": mimetype})

    def allowed_path(self, url: str) -> Path:
        """The file `url` names inside the static folder, or RefusedResource."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise RefusedResource(f"not loaded for a letter (only the app's static files): {url}")
        path = Path(unquote(parts.path)).resolve()  # .. and symbolic links are followed first
        if not path.is_relative_to(self.root) or not path.is_file():
            raise RefusedResource(f"not loaded for a letter (outside the static folder): {url}")
        return path
