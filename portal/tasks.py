"""The portal's own Celery tasks, and how every app queues its tasks.

A view queues the task that follows a service's write with ``enqueue(task, pk)``: the
message leaves once the transaction commits, so a worker never looks for a row that is not
there yet. If the broker cannot be reached the write stands, the request answers as usual
and the failure is logged: nothing a user did is lost, because the row itself says that
its job is still owed (an import in ``checking``, a report ``queued``, an offer without its
mails), and each app's minutely ``requeue_owed_jobs`` (beat) queues again what is owed
from a minute after its action (``owed_window``). The same sweep covers a message the
broker accepted and then lost (a Redis restarted without persistence). Every task is
idempotent (a conditional update, ``portal.mail.send_once``), so a job queued twice, by the
view and by the sweep, does its work once.
"""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from celery import Task, shared_task
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnreachable

log = logging.getLogger(__name__)

#: What publishing raises when the broker cannot be reached: kombu's error once its
#: retries are spent (Redis), an OSError from the embedded broker's files.
BROKER_ERRORS = (BrokerUnreachable, OSError)

#: A job is owed once its message has had this long to reach a worker ...
REQUEUE_AFTER = timedelta(minutes=1)
#: ... and for this long after its action: a mail a day late is still worth sending, and
#: a sweep looks at a bounded number of rows. (A report's build is given up sooner, after
#: its time limit: followup.tasks.STALLED_AFTER.)
OWED_FOR = timedelta(days=1)


def enqueue(task: Task, *args: Any) -> None:
    """Queue ``task(*args)`` once the current transaction commits (at once outside one);
    a broker that cannot be reached is logged, and the sweep queues the job later."""
    transaction.on_commit(partial(publish, task, *args))


def publish(task: Task, *args: Any) -> bool:
    """Send ``task(*args)`` to the broker now; False (and a warning) if it is unreachable."""
    try:
        task.apply_async(args)
    except BROKER_ERRORS as error:
        log.warning(
            "%s(%s) was not queued (%s: %s); the sweeper queues it again once the broker answers.",
            task.name,
            ", ".join(map(repr, args)),
            type(error).__name__,
            error,
        )
        return False
    return True


def requeue(task: Task, ids: Iterable[int]) -> int:
    """Queue ``task(pk)`` for each owed row; returns how many were queued. Stops at the
    first refusal: the rest are still owed at the next sweep."""
    queued = 0
    for pk in ids:
        if not publish(task, pk):
            break
        queued += 1
    if queued:
        log.info("Queued %s owed %s job(s) again.", queued, task.name)
    return queued


def owed_window() -> tuple[datetime, datetime]:
    """(since, before): a job whose action falls between them and is not done is owed."""
    now = timezone.now()
    return now - OWED_FOR, now - REQUEUE_AFTER


@shared_task
def clear_expired_sessions() -> int:
    """Delete expired sessions (run by Celery beat); returns how many were removed."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
