"""portal.tasks: a task queued after a write is never lost to a broker outage."""

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from portal import tasks
from portal.tasks import clear_expired_sessions, enqueue, owed_window, requeue


def test_enqueue_sends_the_task_once_the_write_commits(
    db, broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enqueue(clear_expired_sessions, 7)
    assert broker.sent == []  # nothing before the commit
    callbacks[0]()
    assert broker.sent == [("portal.tasks.clear_expired_sessions", (7,))]


def test_a_broker_outage_is_logged_and_the_request_goes_on(
    db, broker, django_capture_on_commit_callbacks, caplog
):
    broker.down = True
    with (
        caplog.at_level(logging.WARNING, logger="portal.tasks"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        enqueue(clear_expired_sessions, 7)
    assert broker.sent == []
    assert caplog.messages == [
        "portal.tasks.clear_expired_sessions(7) was not queued (OperationalError: Error 111 "
        "connecting to 127.0.0.1:6379. Connection refused.); "
        "the sweeper queues it again once the broker answers."
    ]


def test_other_errors_are_not_swallowed(db, monkeypatch, django_capture_on_commit_callbacks):
    """Only an unreachable broker is a reason to leave the job to the sweeper."""
    from celery.app.task import Task

    def broken(task, args=None, kwargs=None, **options):
        raise TypeError("Object of type set is not JSON serializable")

    monkeypatch.setattr(Task, "apply_async", broken)
    with (
        pytest.raises(TypeError, match="not JSON serializable"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        enqueue(clear_expired_sessions, {1})


def test_requeue_stops_at_the_first_refusal(db, broker, caplog):
    assert requeue(clear_expired_sessions, [1, 2]) == 2
    caplog.clear()
    broker.down = True
    with caplog.at_level(logging.WARNING, logger="portal.tasks"):
        assert requeue(clear_expired_sessions, [3, 4, 5]) == 0
    assert len(caplog.records) == 1  # one refusal, and the rest wait for the next sweep
    assert broker.sent == [
        ("portal.tasks.clear_expired_sessions", (1,)),
        ("portal.tasks.clear_expired_sessions", (2,)),
    ]


def test_a_job_is_owed_from_a_minute_after_its_action_for_a_day(monkeypatch):
    now = timezone.now()
    monkeypatch.setattr(tasks.timezone, "now", lambda: now)
    assert owed_window() == (now - timedelta(days=1), now - timedelta(minutes=1))


def test_the_sweepers_run_every_minute():
    from django.conf import settings

    entries = settings.CELERY_BEAT_SCHEDULE.values()
    schedule = {entry["task"]: entry["schedule"] for entry in entries}
    assert schedule["actionplans.tasks.requeue_owed_jobs"] == 60
    assert schedule["followup.tasks.requeue_owed_jobs"] == 60


def test_every_task_a_view_queues_is_swept(monkeypatch, db):
    """A new background job queued by a view also needs its owed rows in its app's sweep."""
    import re
    from pathlib import Path

    from actionplans import tasks as actionplans_tasks
    from followup import tasks as followup_tasks
    from strategy import tasks as strategy_tasks

    root = Path(__file__).resolve().parent.parent
    queued = set()
    for app in ("portal", "strategy", "actionplans", "followup"):
        for path in (root / app / "views").glob("*.py") if (root / app / "views").is_dir() else []:
            queued |= set(re.findall(r"enqueue\((?:\w+\.)*(\w+),", path.read_text()))
    assert {"send_offer_mails", "build_report", "check_import"} <= queued
    swept = set()

    def recording(task, ids):
        swept.add(task.__name__)
        return 0

    for module in (actionplans_tasks, followup_tasks, strategy_tasks):
        monkeypatch.setattr(module, "requeue", recording)
        module.requeue_owed_jobs()
    assert queued - swept == set()
