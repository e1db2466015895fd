"""Writes to action plans: the workflow, comments and activity edits.

Views check access through ``actionplans.access`` and validate forms; these functions
check the plan's state and the activity's version again under a row lock, so that two
clicks or two people never both win.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Model
from django.forms import BaseInlineFormSet, ModelForm
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from actionplans.access import PlanAccess
from actionplans.history import FieldChange, activity_changes_between
from actionplans.models import ActionPlan, Activity, BudgetLine, PlanEvent, Risk, SubGoal
from actionplans.workflow import REVISABLE_STATES, TRANSITIONS
from portal.models import Body, User, model_field
from portal.services import decision_record, renumber_with_history

CHILD_MODELS = (SubGoal, BudgetLine, Risk)
#: What a user sets on each child of an activity (the forms' and the spreadsheet's fields).
CHILD_FIELDS = {
    SubGoal: ("title", "planned_count", "count_period", "steps"),
    BudgetLine: ("kind", "year", "label", "amount", "public_funding"),
    Risk: ("description", "likelihood", "consequence", "mitigation"),
}
#: What a copy of an activity (a revision, next year's plan) takes over as it is.
ACTIVITY_COPY_FIELDS = (
    "order",
    "title",
    "description",
    "kind",
    "collaboration_area_id",
    "lead_organisation_id",
    "contact_id",
    "start_date",
    "end_date",
    "expected_benefits",
    "weight",
)


# --- The plan's workflow ------------------------------------------------------------------


@transaction.atomic
def plan_transition(
    *, plan: ActionPlan, name: str, user: User, access: PlanAccess, comment: str = ""
) -> PlanEvent:
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise ValidationError(_("Unknown workflow step."))
    # Lock and re-read: a second click (or a colleague) may have moved the plan already.
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if not any(access.has(p) for p in transition.permissions):
        raise PermissionDenied
    if plan.state not in transition.sources:
        raise ValidationError(
            _("The plan is now “%(state)s”: “%(step)s” is no longer possible.")
            % {"state": plan.get_state_display(), "step": transition.label}
        )
    comment = comment.strip()
    if transition.comment_required and not comment:
        raise ValidationError(_("Write a comment: say what needs to change."))

    if transition.target == ActionPlan.State.PUBLISHED:
        # The revision it replaces stops being the public plan of the year.
        for earlier in ActionPlan.objects.select_for_update().filter(
            strategy_id=plan.strategy_id,
            year=plan.year,
            state__in=ActionPlan.PUBLIC_STATES,
        ):
            _set_state(earlier, ActionPlan.State.REPLACED, user)
    from_state = plan.state
    _set_state(plan, transition.target, user)
    if transition.target == ActionPlan.State.APPROVED:
        _register_approval(plan, user, comment)
    return PlanEvent.objects.create(
        plan=plan,
        kind=PlanEvent.Kind.TRANSITION,
        transition=transition.name,
        from_state=from_state,
        to_state=transition.target,
        actor=user,
        comment=comment,
    )


def _register_approval(plan: ActionPlan, user: User, comment: str) -> None:
    """The steering group's approval goes into its decision register as it is taken."""
    body = plan.strategy.governing_bodies.filter(kind=Body.Kind.STEERING_GROUP).first()
    if body is None:
        return
    with translation.override("sv"):  # the register is kept in Swedish
        title = _("Approved the action plan “%(title)s” (%(year)s)") % {
            "title": plan.title,
            "year": plan.year,
        }
    decision_record(
        body=body,
        title=title,
        decided_on=timezone.localdate(),
        user=user,
        subject=plan,
        subject_url=plan.get_absolute_url(),
        text=comment,
    )


def _set_state(plan: ActionPlan, state: str, user: User) -> None:
    plan.state = state
    plan._history_user = user
    plan.save(update_fields=["state"])


def plan_comment(*, plan: ActionPlan, user: User, access: PlanAccess, comment: str) -> PlanEvent:
    if not access.can_comment:
        raise PermissionDenied
    comment = comment.strip()
    if not comment:
        raise ValidationError(_("The comment is empty."))
    return PlanEvent.objects.create(
        plan=plan, kind=PlanEvent.Kind.COMMENT, actor=user, comment=comment
    )


# --- Activities -------------------------------------------------------------------------------


@dataclass
class ActivityConflict(Exception):
    """Someone saved the activity after the editor opened it."""

    current: Activity
    changes: list[FieldChange]
    changed_by: User | None
    changed_at: datetime | None


def _require_editable(plan: ActionPlan) -> None:
    if not plan.is_editable:
        raise ValidationError(
            _("The plan is “%(state)s”: its activities can only be changed in a draft.")
            % {"state": plan.get_state_display()}
        )


def _check_area(access: PlanAccess, area_id: int) -> None:
    if not access.can_edit_area(area_id):
        raise PermissionDenied


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

    An update made from an older version than the stored one raises ActivityConflict with
    what changed in between; nothing is written.
    """
    activity: Activity = form.instance
    plan = ActionPlan.objects.select_for_update().get(pk=activity.plan_id)
    _require_editable(plan)
    if activity.pk:
        stored = Activity.objects.select_for_update().get(pk=activity.pk)
        _check_area(access, stored.collaboration_area_id)
        if expected_version is not None and stored.version != expected_version:
            raise _conflict(stored, expected_version)
        activity.version = stored.version + 1
        activity.removed_at = stored.removed_at
    else:
        activity.order = _next_order(plan)
    # Moving an activity takes the right to edit both the area it leaves and the one it joins.
    _check_area(access, activity.collaboration_area_id)

    # One history row per save, holding the links as they end up: simple-history would
    # otherwise write one for the save and more for every link set that changes.
    stamp = _Stamp(user)
    activity.skip_history_when_saving = True
    try:
        activity = form.save()
        for formset in formsets:
            formset.instance = activity
            for child in formset.save(commit=False):
                stamp.save(child)
            for child in formset.deleted_objects:
                stamp.delete(child)
    finally:
        del activity.skip_history_when_saving
    stamp.save(activity)
    return activity


class _Stamp:
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


def _next_order(plan: ActionPlan) -> int:
    return (plan.activities.aggregate(m=Max("order"))["m"] or 0) + 1


def _conflict(stored: Activity, expected_version: int) -> ActivityConflict:
    history = stored.history.select_related("history_user")
    theirs = history.filter(version=expected_version).order_by("-history_date").first()
    latest = history.order_by("-history_date").first()
    changes = activity_changes_between(theirs, latest) if theirs and latest else []
    return ActivityConflict(
        current=stored,
        changes=changes,
        changed_by=latest.history_user if latest else None,
        changed_at=latest.history_date if latest else None,
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
    # The children as they stood until the next version was saved (see _Stamp).
    following = (
        activity.history.filter(history_date__gt=record.history_date)
        .order_by("history_date")
        .first()
    )
    children_as_of = (
        following.history_date - timedelta(microseconds=1) if following else timezone.now()
    )
    stamp = _Stamp(user)

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
            _revert_children(model, activity, children_as_of, stamp)
    finally:
        del activity.skip_history_when_saving
    stamp.save(activity)
    return activity


def _revert_children(model, activity: Activity, when, stamp: "_Stamp") -> None:
    then = {c.pk: c for c in model.history.as_of(when).filter(activity_id=activity.pk)}
    for current in model.objects.filter(activity=activity):
        if current.pk not in then:
            stamp.delete(current)
    for old in then.values():
        stamp.save(old)


# --- New plans from old ones ------------------------------------------------------------------


@transaction.atomic
def plan_revise(*, plan: ActionPlan, user: User, access: PlanAccess) -> ActionPlan:
    """Open a new draft revision of an approved or published plan; the plan itself is kept
    as it is until the revision is published."""
    if not access.can_edit_plan:
        raise PermissionDenied
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.state not in REVISABLE_STATES:
        raise ValidationError(_("Only an approved or published plan can be revised."))
    if ActionPlan.objects.filter(
        strategy_id=plan.strategy_id, year=plan.year, state__in=ActionPlan.OPEN_STATES
    ).exists():
        raise ValidationError(_("A revision of this plan is already being worked on."))
    latest = ActionPlan.objects.filter(strategy_id=plan.strategy_id, year=plan.year).aggregate(
        m=Max("revision")
    )["m"]
    revision = ActionPlan(
        strategy_id=plan.strategy_id,
        year=plan.year,
        title=plan.title,
        introduction=plan.introduction,
        revision=latest + 1,
        revises=plan,
    )
    revision._history_user = user
    revision.save()
    for activity in plan.activities.filter(removed_at__isnull=True).order_by("order", "pk"):
        _copy_activity(activity, revision, user, year_shift=0)
    PlanEvent.objects.create(
        plan=revision,
        kind=PlanEvent.Kind.CREATED,
        actor=user,
        comment=_("Revision %(revision)s of the plan approved as revision %(previous)s.")
        % {"revision": revision.revision, "previous": plan.revision},
    )
    return revision


@transaction.atomic
def plan_rollover(
    *, plan: ActionPlan, user: User, access: PlanAccess, activity_ids: list[int], title: str
) -> ActionPlan:
    """Start next year's plan with the chosen activities carried over."""
    if not access.can_edit_plan:
        raise PermissionDenied
    year = plan.year + 1
    if ActionPlan.objects.filter(strategy_id=plan.strategy_id, year=year).exists():
        raise ValidationError(_("The strategy already has a plan for %(year)s.") % {"year": year})
    chosen = list(
        plan.activities.filter(pk__in=activity_ids, removed_at__isnull=True).order_by(
            "collaboration_area__order", "order", "pk"
        )
    )
    if len(chosen) != len(set(activity_ids)):
        raise ValidationError(_("Some of the chosen activities are not in this plan."))
    new_plan = ActionPlan(
        strategy_id=plan.strategy_id,
        year=year,
        title=title.strip() or plan.title.replace(str(plan.year), str(year)),
        introduction=plan.introduction,
    )
    new_plan._history_user = user
    new_plan.save()
    for activity in chosen:
        _copy_activity(activity, new_plan, user, year_shift=1)
    PlanEvent.objects.create(
        plan=new_plan,
        kind=PlanEvent.Kind.CREATED,
        actor=user,
        comment=_("Carried over %(count)s activities from %(year)s.")
        % {"count": len(chosen), "year": plan.year},
    )
    return new_plan


def _copy_activity(source: Activity, plan: ActionPlan, user: User, *, year_shift: int) -> None:
    status: str
    if year_shift:
        # Carried into a new year: what was under way continues, the rest starts planned.
        ongoing = source.status == Activity.Status.ONGOING
        status = Activity.Status.ONGOING if ongoing else Activity.Status.PLANNED
    else:
        status = source.status  # a revision starts from the activity as it was
    copy = Activity(
        plan=plan,
        status=status,
        **{name: getattr(source, name) for name in ACTIVITY_COPY_FIELDS},
    )
    stamp = _Stamp(user)
    copy.skip_history_when_saving = True
    try:
        copy.save()
        for name in ("focus_areas", "directions", "effect_goals", "perspectives"):
            getattr(copy, name).set(getattr(source, name).all())
        children = {
            SubGoal: source.sub_goals.all(),
            # Budget lines are per year: a new year's plan keeps those of the years ahead.
            BudgetLine: source.budget_lines.filter(year__gte=plan.year if year_shift else 0),
            Risk: source.risks.all(),
        }
        for model, rows in children.items():
            for row in rows:
                values = {name: getattr(row, name) for name in CHILD_FIELDS[model]}
                stamp.save(model(activity=copy, order=row.order, **values))  # type: ignore[attr-defined]
    finally:
        del copy.skip_history_when_saving
    stamp.save(copy)
