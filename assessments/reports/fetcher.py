"""The one URL-fetching policy of the project: WeasyPrint may read our own static files from disk
and nothing else. Every PDF goes through `StaticOnlyURLFetcher` (see `render_pdf`).

WeasyPrint catches any exception a fetcher raises, logs it and skips the resource, so refusing is
raising. Refused: every network protocol (http, https, ftp...), `file://` outside the static
directories (including `..` escapes and symlinks leading out), and `data:` URLs above a small bound.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger("security")

# Our charts are inline SVG: a data: URL is only ever a tiny inline image (a bullet, a logo).
DATA_URL_MAX_BYTES = 64 * 1024
# The pseudo-location documents are rendered at: "/static/x.css" resolves to "file:///static/x.css".
BASE_URL = "file:///"


class FetchRefused(ValueError):
    """A URL the report policy does not allow. WeasyPrint skips the resource."""


def static_roots() -> list[Path]:
    """The directories whose files a report may use: STATIC_ROOT (collected, hashed names in
    production) and the project's STATICFILES_DIRS."""
    roots = [Path(settings.STATIC_ROOT)] + [Path(d) for d in settings.STATICFILES_DIRS]
    return [r.resolve() for r in roots if r.is_dir()]


class StaticOnlyURLFetcher(URLFetcher):
    """Serves files under the static directories, refuses everything else."""

    def __init__(self, **kwargs):
        # No redirects, and the only protocols the parent could ever open are local ones; `fetch`
        # below never hands a URL to the parent's openers anyway.
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False, timeout=1, **kwargs)
        static_url = urlsplit(settings.STATIC_URL).path or "/static/"
        self.static_prefix = "/" + static_url.strip("/") + "/"

    def fetch(self, url, headers=None):
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            if len(url) > DATA_URL_MAX_BYTES:
                self.refuse(url, "data URL too large")
            return super().fetch(url, headers)
        if scheme != "file":
            self.refuse(url, "protocol not allowed")
        path = self.static_path(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url=path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
        )

    def static_path(self, url) -> Path:
        """The file on disk a `file:` URL names, if it lies inside a static directory."""
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            self.refuse(url, "remote file URL")
        raw = unquote(parts.path)
        roots = static_roots()
        if raw.startswith(self.static_prefix):
            candidates = [root / raw[len(self.static_prefix) :] for root in roots]
        else:
            candidates = [Path(raw)]
        for candidate in candidates:
            # resolve() follows symlinks and removes "..": the real file must stay inside a root.
            real = candidate.resolve()
            if any(real.is_relative_to(root) for root in roots) and real.is_file():
                return real
        self.refuse(url, "outside the static files")

    def refuse(self, url, reason):
        logger.warning("PDF rendering refused to fetch %.200s: %s", url, reason)
        raise FetchRefused(f"{reason}: {url[:200]}")
