"""actionplans.tasks: an import left checking or saving is given up (the other sweeper, for
jobs a broker outage kept from a worker, is in test_actionplans_tasks.py)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from actionplans import tasks
from actionplans.models import PlanImport
from portal.celery import app as celery_app


def test_the_stalled_imports_are_given_up_by_beat():
    schedule = {entry["task"]: entry for entry in celery_app.conf.beat_schedule.values()}
    entry = schedule["actionplans.tasks.fail_stalled_imports"]
    # Often enough that an import cut off in the request waits minutes, not hours.
    assert entry["schedule"] <= tasks.SYNC_IMPORT_STALLED_AFTER.total_seconds()
    assert timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT) < tasks.IMPORT_STALLED_AFTER


def test_fail_stalled_imports(programme):
    plan_import = PlanImport.objects.create(
        plan=programme.draft_plan,
        uploaded_by=programme.coordinator,
        original_name="plan.xlsx",
        size=10 * 2**20,
        sha256="0" * 64,
        state="checking",
    )
    assert tasks.fail_stalled_imports() == 0  # a fresh check is left alone
    PlanImport.objects.filter(pk=plan_import.pk).update(
        started_at=timezone.now() - tasks.IMPORT_STALLED_AFTER - timedelta(minutes=1)
    )
    assert tasks.fail_stalled_imports() == 1
    plan_import.refresh_from_db()
    assert plan_import.state == "failed" and plan_import.message
