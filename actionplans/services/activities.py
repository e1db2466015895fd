"""Writes to a plan's activities: edits, moves, removal, restore and revert.

Views check access through ``actionplans.access`` and validate forms; these functions
check the plan's state and the activity's version again under a row lock, so that two
clicks or two people never both win.
"""

from datetime import timedelta
from typing import cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Model
from django.forms import BaseInlineFormSet, ModelForm
from django.utils import timezone
from django.utils.translation import gettext as _

from actionplans.access import PlanAccess
from actionplans.history import activity_changes_between, activity_child_changes
from actionplans.models import ActionPlan, Activity, BudgetLine, Risk, SubGoal
from actionplans.models.activities import ACTIVITY_USER_FIELDS
from actionplans.models.activities import CHILD_FIELDS as CHILD_FIELDS  # for services.plans
from portal.history import EditConflict, versions
from portal.models import User, model_field
from portal.services import renumber_with_history

CHILD_MODELS = (SubGoal, BudgetLine, Risk)
#: What a copy of an activity (a revision, next year's plan) takes over as it is: what the
#: user set but the status (the copy works its own out), with its place and weight.
ACTIVITY_COPY_FIELDS = (
    "order",
    *(name for name in ACTIVITY_USER_FIELDS if name != "status"),
    "weight",
)


# --- Activities -------------------------------------------------------------------------------


class ActivityConflict(EditConflict):
    """Someone saved the activity after the editor opened it (or the form did not say
    which version it was opened at): ``changes`` holds the activity's fields and its
    sub-goals, budget lines and risks that changed."""


def _require_editable(plan: ActionPlan) -> None:
    if not plan.is_editable:
        raise ValidationError(
            _("The plan is “%(state)s”: its activities can only be changed in a draft.")
            % {"state": plan.get_state_display()}
        )


def _check_area(access: PlanAccess, area_id: int) -> None:
    if not access.can_edit_area(area_id):
        raise PermissionDenied(
            "Only the plan's coordinators and the area's lead change the area's activities."
        )


@transaction.atomic
def activity_save(
    *,
    form: ModelForm,
    formsets: list[BaseInlineFormSet],
    user: User,
    access: PlanAccess,
    expected_version: int | None,
) -> Activity:
    """Create or update an activity from a validated form and its child formsets.

    An update made from an older version than the stored one, or without one
    (``expected_version`` None: the form did not say), raises ActivityConflict with what
    changed in between; nothing is written.
    """
    activity: Activity = form.instance
    plan = ActionPlan.objects.select_for_update().get(pk=activity.plan_id)
    _require_editable(plan)
    if activity.pk:
        stored = Activity.objects.select_for_update().get(pk=activity.pk)
        _check_area(access, stored.collaboration_area_id)
        if expected_version is None or stored.version != expected_version:
            raise _conflict(stored, expected_version)
        activity.version = stored.version + 1
        activity.removed_at = stored.removed_at
    else:
        activity.order = next_activity_order(plan)
    # Moving an activity takes the right to edit both the area it leaves and the one it joins.
    _check_area(access, activity.collaboration_area_id)

    # One history row per save, holding the links as they end up: simple-history would
    # otherwise write one for the save and more for every link set that changes.
    writer = HistoryWriter(user)
    activity.skip_history_when_saving = True
    try:
        activity = form.save()
        for formset in formsets:
            formset.instance = activity
            for child in formset.save(commit=False):
                writer.save(child)
            for child in formset.deleted_objects:
                writer.delete(child)
    finally:
        del activity.skip_history_when_saving
    writer.save(activity)
    return activity


class HistoryWriter:
    """Writes the history of one edit with one user and one date.

    The activity's own history row and those of the children changed with it share the
    date, so "the activity as of version N" is everything dated before version N+1.
    """

    def __init__(self, user: User) -> None:
        self.user = user
        self.when = timezone.now()

    def _mark(self, obj) -> None:
        obj._history_user = self.user
        obj._history_date = self.when

    def save(self, obj, **kwargs) -> None:
        self._mark(obj)
        obj.save(**kwargs)

    def delete(self, obj) -> None:
        self._mark(obj)
        obj.delete()


def next_activity_order(plan: ActionPlan) -> int:
    return (plan.activities.aggregate(m=Max("order"))["m"] or 0) + 1


def _conflict(stored: Activity, expected_version: int | None) -> ActivityConflict:
    found = versions(stored, expected_version)
    latest = found.latest
    changes = activity_changes_between(found.opened, latest) if latest else []
    # The opened version not known: every row as it is now.
    since = found.opened_until or timezone.now() if found.opened else None
    return ActivityConflict(
        stored=stored,
        changes=changes + activity_child_changes(stored.pk, since),
        changed_by=latest.history_user if latest else None,
        changed_at=latest.history_date if latest else None,
        base_known=found.opened is not None,
    )


@transaction.atomic
def activity_move(*, activity: Activity, user: User, access: PlanAccess, step: int) -> None:
    """Swap the activity with its neighbour in the same collaboration area (step −1 or +1)."""
    plan = ActionPlan.objects.select_for_update().get(pk=activity.plan_id)
    _require_editable(plan)
    _check_area(access, activity.collaboration_area_id)
    siblings = list(
        Activity.objects.select_for_update()
        .filter(plan=plan, collaboration_area_id=activity.collaboration_area_id)
        .filter(removed_at__isnull=True)
        .order_by("order", "pk")
    )
    index = next(i for i, a in enumerate(siblings) if a.pk == activity.pk)
    other = index + step
    if step not in (-1, 1) or not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    renumber_with_history(siblings, user)


@transaction.atomic
def activity_remove(*, activity: Activity, user: User, access: PlanAccess) -> None:
    _set_removed(activity, user, access, timezone.now())


@transaction.atomic
def activity_restore(*, activity: Activity, user: User, access: PlanAccess) -> None:
    _set_removed(activity, user, access, None)


def _set_removed(activity: Activity, user: User, access: PlanAccess, when) -> None:
    plan = ActionPlan.objects.select_for_update().get(pk=activity.plan_id)
    _require_editable(plan)
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    _check_area(access, activity.collaboration_area_id)
    activity.removed_at = when
    activity.version += 1
    activity._history_user = user
    activity.save(update_fields=["removed_at", "version"])


@transaction.atomic
def activity_revert(*, activity: Activity, history_id: int, user: User, access: PlanAccess):
    """Bring the activity back to an earlier version: its fields, links and children."""
    plan = ActionPlan.objects.select_for_update().get(pk=activity.plan_id)
    _require_editable(plan)
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    _check_area(access, activity.collaboration_area_id)
    record = activity.history.get(history_id=history_id)
    _check_area(access, record.collaboration_area_id)
    # The children as they stood until the next version was saved (see HistoryWriter).
    following = (
        activity.history.filter(history_date__gt=record.history_date)
        .order_by("history_date")
        .first()
    )
    children_as_of = (
        following.history_date - timedelta(microseconds=1) if following else timezone.now()
    )
    writer = HistoryWriter(user)

    for field in Activity._meta.concrete_fields:
        if field.name not in {"id", "plan", "version", "order", "removed_at"}:
            setattr(activity, field.attname, getattr(record, field.attname))
    activity.version += 1
    activity.skip_history_when_saving = True
    try:
        activity.save()
        for name in ("focus_areas", "directions", "effect_goals", "perspectives"):
            related = cast(type[Model], model_field(Activity, name).related_model)
            target = related._meta.model_name
            ids = getattr(record, name).values_list(target, flat=True)
            getattr(activity, name).set(list(ids))
        for model in CHILD_MODELS:
            _revert_children(model, activity, children_as_of, writer)
    finally:
        del activity.skip_history_when_saving
    writer.save(activity)
    return activity


def _revert_children(model, activity: Activity, when, writer: "HistoryWriter") -> None:
    then = {c.pk: c for c in model.history.as_of(when).filter(activity_id=activity.pk)}
    for current in model.objects.filter(activity=activity):
        if current.pk not in then:
            writer.delete(current)
    for old in then.values():
        writer.save(old)
