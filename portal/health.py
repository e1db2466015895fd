"""Liveness checks of the services the portal needs, for /healthz."""

import logging
import os

from django.db import connection

from portal.celery import app as celery_app
from portal.celery import embedded_broker_folders

logger = logging.getLogger(__name__)


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("healthz: database check failed")
        return "error"
    return "ok"


def broker_url() -> str:
    return str(celery_app.conf.broker_write_url or celery_app.conf.broker_url)


def check_broker() -> str:
    url = broker_url()
    if url.startswith("filesystem://"):
        folders = embedded_broker_folders()
        ok = all(folder.is_dir() and os.access(folder, os.W_OK) for folder in folders)
        return "ok" if ok else "error"
    try:
        with celery_app.connection_for_write(url=url) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except Exception:
        logger.exception("healthz: broker check failed")
        return "error"
    return "ok"
