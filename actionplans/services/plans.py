"""Writes to action plans: the workflow, comments, revisions and next year's plan.

The workflow's steps are declared in ``actionplans.workflow``; these functions check the
plan's state again under a row lock, so that two clicks or two people never both win.
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from actionplans.access import PlanAccess
from actionplans.models import ActionPlan, Activity, BudgetLine, PlanEvent, Risk, SubGoal
from actionplans.services.activities import ACTIVITY_COPY_FIELDS, CHILD_FIELDS, HistoryWriter
from actionplans.workflow import TRANSITIONS
from portal.limits import check_lengths
from portal.models import User
from strategy.services import steering_group_decision_record

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
        raise PermissionDenied("Only the roles the workflow step names may take it.")
    if plan.state not in transition.sources:
        raise ValidationError(
            _("The plan is now “%(state)s”: “%(step)s” is no longer possible.")
            % {"state": plan.get_state_display(), "step": transition.label}
        )
    comment = comment.strip()
    if transition.comment_required and not comment:
        raise ValidationError(_("Write a comment: say what needs to change."))
    check_lengths(PlanEvent(comment=comment))  # before the plan moves

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
    steering_group_decision_record(
        strategy=plan.strategy,
        title=lambda: (
            _("Approved the action plan “%(title)s” (%(year)s)")
            % {"title": plan.title, "year": plan.year}
        ),
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
        raise PermissionDenied(
            "Only the coordinators, strategy group, council and steering group comment on a plan."
        )
    comment = comment.strip()
    if not comment:
        raise ValidationError(_("The comment is empty."))
    event = PlanEvent(plan=plan, kind=PlanEvent.Kind.COMMENT, actor=user, comment=comment)
    check_lengths(event)
    event.save()
    return event


# --- New plans from old ones ------------------------------------------------------------------


@transaction.atomic
def plan_revise(*, plan: ActionPlan, user: User, access: PlanAccess) -> ActionPlan:
    """Open a new draft revision of an approved or published plan; the plan itself is kept
    as it is until the revision is published."""
    if not access.can_edit_plan:
        raise PermissionDenied("Only the plan's coordinators open a revision of it.")
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.state not in ActionPlan.REVISABLE_STATES:
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
        raise PermissionDenied("Only the plan's coordinators start next year's plan from it.")
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


#: An activity's links taken to another strategy's tree: (link, the old ids) -> the new ids.
LinkMap = Callable[[str, list[int]], list[int]]


def _copy_activity(
    source: Activity,
    plan: ActionPlan,
    user: User,
    *,
    year_shift: int,
    link_map: LinkMap | None = None,
) -> Activity:
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
    if link_map is not None:
        (copy.collaboration_area_id,) = link_map(
            "collaboration_area", [source.collaboration_area_id]
        )
    writer = HistoryWriter(user)
    copy.skip_history_when_saving = True
    try:
        copy.save()
        for name in ("focus_areas", "directions", "effect_goals", "perspectives"):
            ids = [row.pk for row in getattr(source, name).all()]
            getattr(copy, name).set(link_map(name, ids) if link_map else ids)
        children = {
            SubGoal: source.sub_goals.all(),
            # Budget lines are per year: a new year's plan keeps those of the years ahead.
            BudgetLine: source.budget_lines.filter(year__gte=plan.year if year_shift else 0),
            Risk: source.risks.all(),
        }
        for model, rows in children.items():
            for row in rows:
                values = {name: getattr(row, name) for name in CHILD_FIELDS[model]}
                writer.save(model(activity=copy, order=row.order, **values))  # type: ignore[attr-defined]
    finally:
        del copy.skip_history_when_saving
    writer.save(copy)
    return copy
