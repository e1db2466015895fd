"""Reads of action plans. Anonymous readers see published and closed plans only."""

from itertools import groupby

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from actionplans.budget import budget_table
from actionplans.models import ActionPlan, Activity, BudgetLine
from strategy.models import FocusArea


def public_plans() -> QuerySet[ActionPlan]:
    return (
        ActionPlan.objects.filter(state__in=ActionPlan.PUBLIC_STATES, strategy__is_public=True)
        .select_related("strategy", "strategy__owner")
        .annotate(activity_count=Count("activities"))
        .order_by("-year", "strategy__title")
    )


def public_plan_detail(*, strategy_slug: str, year: int) -> ActionPlan:
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
    return get_object_or_404(
        ActionPlan.objects.filter(state__in=ActionPlan.PUBLIC_STATES, strategy__is_public=True)
        .select_related("strategy", "strategy__owner")
        .prefetch_related(Prefetch("activities", queryset=activities)),
        strategy__slug=strategy_slug,
        year=year,
    )


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
