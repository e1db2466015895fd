"""Reads for carrying a plan's continuing activities into the first plan of a newer strategy:
which strategy covers the next year, and the suggested mapping of the old tree's nodes to
the new tree's (actionplans.services.carry_over writes).

A suggestion matches titles: the same title once case and whitespace are normalised (score
1.0), else the most similar title by difflib's ratio if it reaches ``SIMILAR``, else none.
"""

from dataclasses import dataclass
from difflib import SequenceMatcher

from django.db import models
from django.utils.text import capfirst

from actionplans.models import ActionPlan
from strategy.models import (
    CollaborationArea,
    EffectGoal,
    FocusArea,
    Perspective,
    StrategicDirection,
    Strategy,
)

#: The lowest ratio suggested: below it, titles share words by chance.
SIMILAR = 0.6


@dataclass(frozen=True)
class LinkKind:
    """A kind of an activity's link to the strategy tree, as the mapping form names it."""

    name: str  # the form's prefix and, but for the collaboration area, the activity's field
    model: type[models.Model]
    strategy_path: str
    label_field: str = "title"
    #: An activity must have one (its collaboration area): no "no link" choice.
    required: bool = False


LINK_KINDS = (
    LinkKind("collaboration_area", CollaborationArea, "strategy", "name", required=True),
    LinkKind("focus_areas", FocusArea, "strategy"),
    LinkKind("directions", StrategicDirection, "focus_area__strategy"),
    LinkKind("effect_goals", EffectGoal, "strategy"),
    LinkKind("perspectives", Perspective, "strategy"),
)


@dataclass(frozen=True)
class MappingRow:
    """One node of the old tree, with the new tree's nodes of its kind and the suggestion."""

    kind: LinkKind
    old: models.Model
    choices: list[models.Model]
    suggestion: models.Model | None
    #: 1.0 for the same title, the similarity ratio otherwise (None without a suggestion).
    score: float | None

    @property
    def field_name(self) -> str:
        return f"{self.kind.name}-{self.old.pk}"

    @property
    def label(self) -> str:
        return str(getattr(self.old, self.kind.label_field))

    @property
    def kind_label(self) -> str:
        return capfirst(str(self.kind.model._meta.verbose_name))


def next_strategy(plan: ActionPlan) -> Strategy | None:
    """The decided (or in-force) strategy that follows the plan's and covers the next year:
    one started from it (a copy) or revising it."""
    year = plan.year + 1
    return (
        Strategy.objects.filter(
            models.Q(based_on_id=plan.strategy_id) | models.Q(revises_id=plan.strategy_id),
            state__in=(Strategy.State.DECIDED, Strategy.State.IN_FORCE),
            period_start__lte=year,
            period_end__gte=year,
        )
        .exclude(pk=plan.strategy_id)
        .order_by("-period_start", "pk")
        .first()
    )


def normalised(title: str) -> str:
    return " ".join(title.casefold().split())


def suggestion(
    title: str, candidates: dict[str, models.Model]
) -> tuple[models.Model | None, float | None]:
    """The candidate (by normalised title) that ``title`` most likely is, with its score."""
    key = normalised(title)
    if key in candidates:
        return candidates[key], 1.0
    best, best_score = None, 0.0
    for other, node in candidates.items():
        score = SequenceMatcher(None, key, other).ratio()
        if score > best_score:
            best, best_score = node, score
    if best is None or best_score < SIMILAR:
        return None, None
    return best, round(best_score, 2)


def carry_over_mapping(old: Strategy, new: Strategy) -> list[MappingRow]:
    """Every node of the old tree's kinds with its suggested counterpart: two queries per
    kind, however many nodes."""
    rows: list[MappingRow] = []
    for kind in LINK_KINDS:
        manager = kind.model._default_manager  # type: ignore[attr-defined]
        olds = list(manager.filter(**{kind.strategy_path: old}))
        news = list(manager.filter(**{kind.strategy_path: new}))
        by_title: dict[str, models.Model] = {}
        for node in news:
            by_title.setdefault(normalised(str(getattr(node, kind.label_field))), node)
        for node in olds:
            match, score = suggestion(str(getattr(node, kind.label_field)), by_title)
            rows.append(MappingRow(kind, node, news, match, score))
    return rows
