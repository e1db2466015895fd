"""A real Celery worker in a thread of the test process, for the tests that need one."""

import contextlib
import logging
import threading
from collections.abc import Iterator
from typing import Any

from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun

from portal.celery import app as celery_app


class Worker:
    """What the worker has finished, so that a test waits for its task without polling the
    database. On SQLite the test database is in memory, shared by the test's thread and the
    worker's through SQLite's shared cache, whose table locks do not wait: a test reading
    the table the task is writing made the task fail with "database table is locked"."""

    def __init__(self) -> None:
        self.states: dict[str, str] = {}
        self.changed = threading.Condition()

    def record(self, task_id: str = "", state: str | None = None, **_signal: Any) -> None:
        """A receiver of Celery's task_postrun."""
        with self.changed:
            self.states[task_id] = state or ""
            self.changed.notify_all()

    def finished(self, task_id: str, *, timeout: float = 60) -> str | None:
        """The task's final state (SUCCESS, FAILURE), or None if it has not finished in
        ``timeout`` seconds. A retry is not final: its next run is waited for."""
        with self.changed:
            self.changed.wait_for(
                lambda: self.states.get(task_id, "RETRY") != "RETRY", timeout=timeout
            )
            state = self.states.get(task_id)
        return None if state in (None, "RETRY") else state


@contextlib.contextmanager
def running_worker(*, shutdown_timeout: float = 10) -> Iterator[Worker]:
    """A worker for the messages sent from now on. What earlier tests left on the broker
    is purged first: on SQLite, a leftover task's reads, while the test still wrote its
    data, made the test's own writes fail with "database table is locked".

    Celery's worker sets up logging as a worker process would: it takes the root
    logger's handlers and sets its level to ERROR. That outlives the worker, and every
    later test's warnings went unseen, so the logging is put back as it was."""
    celery_app.control.purge()
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    worker = Worker()

    task_postrun.connect(worker.record, weak=False)
    try:
        with start_worker(
            celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=shutdown_timeout
        ):
            yield worker
    finally:
        task_postrun.disconnect(worker.record)
        root.setLevel(level)
        root.handlers[:] = handlers
