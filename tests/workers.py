"""A real Celery worker in a thread of the test process, for the tests that need one."""

import contextlib
import logging
from collections.abc import Iterator

from celery.contrib.testing.worker import start_worker

from portal.celery import app as celery_app


@contextlib.contextmanager
def running_worker(*, shutdown_timeout: float = 10) -> Iterator[None]:
    """Celery's worker sets up logging as a worker process would: it takes the root
    logger's handlers and sets its level to ERROR. That outlives the worker, and every
    later test's warnings went unseen, so the logging is put back as it was."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        with start_worker(
            celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=shutdown_timeout
        ):
            yield
    finally:
        root.setLevel(level)
        root.handlers[:] = handlers
