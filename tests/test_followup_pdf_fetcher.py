"""WeasyPrint loads only the portal's own static files and data: URLs while it renders a
report: no local files, no other hosts, no cloud metadata address, no network at all."""

import logging
import re
import socket
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.html import escape
from weasyprint.urls import URLFetchingError

from bench.followup_data import sample_plan, sample_round
from followup.models import ActivityReport
from followup.pdf.render import render_html, render_pdf
from portal.pdf.fetcher import PortalURLFetcher, static_base_url
from tests.pdf_helpers import pdf_objects, pdf_text, unwrapped

PASSWD = Path("/etc/passwd")
#: The first line of /etc/passwd on any Linux machine the tests run on.
PASSWD_CONTENT = b"root:x:0:0"


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any attempt to resolve a name or open a connection is recorded (and fails)."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network use in a test")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    yield
    assert attempts == []


#: Where the fetcher says what it refused, for whoever runs the portal.
FETCHER_LOG = "portal.pdf.fetcher"
OTHER_ORIGIN = "not the portal's static files"
OUTSIDE = "outside the static files"
NOT_PLAIN = "not a plain path below the static files"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/passwd", OTHER_ORIGIN),
        ("FILE:///etc/passwd", OTHER_ORIGIN),
        ("http://169.254.169.254/latest/meta-data/iam/security-credentials/", OTHER_ORIGIN),
        ("https://169.254.169.254/static/followup/report.css", OTHER_ORIGIN),
        ("https://evil.example/x.css", OTHER_ORIGIN),
        ("http://portal.invalid/static/followup/report.css", OTHER_ORIGIN),
        ("ftp://portal.invalid/static/followup/report.css", OTHER_ORIGIN),
        # The credentials make the host part another origin's.
        ("https://user:secret@portal.invalid/static/followup/report.css", OTHER_ORIGIN),
        ("https://portal.invalid/static/../../etc/passwd", NOT_PLAIN),
        ("https://portal.invalid/static/followup/%2e%2e/%2e%2e/%2e%2e/etc/passwd", NOT_PLAIN),
        ("https://portal.invalid/static/followup/..%2f..%2f..%2fportal%2fsettings.py", NOT_PLAIN),
        ("https://portal.invalid/static//etc/passwd", NOT_PLAIN),
        ("https://portal.invalid/staticx/followup/report.css", OUTSIDE),
        ("https://portal.invalid/media/followup/reports/1/round-1/report-v1.pdf", OUTSIDE),
        ("https://portal.invalid/static/followup/missing.css", "no such static file"),
        ("https://portal.invalid/static/vendor/htmx/htmx-2.0.11.min.js", "file type not used"),
        ("https://portal.invalid/static/vendor/htmx/README.md", "file type not used"),
    ],
)
def test_the_fetcher_refuses(url, reason, caplog):
    caplog.set_level(logging.WARNING, logger=FETCHER_LOG)
    with pytest.raises(URLFetchingError, match=re.escape(reason)):
        PortalURLFetcher().fetch(url)
    assert "refused to load" in caplog.text


def test_the_fetcher_serves_the_reports_stylesheet_from_disk():
    url = static_base_url() + "followup/report.css"
    assert url == "https://portal.invalid/static/followup/report.css"

    response = PortalURLFetcher().fetch(url)

    assert response.content_type == "text/css"
    assert response.read() == (Path(settings.BASE_DIR) / "static/followup/report.css").read_bytes()


def test_the_fetcher_serves_data_urls():
    response = PortalURLFetcher().fetch("data:image/svg+xml;base64,PHN2Zy8+")

    assert response.content_type == "image/svg+xml"
    assert response.read() == b"<svg/>"


def test_markup_that_slipped_through_cannot_load_local_or_remote_files(monkeypatch, caplog):
    """Even raw markup (as if the template had not escaped a user's text) reaches nothing:
    stylesheets, @import, images, objects and attachments all go through the fetcher."""
    assert PASSWD_CONTENT in PASSWD.read_bytes()
    asked = []
    original = PortalURLFetcher.fetch

    def recording(self, url, headers=None):
        asked.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(PortalURLFetcher, "fetch", recording)
    caplog.set_level(logging.WARNING, logger=FETCHER_LOG)
    html = """<!DOCTYPE html><html lang="sv"><head><title>Prov</title>
      <style>@import url(https://evil.example/x.css); @import url("file:///etc/passwd");
        body { background: url(http://169.254.169.254/latest/meta-data/) }</style>
      <link rel="stylesheet" href="file:///etc/passwd">
      <link rel="attachment" href="file:///etc/passwd">
      <link rel="stylesheet" href="followup/report.css">
      </head><body><h1>Prov</h1>
      <img src="file:///etc/passwd" alt="a"><img src="../../../../etc/passwd" alt="b">
      <object data="file:///etc/passwd"></object><embed src="file:///etc/passwd">
      </body></html>"""

    pdf = render_pdf(html)

    assert PASSWD_CONTENT not in pdf_objects(pdf.data)
    assert "root:x" not in pdf_text(pdf.data)
    assert "https://evil.example/x.css" in asked
    assert "file:///etc/passwd" in asked
    assert "https://portal.invalid/etc/passwd" in asked  # the relative path, resolved
    assert caplog.text.count("refused to load") >= 4
    # The real stylesheet was loaded: the page has the report's A4 format.
    assert "https://portal.invalid/static/followup/report.css" in asked


def test_what_users_type_is_text_in_the_report(db):
    round = sample_round(sample_plan(2, slug="fetcher-prov"), reported=1.0)
    hostile = (
        '<link rel="attachment" href="file:///etc/passwd"><img src=file:///etc/passwd>'
        "<style>@import url(https://evil.example/x.css)</style>"
    )
    report = ActivityReport.objects.filter(round=round).first()
    ActivityReport.objects.filter(pk=report.pk).update(state="submitted", work_done=hostile)

    html = render_html(round)

    assert escape("<img src=file:///etc/passwd>") in html
    assert "<img src=file" not in html and '<link rel="attachment"' not in html
    pdf = render_pdf(html)
    # Unwrapped: the line may break inside the URL (after a slash).
    assert unwrapped("<img src=file:///etc/passwd>") in unwrapped(pdf_text(pdf.data))
    assert PASSWD_CONTENT not in pdf_objects(pdf.data)
