"""Tasks run in a real worker process through the configured broker (Redis in CI)."""

from datetime import timedelta

from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from portal.celery import app as celery_app
from portal.tasks import clear_expired_sessions
from tests.workers import running_worker


def test_tasks_are_never_eager():
    assert celery_app.conf.task_always_eager is False


def test_every_scheduled_task_exists():
    # A misspelt name in the beat schedule would only show as an error in the worker's log.
    celery_app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in celery_app.conf.beat_schedule.values()}
    assert scheduled
    assert scheduled - set(celery_app.tasks) == set()


def test_clear_expired_sessions_runs_in_the_worker(transactional_db):
    live = SessionStore()
    live.create()
    expired = SessionStore()
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - timedelta(days=1)
    )

    # Started once the data is written: on SQLite nothing may read while the test writes.
    with running_worker(shutdown_timeout=10) as worker:
        result = clear_expired_sessions.delay()
        assert worker.finished(result.id) == "SUCCESS"
    assert not Session.objects.filter(session_key=expired.session_key).exists()
    assert Session.objects.filter(session_key=live.session_key).exists()
