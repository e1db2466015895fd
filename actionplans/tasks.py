"""Celery tasks of action plans: checking and saving uploaded plan files.

Thin and idempotent: each takes an id and moves the import from one state to the next with
a conditional update, so a task that runs twice (a retry, a redelivery after a killed
worker) does its work once.
"""

import logging

from celery import shared_task
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actionplans.access import plan_access
from actionplans.models import PlanImport
from actionplans.spreadsheet import importer
from actionplans.spreadsheet.safety import FileRefused

log = logging.getLogger(__name__)
State = PlanImport.State


def _data(plan_import: PlanImport) -> bytes:
    with plan_import.file.open("rb") as handle:
        return handle.read()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def check_import(import_id: int) -> str:
    plan_import = PlanImport.objects.select_related("plan", "uploaded_by").get(pk=import_id)
    if plan_import.state != State.CHECKING:
        return plan_import.state
    access = plan_access(plan_import.uploaded_by, plan_import.plan)
    fields = {"finished_at": timezone.now()}
    try:
        result = importer.preview(plan=plan_import.plan, data=_data(plan_import), access=access)
    except FileRefused as refusal:
        fields.update(state=State.INVALID, message=refusal.message, errors=[])
    else:
        fields.update(
            state=State.READY if result.ok else State.INVALID,
            summary=result.summary(),
            errors=importer.errors_as_json(result.errors),
            versions=result.versions(),
            message="",
        )
    # The import is an operation log, not audited content: a plain conditional update.
    PlanImport.objects.filter(pk=import_id, state=State.CHECKING).update(**fields)
    return fields["state"]


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def apply_import(import_id: int) -> str:
    plan_import = PlanImport.objects.select_related("plan", "uploaded_by").get(pk=import_id)
    if plan_import.state != State.APPLYING:
        return plan_import.state
    access = plan_access(plan_import.uploaded_by, plan_import.plan)
    try:
        with transaction.atomic():
            counts = importer.apply(
                plan=plan_import.plan,
                data=_data(plan_import),
                user=plan_import.uploaded_by,
                access=access,
                versions=plan_import.versions,
            )
            # In the same transaction as the writes: saved and marked done together, so a
            # worker killed in between leaves neither and the redelivered task starts over.
            done = PlanImport.objects.filter(pk=import_id, state=State.APPLYING).update(
                state=State.DONE,
                summary={**plan_import.summary, "saved": counts},
                finished_at=timezone.now(),
            )
            if done != 1:
                transaction.set_rollback(True)
        return State.DONE
    except importer.ImportStale:
        message = _("The plan changed after the preview. Check the file again to see the changes.")
    except (ValidationError, FileRefused) as problem:
        message = " ".join(getattr(problem, "messages", [getattr(problem, "message", "")]))
    except PermissionDenied:
        message = _("You may no longer edit this plan.")
    except Exception:
        log.exception("import %s failed", import_id)
        message = _("Saving failed unexpectedly; nothing was saved. Try again.")
    PlanImport.objects.filter(pk=import_id, state=State.APPLYING).update(
        state=State.FAILED, message=message, finished_at=timezone.now()
    )
    return State.FAILED
