"""Weighted progress, rolled up from the activity reports to areas and the whole plan.

Each activity counts by its ``weight`` (0 leaves it out); only submitted reports with a
progress count, and cancelled activities are left out, since their work will not be done.
If every reported activity weighs 0, the plain mean is shown and marked as unweighted,
rather than no figure at all.
"""

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar

from strategy.models import CollaborationArea, FocusArea

Row = TypeVar("Row")


@dataclass(frozen=True)
class Item:
    """One activity as the roll-up sees it."""

    weight: int
    progress: int | None
    status: str = ""
    traffic_light: str = ""
    submitted: bool = False


@dataclass(frozen=True)
class Progress:
    #: Weighted mean progress in percent (one decimal), or None when nothing is reported.
    value: float | None
    #: Activities whose submitted report has a progress (cancelled ones left out).
    reported: int
    #: Activities in the group.
    total: int
    #: True when the value is a plain mean because every reported activity weighs 0.
    unweighted: bool = False
    by_status: dict[str, int] = field(default_factory=dict)
    by_light: dict[str, int] = field(default_factory=dict)
    submitted: int = 0

    @property
    def is_empty(self) -> bool:
        return self.value is None


def weighted_progress(items: Iterable[Item]) -> Progress:
    items = list(items)
    counted = [
        item
        for item in items
        if item.submitted and item.progress is not None and item.status != "cancelled"
    ]
    statuses = Counter(item.status or "" for item in items if item.submitted)
    lights = Counter(item.traffic_light or "" for item in items if item.submitted)
    empty = Progress(
        value=None,
        reported=len(counted),
        total=len(items),
        by_status=dict(statuses),
        by_light=dict(lights),
        submitted=sum(1 for item in items if item.submitted),
    )
    if not counted:
        return empty
    total_weight = sum(item.weight for item in counted)
    if total_weight == 0:
        mean = sum(item.progress or 0 for item in counted) / len(counted)
        return replace(empty, value=round(mean, 1), unweighted=True)
    weighted = sum(item.weight * (item.progress or 0) for item in counted) / total_weight
    return replace(empty, value=round(weighted, 1))


# --- The groups the round's page and the PDF both roll up -------------------------------
# One grouping for both, so that the page and the report the steering group reads list the
# same areas with the same activities. A row is whatever the caller holds per activity (a
# report on the page, an entry in the PDF).


def by_collaboration_area(
    rows: Iterable[Row], area: Callable[[Row], CollaborationArea]
) -> list[tuple[CollaborationArea, list[Row]]]:
    """The rows per collaboration area, in the order the rows come (the callers order them
    by area)."""
    groups: dict[int, tuple[CollaborationArea, list[Row]]] = {}
    for row in rows:
        row_area = area(row)
        groups.setdefault(row_area.pk, (row_area, []))[1].append(row)
    return list(groups.values())


def by_focus_area(
    rows: Iterable[Row],
    focus_areas: Callable[[Row], Sequence[FocusArea]],
    strategy_areas: Sequence[FocusArea],
) -> list[tuple[FocusArea | None, list[Row]]]:
    """The rows per focus area: every focus area of the strategy in its order, those without
    an activity too (that is worth seeing); then any other focus area a row is linked to;
    last, as None, the rows linked to none. A row linked to two areas is in both."""
    rows = list(rows)
    linked: dict[int, list[Row]] = {area.pk: [] for area in strategy_areas}
    others: list[FocusArea] = []
    for row in rows:
        for area in focus_areas(row):
            if area.pk not in linked:
                linked[area.pk] = []
                others.append(area)
            linked[area.pk].append(row)
    groups: list[tuple[FocusArea | None, list[Row]]] = [
        (area, linked[area.pk]) for area in [*strategy_areas, *others]
    ]
    unlinked = [row for row in rows if not focus_areas(row)]
    if unlinked:
        groups.append((None, unlinked))
    return groups
