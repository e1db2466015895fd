"""The report is built by a real worker through the configured broker, and a worker process
killed in the middle of a build hands the report to the next one: one report, one file."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from bench.followup_data import sample_plan, sample_round
from followup.models import Report
from followup.pdf.task import build_report
from tests.workers import running_worker

State = Report.State


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


def _wait_for(condition, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def _files(media: Path) -> list[Path]:
    return [path for path in media.rglob("*") if path.is_file()]


def _new_report(slug: str) -> Report:
    round = sample_round(sample_plan(3, slug=slug), reported=1.0)
    return Report.objects.create(round=round, version=1)


def test_the_report_is_built_in_a_real_worker(transactional_db, media):
    report = _new_report("arbetare")

    # Started once the data is written: on SQLite nothing may read while the test writes.
    with running_worker(shutdown_timeout=10) as worker:
        result = build_report.delay(report.pk)
        assert worker.finished(result.id) == "SUCCESS"
    report.refresh_from_db()
    assert report.state == State.DONE
    assert report.pages > 1 and report.attempts == 1
    assert [path.name for path in _files(media)] == ["report-v1.pdf"]


# --- A worker killed mid-build ----------------------------------------------------------------

ON_SERVERS = settings.DATABASES["default"]["ENGINE"].endswith("postgresql") and (
    settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://"))
)


def _test_database_url() -> str:
    """The test database (not the configured one) for the worker subprocess."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"])
    host = f"{credentials}@" if credentials else ""
    host += f"{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"
    return f"postgres://{host}/{quote(db['NAME'])}"


def _children(pid: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:  # the field after the state is the parent's pid
            children.append(int(stat.parent.name))
    return children


@pytest.mark.skipif(
    not ON_SERVERS,
    reason="needs PostgreSQL and Redis (DATABASE_URL, CELERY_BROKER_URL): a worker in "
    "another process cannot reach SQLite's in-memory test database",
)
def test_a_killed_worker_process_hands_the_report_to_the_next(transactional_db, media, tmp_path):
    report = _new_report("dödad-arbetare")
    log = tmp_path.parent / f"{tmp_path.name}-worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "DJANGO_MEDIA_ROOT": str(media),
        # followup.pdf.task waits this long before rendering (only with DEBUG on), so that
        # the build can be killed in the middle.
        "DJANGO_DEBUG": "1",
        "PORTAL_REPORT_RENDER_DELAY": "2",
    }
    command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=prefork"]
    command += ["--concurrency=1", "--loglevel=INFO", "--without-mingle", "--without-gossip"]
    command += [f"--hostname=report-kill-{os.getpid()}@%h"]
    with open(log, "wb") as output:
        worker = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        build_report.delay(report.pk)
        assert _wait_for(lambda: Report.objects.get(pk=report.pk).state == State.RUNNING), (
            log.read_text()
        )
        children = _children(worker.pid)
        assert len(children) == 1, children
        # The pool's process dies in the middle of the build; the main process survives,
        # sees the loss and (reject_on_worker_lost) puts the message back on the queue.
        os.kill(children[0], signal.SIGKILL)

        assert _wait_for(lambda: Report.objects.get(pk=report.pk).state == State.DONE), (
            log.read_text()
        )
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()

    report.refresh_from_db()
    assert report.attempts == 2  # the killed build and the one that finished
    assert Report.objects.filter(round=report.round).count() == 1
    assert [path.name for path in _files(media)] == ["report-v1.pdf"]
    assert "WorkerLostError" in log.read_text() or "SIGKILL" in log.read_text()
