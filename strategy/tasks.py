"""Celery tasks of the strategy app: the daily steps its strategies' dates take."""

import logging

from celery import shared_task
from django.db import OperationalError

from strategy.services import dates

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def strategies_by_date() -> int:
    """Idempotent: each step moves a strategy only from the state it was in when its row was
    locked, so a second run (or a retry) finds nothing to change."""
    changed = dates.strategies_by_date()
    if changed:
        logger.info("Strategies moved by date: %s", ", ".join(s.slug for s in changed))
    return len(changed)
