"""The report's build task, called in the test process: it claims and finishes with
conditional updates, so running twice makes one file and one finished report, and a
failure ends as a readable error instead of a retry loop."""

import hashlib
import os
from pathlib import Path

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError

from bench.followup_data import sample_plan, sample_round
from followup.models import Report
from followup.pdf import render
from followup.pdf.task import MAX_ATTEMPTS, build_report, report_file_name
from followup.tasks import ORPHAN_AFTER, remove_orphan_report_files
from portal.pdf.render import RenderedPdf, ReportTooLarge

State = Report.State
FAKE = RenderedPdf(data=b"%PDF-1.7 fake report", pages=2)


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


@pytest.fixture
def report(db, media) -> Report:
    round = sample_round(sample_plan(3, slug="bygg"), reported=1.0)
    return Report.objects.create(round=round, version=1)


@pytest.fixture
def fake_render(monkeypatch):
    """The build without WeasyPrint (render_pdf is tested in test_report_render)."""
    calls = []

    def fake(html):
        calls.append(html)
        return FAKE

    monkeypatch.setattr(render, "render_pdf", fake)
    return calls


def _files(media: Path) -> list[Path]:
    return sorted(path for path in media.rglob("*") if path.is_file())


def test_building_twice_makes_one_file_and_one_finished_report(report, media):
    assert build_report(report.pk) == State.DONE
    assert build_report(report.pk) == State.DONE

    report.refresh_from_db()
    files = _files(media)
    assert len(files) == 1
    assert report.state == State.DONE
    assert report.file.name == report_file_name(report)
    assert (
        report.file.name
        == f"followup/reports/{report.round.plan_id}/round-{report.round_id}/report-v1.pdf"
    )
    data = files[0].read_bytes()
    assert data.startswith(b"%PDF-1.7")
    assert report.sha256 == hashlib.sha256(data).hexdigest()
    assert report.size == len(data)
    assert report.pages > 1
    assert report.attempts == 1
    assert report.started_at and report.finished_at and report.error == ""
    # The change to done is in the report's history.
    assert report.history.first().state == State.DONE


def test_a_finished_report_is_left_alone(report, media, fake_render):
    Report.objects.filter(pk=report.pk).update(
        state=State.DONE, file="followup/reports/old.pdf", sha256="a" * 64
    )

    assert build_report(report.pk) == State.DONE

    report.refresh_from_db()
    assert (report.file.name, report.sha256, report.attempts) == (
        "followup/reports/old.pdf",
        "a" * 64,
        0,
    )
    assert fake_render == [] and _files(media) == []


def test_a_failed_report_is_left_alone(report, media, fake_render):
    Report.objects.filter(pk=report.pk).update(state=State.FAILED, error="earlier")

    assert build_report(report.pk) == State.FAILED

    assert Report.objects.get(pk=report.pk).error == "earlier"
    assert fake_render == []


def test_a_redelivery_after_a_killed_worker_takes_the_running_report_over(
    report, media, fake_render
):
    Report.objects.filter(pk=report.pk).update(state=State.RUNNING, attempts=1)

    assert build_report(report.pk) == State.DONE

    report.refresh_from_db()
    assert (report.state, report.attempts) == (State.DONE, 2)
    assert len(_files(media)) == 1


def test_a_report_whose_build_died_every_time_is_given_up(report, media, fake_render):
    Report.objects.filter(pk=report.pk).update(state=State.RUNNING, attempts=MAX_ATTEMPTS)

    assert build_report(report.pk) == State.FAILED

    report.refresh_from_db()
    assert report.state == State.FAILED
    assert str(MAX_ATTEMPTS) in report.error
    assert fake_render == []


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (ValueError("a bug"), "ValueError"),
        (ReportTooLarge("needed more than 1024 MB"), "needed more than 1024 MB"),
        (SoftTimeLimitExceeded(), "570"),
    ],
)
def test_a_failure_is_stored_and_not_retried(report, media, monkeypatch, error, expected):
    def broken(html):
        raise error

    monkeypatch.setattr(render, "render_pdf", broken)

    assert build_report(report.pk) == State.FAILED  # returned, not raised: no retry

    report.refresh_from_db()
    assert report.state == State.FAILED
    assert expected in report.error
    assert report.finished_at is not None and not report.file
    assert _files(media) == []
    assert report.history.first().state == State.FAILED


def test_a_transient_error_is_raised_for_the_retry(report, media, monkeypatch):
    def flaky(html):
        raise OperationalError("the database went away")

    monkeypatch.setattr(render, "render_pdf", flaky)

    with pytest.raises(OperationalError, match="the database went away"):
        build_report(report.pk)

    report.refresh_from_db()
    assert (report.state, report.attempts) == (State.RUNNING, 1)  # the retry claims it again


def test_the_last_retry_of_a_transient_error_fails_the_report(report, media, monkeypatch):
    def flaky(html):
        raise OperationalError("the database went away")

    monkeypatch.setattr(render, "render_pdf", flaky)

    build_report.apply(args=[report.pk], retries=build_report.max_retries)

    report.refresh_from_db()
    assert report.state == State.FAILED
    assert "OperationalError" in report.error


def test_when_another_delivery_finishes_first_the_extra_file_is_deleted(report, media, monkeypatch):
    def render_while_another_finishes(html):
        # The other delivery of the same message stores its file and finishes meanwhile.
        (media / "other.pdf").write_bytes(b"%PDF other")
        Report.objects.filter(pk=report.pk).update(state=State.DONE, file="other.pdf")
        return FAKE

    monkeypatch.setattr(render, "render_pdf", render_while_another_finishes)

    build_report(report.pk)

    report.refresh_from_db()
    assert report.state == State.DONE and report.file.name == "other.pdf"
    assert _files(media) == [media / "other.pdf"]


def test_an_unknown_report_is_nothing_to_do(db, fake_render):
    assert build_report(999_999) == ""
    assert fake_render == []


def _age(path: Path, seconds: float) -> None:
    stamp = path.stat().st_mtime - seconds
    os.utime(path, (stamp, stamp))


def test_a_file_left_by_a_worker_killed_before_finishing_is_removed_later(
    report, media, fake_render, monkeypatch
):
    # The killed run stored its file, then died before finishing the report.
    killed_run = media / report_file_name(report)
    killed_run.parent.mkdir(parents=True)
    killed_run.write_bytes(b"%PDF from the killed run")
    Report.objects.filter(pk=report.pk).update(state=State.RUNNING, attempts=1)
    # The redelivery builds the report and stores its file under a new name.
    assert build_report(report.pk) == State.DONE
    report.refresh_from_db()
    assert report.file.name != report_file_name(report)
    # A file of another build still running, stored a moment ago, and an unrelated file.
    running = killed_run.with_name("report-v2.pdf")
    running.write_bytes(b"%PDF still running")
    unrelated = media / "elsewhere.pdf"
    unrelated.write_bytes(b"%PDF")
    for path in (killed_run, media / report.file.name, unrelated):
        _age(path, ORPHAN_AFTER.total_seconds() + 60)

    assert remove_orphan_report_files() == 1

    assert not killed_run.exists()
    assert _files(media) == sorted([media / report.file.name, running, unrelated])
    assert remove_orphan_report_files() == 0  # nothing left to do
    # Once the running build is past its time limit and never finished, its file goes too.
    _age(running, ORPHAN_AFTER.total_seconds() + 60)
    assert remove_orphan_report_files() == 1
    assert _files(media) == sorted([media / report.file.name, unrelated])


def test_the_orphan_sweep_with_nothing_stored(db, media):
    assert remove_orphan_report_files() == 0


def test_a_deleted_reports_file_is_an_orphan(report, media, fake_render):
    build_report(report.pk)
    report.refresh_from_db()
    stored = media / report.file.name
    _age(stored, ORPHAN_AFTER.total_seconds() + 60)
    assert remove_orphan_report_files() == 0  # still referred to

    report.delete()

    assert remove_orphan_report_files() == 1
    assert not stored.exists()
