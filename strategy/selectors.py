"""Reads of the strategy tree. Public pages only ever see strategies marked public."""

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from strategy.models import (
    CollaborationArea,
    EffectGoal,
    FocusArea,
    StrategicDirection,
    Strategy,
)


def public_strategies() -> QuerySet[Strategy]:
    return (
        Strategy.objects.filter(is_public=True)
        .select_related("owner", "parent")
        .annotate(focus_area_count=Count("focus_areas", distinct=True))
        .order_by("parent_id", "-period_end", "title")
    )


def _directions_with_points() -> Prefetch:
    return Prefetch(
        "directions",
        queryset=StrategicDirection.objects.prefetch_related("tactical_points"),
    )


def _effect_goals() -> Prefetch:
    return Prefetch(
        "effect_goals",
        queryset=EffectGoal.objects.select_related("strategy").order_by("strategy", "order"),
    )


def strategy_tree(*, slug: str) -> Strategy:
    """A public strategy with its whole tree loaded in a fixed number of queries."""
    return get_object_or_404(
        Strategy.objects.filter(is_public=True)
        .select_related("owner", "parent")
        .prefetch_related(
            "overall_goals",
            "perspectives",
            Prefetch(
                "focus_areas",
                queryset=FocusArea.objects.prefetch_related(
                    _directions_with_points(), _effect_goals()
                ),
            ),
            Prefetch(
                "effect_goals",
                queryset=EffectGoal.objects.select_related("focus_area__strategy").order_by(
                    "order"
                ),
            ),
            Prefetch(
                "programmes",
                queryset=Strategy.objects.filter(is_public=True).select_related("owner"),
            ),
            "collaboration_areas",
        ),
        slug=slug,
    )


def focus_area_page(*, strategy_slug: str, slug: str) -> FocusArea:
    return get_object_or_404(
        FocusArea.objects.filter(strategy__is_public=True)
        .select_related("strategy", "strategy__owner")
        .prefetch_related(_directions_with_points(), _effect_goals(), "indicators__targets"),
        strategy__slug=strategy_slug,
        slug=slug,
    )


def collaboration_areas_page(*, strategy_slug: str) -> tuple[Strategy, QuerySet[CollaborationArea]]:
    strategy = get_object_or_404(
        Strategy.objects.filter(is_public=True).select_related("owner"), slug=strategy_slug
    )
    areas = (
        CollaborationArea.objects.filter(strategy=strategy)
        .select_related("group")
        .prefetch_related("questions")
    )
    return strategy, areas
