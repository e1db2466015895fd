"""Reads of action plans. Anonymous readers see published and closed plans only."""

from datetime import datetime
from functools import cache
from itertools import groupby

from django.db.models import (
    Count,
    IntegerField,
    Max,
    Model,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from actionplans.budget import budget_table
from actionplans.models import ActionPlan, Activity, BudgetLine, SubGoal
from portal.models import Organisation
from strategy.models import CollaborationArea, EffectGoal, FocusArea, StrategicDirection


def public_plans() -> QuerySet[ActionPlan]:
    # A correlated count runs only for the plans on the page; a JOIN + GROUP BY would
    # count every activity of every plan first.
    activity_count = (
        Activity.objects.filter(plan=OuterRef("pk"))
        .order_by()
        .values("plan")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        ActionPlan.objects.filter(state__in=ActionPlan.PUBLIC_STATES, strategy__is_public=True)
        .select_related("strategy", "strategy__owner")
        .annotate(activity_count=Coalesce(Subquery(activity_count, output_field=IntegerField()), 0))
        .order_by("-year", "strategy__title")
    )


def public_plan(*, strategy_slug: str, year: int) -> ActionPlan:
    return get_object_or_404(
        ActionPlan.objects.filter(
            state__in=ActionPlan.PUBLIC_STATES, strategy__is_public=True
        ).select_related("strategy", "strategy__owner"),
        strategy__slug=strategy_slug,
        year=year,
    )


@cache
def _historical_model(model: type[Model]) -> type[Model]:
    return model.history.model


def _history(model: type[Model]) -> QuerySet:
    # The historical model's plain manager: the ``Model.history`` descriptor builds a new
    # manager class on every access, which costs more than the query it runs here.
    return _historical_model(model)._default_manager.all()


def plan_content_version(plan: ActionPlan) -> str:
    """A stamp that changes whenever anything shown in the plan's activity list changes.

    Every write to these models leaves a history row (simple-history, also for bulk writes
    through the *_with_history helpers and for deletions), so the newest history date of
    each is enough: three small indexed queries instead of rendering the list.
    """
    strategy_id = plan.strategy_id
    sources = {
        "plan": _history(ActionPlan).filter(id=plan.pk),
        "activity": _history(Activity).filter(plan_id=plan.pk),
        "focus_area": _history(FocusArea).filter(strategy_id=strategy_id),
        "direction": _history(StrategicDirection).filter(focus_area__strategy_id=strategy_id),
        "area": _history(CollaborationArea).filter(strategy_id=strategy_id),
        "effect_goal": _history(EffectGoal),
        "organisation": _history(Organisation),
    }
    newest = {
        name: Subquery(
            source.order_by()
            .annotate(one=Value(1))
            .values("one")
            .annotate(newest=Max("history_date"))
            .values("newest")
        )
        for name, source in sources.items()
    }
    row = ActionPlan.objects.filter(pk=plan.pk).annotate(**newest).values_list(*newest).get()
    children = [_newest_child_change(plan, model) for model in (SubGoal, BudgetLine)]
    return "-".join(f"{stamp.timestamp():.6f}" if stamp else "0" for stamp in (*row, *children))


def _newest_child_change(
    plan: ActionPlan, model: type[SubGoal] | type[BudgetLine]
) -> datetime | None:
    """Newest history date of a model hanging off the plan's activities.

    Asked per history row of the plan's activities (so deleted activities count too), so
    that each lookup is one step down the (activity_id, history_date) index rather than a
    scan of the whole history table.
    """
    newest_for_activity = (
        _history(model)
        .filter(activity_id=OuterRef("id"))
        .order_by("-history_date")
        .values("history_date")[:1]
    )
    return (
        _history(Activity)
        .filter(plan_id=plan.pk)
        .order_by()
        .annotate(newest_child=Subquery(newest_for_activity))
        .aggregate(newest=Max("newest_child"))["newest"]
    )


def plan_activities(plan: ActionPlan) -> ActionPlan:
    """The plan with its activities and everything the activity list shows, prefetched."""
    activities = (
        Activity.objects.select_related("collaboration_area", "lead_organisation")
        .prefetch_related(
            Prefetch("focus_areas", queryset=FocusArea.objects.select_related("strategy")),
            "directions",
            "effect_goals",
            "perspectives",
            "sub_goals",
            Prefetch("budget_lines", queryset=BudgetLine.objects.order_by("kind", "order", "year")),
        )
        .order_by("collaboration_area__order", "order", "pk")
    )
    prefetch_related_objects([plan], Prefetch("activities", queryset=activities))
    return plan


def activities_by_area(plan: ActionPlan) -> list[tuple[object, list[Activity]]]:
    """The plan's (prefetched) activities grouped by collaboration area, in area order,
    each with its budget pivoted into ``activity.budget``."""
    activities = list(plan.activities.all())
    for activity in activities:
        activity.budget = budget_table(activity.budget_lines.all())
    return [
        (area, list(items))
        for area, items in groupby(activities, key=lambda a: a.collaboration_area)
    ]
