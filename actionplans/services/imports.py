"""Writes of spreadsheet imports: an uploaded plan file is stored, checked, and applied
all or nothing.

The request (small files) and the Celery worker (large ones, ``tasks.check_import`` and
``tasks.apply_import``) call the same functions here. Each moves the import from one state
to the next with a conditional update, so that one run twice (a retry, a redelivery after
a killed worker, a second click) does its work once. Whatever goes wrong ends the import
(has errors, or failed, with a message that names the row where it is known), never
leaves it in progress; one left in progress all the same (a killed worker, a lost
message) is given up by ``plan_imports_fail_stalled``. The import itself is an operation
log, not audited content: plain updates, no history.
"""

import hashlib
import logging
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import OperationalError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from actionplans.access import (
    RECHECKABLE_IMPORT_STATES,
    REMOVABLE_IMPORT_STATES,
    PlanAccess,
    plan_access,
)
from actionplans.models import ActionPlan, Activity, PlanImport
from actionplans.models.activities import CHILD_FIELDS
from actionplans.services.activities import HistoryWriter
from actionplans.spreadsheet import importer
from actionplans.spreadsheet.checks import CheckFailed
from actionplans.spreadsheet.columns import CHILD_SHEETS, M2M_FIELDS
from actionplans.spreadsheet.safety import FileRefused
from portal.models import User

log = logging.getLogger(__name__)
State = PlanImport.State


class ImportStale(Exception):
    """The plan changed between the preview and the saving."""


def plan_import_create(
    *, plan: ActionPlan, user: User, access: PlanAccess, upload: UploadedFile
) -> PlanImport:
    """Store the uploaded file as a new import, to be checked (state ``checking``)."""
    if not access.can_add_activities:
        raise PermissionDenied("Only those who add activities to the plan import into it.")
    if not plan.is_editable:
        raise ValidationError(_("Activities can only be imported while the plan is a draft."))
    data = upload.read()
    plan_import = PlanImport(
        plan=plan,
        uploaded_by=user,
        original_name=(upload.name or "")[:255],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    plan_import.file.save(
        f"{plan.pk}-{plan_import.sha256[:16]}.xlsx", ContentFile(data), save=False
    )
    plan_import.save()
    return plan_import


def _data(plan_import: PlanImport) -> bytes:
    with plan_import.file.open("rb") as handle:
        return handle.read()


def plan_import_check(*, import_id: int) -> str:
    """Check the file against the plan and store the preview (or the errors); returns
    the import's state. An import that is not being checked is left as it is."""
    plan_import = (
        PlanImport.objects.select_related("plan", "uploaded_by").filter(pk=import_id).first()
    )
    if plan_import is None:
        return ""  # removed since (a message delivered late)
    if plan_import.state != State.CHECKING:
        return plan_import.state
    access = plan_access(plan_import.uploaded_by, plan_import.plan)
    fields: dict[str, Any] = {"summary": {}, "errors": [], "error_count": 0, "versions": {}}
    try:
        # A savepoint: a database error inside (a value the database refuses) leaves the
        # connection usable for storing the failure.
        with transaction.atomic():
            result = importer.preview(plan=plan_import.plan, data=_data(plan_import), access=access)
    except OperationalError:
        raise  # the database is away: the task retries; the sweeper ends what never can
    except FileRefused as refusal:
        fields.update(state=State.INVALID, message=refusal.message)
    except CheckFailed as failure:
        log.exception("checking import %s failed: %s", import_id, failure)
        fields.update(state=State.FAILED, message=failure.message)
    except Exception:
        log.exception("checking import %s failed", import_id)
        fields.update(state=State.FAILED, message=_failed_message())
    else:
        fields.update(
            state=State.READY if result.ok else State.INVALID,
            summary=result.summary(),
            errors=importer.errors_as_json(result.errors),
            error_count=result.errors.total,
            versions=result.versions(),
            message="",
        )
    fields["finished_at"] = timezone.now()
    PlanImport.objects.filter(pk=import_id, state=State.CHECKING).update(**fields)
    return fields["state"]


def _failed_message() -> str:
    return _(
        "Checking the file failed unexpectedly (the error has been logged). Nothing has been "
        "saved: check the file again, or remove it."
    )


def plan_import_recheck(*, plan_import: PlanImport, user: User) -> bool:
    """Put the import back to be checked again (e.g. after the plan changed under its
    preview). False if it was not in a state to be checked again."""
    if plan_import.uploaded_by_id != user.pk:
        raise PermissionDenied("Only the uploader saves an import or checks it again.")
    moved = PlanImport.objects.filter(
        pk=plan_import.pk, state__in=RECHECKABLE_IMPORT_STATES
    ).update(
        state=State.CHECKING,
        message="",
        summary={},
        errors=[],
        error_count=0,
        versions={},
        started_at=timezone.now(),
        finished_at=None,
    )
    return bool(moved)


def plan_import_confirm(*, plan_import: PlanImport, user: User) -> bool:
    """The uploader saves the previewed file: the import moves on to be applied. False
    if it was not ready (one click, one save: only the call that moves it does the work)."""
    if plan_import.uploaded_by_id != user.pk:
        raise PermissionDenied("Only the uploader saves an import or checks it again.")
    moved = PlanImport.objects.filter(pk=plan_import.pk, state=State.READY).update(
        state=State.APPLYING, started_at=timezone.now()
    )
    return bool(moved)


def plan_import_remove(*, plan_import: PlanImport, user: User) -> bool:
    """The uploader removes an import that is not in progress nor saved, and its file.
    False if it was in no state to be removed (or is gone already)."""
    if plan_import.uploaded_by_id != user.pk:
        raise PermissionDenied("Only the uploader removes an import.")
    storage, name = plan_import.file.storage, plan_import.file.name
    removed, _by_model = PlanImport.objects.filter(
        pk=plan_import.pk, state__in=REMOVABLE_IMPORT_STATES
    ).delete()
    if removed and name:
        transaction.on_commit(lambda: storage.delete(name))
    return bool(removed)


def plan_imports_fail_stalled(*, started_before: datetime, sync_started_before: datetime) -> int:
    """Give up the imports left checking or saving past their time limit: a worker killed
    for good, a message lost, a request cut off. ``sync_started_before`` is for the small
    files that the request itself checks and saves. Returns how many were given up."""
    with override(settings.LANGUAGE_CODE):
        messages = {
            State.CHECKING: _(
                "Checking the file was not finished in time and has been given up. Check "
                "the file again, or remove it."
            ),
            State.APPLYING: _(
                "Saving was not finished in time and has been given up; nothing was saved. "
                "Check the file again, or remove it."
            ),
        }
    given_up = 0
    for state, message in messages.items():
        stalled = PlanImport.objects.filter(state=state).filter(
            Q(started_at__lt=started_before)
            | Q(size__lte=settings.IMPORT_SYNC_MAX_BYTES, started_at__lt=sync_started_before)
        )
        given_up += stalled.update(state=State.FAILED, message=message, finished_at=timezone.now())
    return given_up


def plan_import_apply(*, import_id: int) -> str:
    """Write the confirmed file into the plan, all or nothing; returns the import's state.
    What went wrong is kept on the import (state ``failed``) for the uploader to read."""
    plan_import = PlanImport.objects.select_related("plan", "uploaded_by").get(pk=import_id)
    if plan_import.state != State.APPLYING:
        return plan_import.state
    access = plan_access(plan_import.uploaded_by, plan_import.plan)
    try:
        with transaction.atomic():
            counts = plan_file_apply(
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
    except ImportStale:
        message = _("The plan changed after the preview. Check the file again to see the changes.")
    except CheckFailed as failure:
        log.exception("saving import %s failed: %s", import_id, failure)
        message = failure.message
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


# --- Writing a checked file into the plan ----------------------------------------------------


@transaction.atomic
def plan_file_apply(
    *, plan: ActionPlan, data: bytes, user: User, access: PlanAccess, versions: dict[str, int]
) -> dict[str, int]:
    """Check the file again and write all of it, or raise and write nothing."""
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if not plan.is_editable:
        raise ValidationError(_("The plan is no longer a draft: nothing was imported."))
    if not access.can_add_activities:
        raise PermissionDenied("Only those who add activities to the plan import into it.")
    result = importer.preview(plan=plan, data=data, access=access)
    if not result.ok:
        raise ValidationError(_("The file has errors: nothing was imported."))
    locked = {
        a.pk: a
        for a in Activity.objects.select_for_update().filter(
            pk__in=[r.activity_id for r in result.rows if r.activity_id]
        )
    }
    for row in result.rows:
        if (
            row.activity_id
            and versions.get(str(row.activity_id)) != locked[row.activity_id].version
        ):
            raise ImportStale("An activity changed after the preview was made.")
    order = plan.activities.aggregate(m=Max("order"))["m"] or 0
    for row in result.rows:
        if row.action == "unchanged":
            continue
        writer = HistoryWriter(user)
        if row.activity_id:
            activity = locked[row.activity_id]
            activity.version += 1
            links, sheets = row.changed_links, row.changed_sheets
        else:
            order += 1
            activity = Activity(plan=plan, order=order)
            links, sheets = list(M2M_FIELDS), list(row.children)
        for name, value in row.values.items():
            setattr(activity, name, value)
        # Every value was checked by preview(); the database's constraints hold the rest.
        if links or sheets or not activity.pk:
            activity.skip_history_when_saving = True
            try:
                activity.save()
                for name in links:
                    getattr(activity, name).set(row.m2m.get(name, []))
                for sheet in sheets:
                    model, _columns = CHILD_SHEETS[sheet]
                    _replace_children(model, activity, row.children[sheet], writer)
            finally:
                del activity.skip_history_when_saving
        # The one history row of this activity's change, links and children included.
        writer.save(activity)
    return result.counts()


def _replace_children(model, activity: Activity, wanted: list[dict], writer: HistoryWriter) -> None:
    fields = CHILD_FIELDS[model]
    current = list(model.objects.filter(activity=activity))
    # Rows equal to one that exists are kept as they are (their history stays quiet).
    kept = []
    for values in wanted:
        match = next(
            (
                c
                for c in current
                if c not in kept and all(str(getattr(c, f)) == str(values[f]) for f in fields)
            ),
            None,
        )
        if match is not None:
            kept.append(match)
    for child in current:
        if child not in kept:
            writer.delete(child)
    remaining = list(wanted)
    for child in kept:
        remaining.remove(
            next(v for v in remaining if all(str(getattr(child, f)) == str(v[f]) for f in fields))
        )
    for order, values in enumerate(remaining, start=len(kept) + 1):
        child = model(activity=activity, **values)
        if hasattr(child, "order"):
            child.order = order
        writer.save(child)
