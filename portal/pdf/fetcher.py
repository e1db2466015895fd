"""What WeasyPrint may load while it renders a document: the portal's own static files and
``data:`` URLs, and nothing else.

WeasyPrint's default fetcher opens any URL it meets (``file://``, ``http://169.254.169.254/``,
an ``@import`` in a stylesheet, redirects). A document's HTML holds text that users typed;
it is escaped by the template, but the fetcher is the second wall: even if markup slipped
through, it could only reach files the portal serves to anyone at /static/ anyway. Static
files are read from disk through the staticfiles finders, so rendering makes no network
request at all.
"""

import logging
import mimetypes
import posixpath
from pathlib import Path
from urllib import request
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

log = logging.getLogger(__name__)

#: The made-up origin a document is rendered under. ``.invalid`` never resolves (RFC 2606),
#: so even a fetcher that went to the network by mistake could not reach anything.
PORTAL_ORIGIN = "https://portal.invalid/"

#: What a document may use from /static/: its stylesheet, images and fonts.
ALLOWED_SUFFIXES = {
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
}


def static_base_url() -> str:
    """The URL a document's relative links resolve against: the portal's STATIC_URL under
    the made-up origin (or STATIC_URL itself where it is absolute, e.g. a CDN)."""
    base = urljoin(PORTAL_ORIGIN, settings.STATIC_URL)
    return base if base.endswith("/") else base + "/"


class FetchRefused(URLFetchingError):
    """A URL a document may not load."""


class PortalURLFetcher(URLFetcher):
    """Serves the portal's static files and ``data:`` URLs; refuses everything else."""

    def __init__(self, static_base: str | None = None) -> None:
        # No redirects and only these schemes, in case anything reached the parent's opener.
        super().__init__(
            timeout=1, allowed_protocols=("https", "http", "data"), allow_redirects=False
        )
        self.static_base = static_base or static_base_url()

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        try:
            if url[:5].lower() == "data:":
                return self._data(url)
            return self._static(url)
        except FetchRefused as refusal:
            log.warning("report rendering: refused to load %.200s (%s)", url, refusal)
            raise

    def _data(self, url: str) -> URLFetcherResponse:
        # urllib's data: handler decodes in memory; it never opens a connection.
        try:
            response = request.DataHandler().data_open(request.Request(url))  # noqa: S310
        except ValueError as error:
            raise FetchRefused(f"malformed data URL: {error}") from error
        return URLFetcherResponse(url, body=response.read(), headers=dict(response.headers))

    def _static(self, url: str) -> URLFetcherResponse:
        path = self.static_path(url)
        found = finders.find(path)
        if not found:
            raise FetchRefused("no such static file")
        suffix = Path(found).suffix.lower()
        content_type = ALLOWED_SUFFIXES.get(suffix) or mimetypes.guess_type(found)[0]
        body = Path(found).read_bytes()
        headers = {"Content-Type": content_type or "application/octet-stream"}
        if content_type == "text/css":
            headers["Content-Type"] = "text/css; charset=utf-8"
        return URLFetcherResponse(url, body=body, headers=headers)

    def static_path(self, url: str) -> str:
        """The path under STATIC_URL that ``url`` names, or FetchRefused.

        Same scheme and host as the static base, below its path, with no dot segments or
        other tricks after percent-decoding, and an allowed file type.
        """
        try:
            parts = urlsplit(url)
            base = urlsplit(self.static_base)
        except ValueError as error:
            raise FetchRefused(f"malformed URL: {error}") from error
        if (
            parts.scheme.lower() != base.scheme.lower()
            or parts.netloc.lower() != base.netloc.lower()
        ):
            raise FetchRefused("not the portal's static files")
        if parts.username or parts.password:
            raise FetchRefused("credentials in the URL")
        if not parts.path.startswith(base.path):
            raise FetchRefused("outside the static files")
        relative = unquote(parts.path[len(base.path) :])
        segments = relative.split("/")
        if (
            not relative
            or any(segment in ("", ".", "..") for segment in segments)
            or "\\" in relative
            or "\x00" in relative
            or posixpath.normpath(relative) != relative
        ):
            raise FetchRefused("not a plain path below the static files")
        if posixpath.splitext(relative)[1].lower() not in ALLOWED_SUFFIXES:
            raise FetchRefused("file type not used by reports")
        return relative
