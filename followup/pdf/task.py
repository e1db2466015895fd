"""The Celery task that builds a round's PDF report.

Idempotent through conditional updates whose row counts it checks, so that a retry, a
message delivered twice or a redelivery after a killed worker builds one report:

1. claim: queued or running (a redelivered message finds the killed run's ``running``) and
   no file yet -> running, attempts + 1; no row means done or failed already: nothing to do;
2. render and store the file under a new name (storage never overwrites);
3. finish: still running and no file -> done with the file; no row means another delivery
   finished first, and the file just stored is deleted.

A worker that dies between 2 and 3 leaves its file behind; the hourly
followup.tasks.remove_orphan_report_files deletes it once the time limit has passed.

A report that cannot be built is marked failed with a message the coordinator can read
and is not retried; only transient errors (database, storage connection) are.
"""

import hashlib
import logging
import os
import time
from datetime import datetime

from botocore.exceptions import ConnectionError as BotoConnectionError
from botocore.exceptions import HTTPClientError
from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from followup.models import Report

log = logging.getLogger(__name__)
State = Report.State

#: A message redelivered this often (the worker died each time: killed, out of memory) is
#: given up on instead of being handed out for ever.
MAX_ATTEMPTS = 8


class TransientStorageError(Exception):
    """The storage answered with an error worth retrying (S3 5xx, throttling)."""


TRANSIENT_ERRORS = (
    OperationalError,
    InterfaceError,
    ConnectionError,
    TimeoutError,
    BotoConnectionError,
    HTTPClientError,
    TransientStorageError,
)


#: Where the reports' files are, on the storage; nothing else is stored under it.
REPORTS_ROOT = "followup/reports"


def report_file_name(report: Report) -> str:
    followup_round = report.round
    return (
        f"{REPORTS_ROOT}/{followup_round.plan_id}/round-{followup_round.pk}"
        f"/report-v{report.version}.pdf"
    )


def report_storage():
    # The field's storage is Django's default storage (local files or S3).
    return Report._meta.get_field("file").storage


def _stored_files(storage, folder: str):
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # nothing stored yet (local files; S3 lists nothing)
        return
    for name in files:
        yield f"{folder}/{name}"
    for name in folders:
        yield from _stored_files(storage, f"{folder}/{name}")


def orphan_report_files(*, stored_before: datetime) -> list[str]:
    """Files under REPORTS_ROOT that no report refers to, stored before ``stored_before``.

    A worker killed after storing the file and before finishing the report leaves its file
    behind; the redelivered run stores its own under a new name. So do deleted reports. A
    file younger than the build's time limit may belong to a run that is about to finish,
    which is why the caller passes a cutoff at least that far back.
    """
    storage = report_storage()
    referenced = set(Report.objects.exclude(file="").values_list("file", flat=True))
    return [
        name
        for name in _stored_files(storage, REPORTS_ROOT)
        if name not in referenced and storage.get_modified_time(name) < stored_before
    ]


def _is_transient_storage_error(error: Exception) -> bool:
    response = getattr(error, "response", None)
    if not isinstance(response, dict):
        return False
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
    code = response.get("Error", {}).get("Code", "")
    return status >= 500 or code in {"SlowDown", "RequestTimeout", "ServiceUnavailable"}


def _test_delay() -> None:
    """PORTAL_REPORT_RENDER_DELAY=<seconds> makes the build wait before it renders, so that
    a test can kill the worker in the middle (tests/test_followup_pdf_task_worker.py). Honoured only
    with DEBUG on, so never in production."""
    if not settings.DEBUG:
        return
    try:
        seconds = float(os.environ.get("PORTAL_REPORT_RENDER_DELAY") or 0)
    except ValueError:
        return
    if seconds > 0:
        time.sleep(min(seconds, 120))


def _record_history(report_id: int, reason: str) -> None:
    """The final state change in the report's history: the conditional updates bypass
    save(), so simple-history would not see them."""
    report = Report.objects.get(pk=report_id)
    Report.history.bulk_history_create([report], update=True, default_change_reason=reason)


def _finish(report_id: int, **fields) -> bool:
    """Move a running report to its final state; False when it is not running any more."""
    with transaction.atomic():
        updated = Report.objects.filter(pk=report_id, state=State.RUNNING, file="").update(
            finished_at=timezone.now(), **fields
        )
        if updated:
            _record_history(report_id, f"report {fields['state']}")
    return bool(updated)


def _fail(report_id: int, message: str) -> str:
    _finish(report_id, state=State.FAILED, error=message)
    return State.FAILED


def _claim(report_id: int) -> bool:
    claimed = Report.objects.filter(
        pk=report_id, state__in=Report.IN_PROGRESS, file="", attempts__lt=MAX_ATTEMPTS
    ).update(state=State.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1)
    if claimed:
        return True
    # Still in progress with every attempt used: each run died without finishing.
    with translation.override(settings.LANGUAGE_CODE):
        message = _("The report could not be built: the build stopped %(count)s times.") % {
            "count": MAX_ATTEMPTS
        }
    Report.objects.filter(
        pk=report_id, state__in=Report.IN_PROGRESS, file="", attempts__gte=MAX_ATTEMPTS
    ).update(state=State.FAILED, error=message, finished_at=timezone.now())
    return False


@shared_task(
    name="followup.build_report",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    max_retries=5,
    time_limit=settings.REPORT_TIME_LIMIT,
    soft_time_limit=settings.REPORT_TIME_LIMIT - 30,
)
def build_report(self, report_id: int) -> str:
    # Imported here: WeasyPrint is heavy, and the web process imports this module only to
    # enqueue the task.
    from followup.pdf.render import render_html, render_pdf
    from portal.pdf.render import ReportTooLarge

    if not _claim(report_id):
        return Report.objects.filter(pk=report_id).values_list("state", flat=True).first() or ""
    report = Report.objects.select_related("round").get(pk=report_id)
    storage = report_storage()
    with translation.override(settings.LANGUAGE_CODE):
        try:
            _test_delay()
            html = render_html(report.round, version=report.version, generated_at=timezone.now())
            pdf = render_pdf(html)
            try:
                name = storage.save(report_file_name(report), ContentFile(pdf.data))
            except Exception as error:
                if _is_transient_storage_error(error):
                    raise TransientStorageError(str(error)) from error
                raise
        except TRANSIENT_ERRORS as error:
            if self.request.retries >= self.max_retries:
                log.exception("report %s: giving up after %s retries", report_id, self.max_retries)
                return _fail(
                    report_id,
                    _("The report could not be built: %(error)s, also after %(count)s retries.")
                    % {"error": type(error).__name__, "count": self.max_retries},
                )
            log.warning("report %s: %s, retrying", report_id, type(error).__name__)
            raise
        except SoftTimeLimitExceeded:
            log.warning("report %s: time limit", report_id)
            return _fail(
                report_id,
                _("Building the report took longer than %(seconds)s s and was stopped.")
                % {"seconds": settings.REPORT_TIME_LIMIT - 30},
            )
        except ReportTooLarge as error:
            log.warning("report %s: %s", report_id, error)
            return _fail(report_id, str(error))
        except Exception as error:
            # Not transient: retrying would fail the same way. The coordinator sees the
            # message on the round's page; the traceback is in the worker's log.
            log.exception("report %s failed", report_id)
            return _fail(
                report_id,
                _(
                    "The report could not be built because of an unexpected error "
                    "(%(error)s). Try again later, or tell the portal's administrator."
                )
                % {"error": type(error).__name__},
            )

    try:
        finished = _finish(
            report_id,
            state=State.DONE,
            file=name,
            sha256=hashlib.sha256(pdf.data).hexdigest(),
            size=len(pdf.data),
            pages=pdf.pages,
            error="",
        )
    except Exception:
        storage.delete(name)  # the retry stores its own
        raise
    if not finished:
        # Another delivery of the same message finished first; its file is the report.
        log.info("report %s was finished by another run; deleting %s", report_id, name)
        storage.delete(name)
        return Report.objects.filter(pk=report_id).values_list("state", flat=True).first() or ""
    return State.DONE
