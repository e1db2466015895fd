"""manage.py generate_followup_report: a new version the way the web makes one, and --wait
for the worker's result."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bench.followup_data import sample_plan, sample_round
from followup.models import Report
from followup.pdf import render
from followup.pdf.task import build_report
from portal.pdf.render import RenderedPdf
from tests.factories import UserFactory


@pytest.fixture
def round_(db, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return sample_round(sample_plan(2, slug="kommando"), reported=1.0)


@pytest.fixture
def built_at_once(monkeypatch):
    """The build runs as it is queued (in the tests nothing commits, so nothing is sent)."""
    queued = []

    def run_now(report_id):
        queued.append(report_id)
        build_report(report_id)

    monkeypatch.setattr(build_report, "delay_on_commit", run_now)
    return queued


def test_the_command_queues_a_new_version(round_, django_capture_on_commit_callbacks):
    coordinator = UserFactory(username="kommando-samordnare")
    out = io.StringIO()
    with django_capture_on_commit_callbacks() as callbacks:
        call_command(
            "generate_followup_report", round_.pk, "--user", coordinator.username, stdout=out
        )

    report = Report.objects.get(round=round_)
    assert (report.version, report.state, report.requested_by) == (1, "queued", coordinator)
    assert len(callbacks) == 1  # the build is sent to the worker once the request commits
    assert "v1" in out.getvalue()


def test_wait_prints_the_file(round_, built_at_once, monkeypatch):
    monkeypatch.setattr(render, "render_pdf", lambda html: RenderedPdf(b"%PDF-1.7 x", 4))
    out = io.StringIO()

    call_command("generate_followup_report", round_.pk, "--wait", "--timeout", "5", stdout=out)

    report = Report.objects.get(round=round_)
    assert built_at_once == [report.pk]
    assert report.file.name in out.getvalue()
    assert report.sha256 in out.getvalue() and "4 pages" in out.getvalue()


def test_wait_fails_with_the_reports_error(round_, built_at_once, monkeypatch):
    def broken(html):
        raise ValueError("boom")

    monkeypatch.setattr(render, "render_pdf", broken)

    with pytest.raises(CommandError, match=r"failed: .*ValueError"):
        call_command("generate_followup_report", round_.pk, "--wait", stdout=io.StringIO())


def test_unknown_round_or_user(round_):
    with pytest.raises(CommandError, match="No follow-up round 999999"):
        call_command("generate_followup_report", 999_999)
    with pytest.raises(CommandError, match="No user 'nobody'"):
        call_command("generate_followup_report", round_.pk, "--user", "nobody")
