"""The files of the open datasets: JSON is what the API's serializers give (the same rows
as /api/v1/plans/<id>/ and /api/v1/strategies/<slug>/), and CSV flattens those same rows,
so the two files of a dataset never disagree."""

from collections.abc import Iterable

from actionplans.api import ActivitySerializer, PlanDetailSerializer
from actionplans.models import ActionPlan
from actionplans.spreadsheet.columns import LIST_SEPARATOR
from portal.spreadsheets import csv_text
from strategy.api import StrategyTreeSerializer
from strategy.models import Strategy

#: The columns of a plan's CSV: the activity's fields as the API names them; links are ids
#: (slugs for organisations), sub-goals are summarised in one cell, and budget lines are
#: left to the JSON.
ACTIVITY_COLUMNS = [field for field in ActivitySerializer.Meta.fields if field != "budget_lines"]

#: The columns of a strategy's CSV: one row per focus area, strategic direction and
#: effect goal; `focus_area` is the id of the focus area a direction or goal belongs to.
TREE_COLUMNS = [
    "type",
    "id",
    "focus_area",
    "order",
    "slug",
    "title",
    "goal",
    "description",
    "tactical_points",
]


def plan_json(plan: ActionPlan) -> dict:
    """The plan and its activities; ``plan`` comes from selectors.plans.plan_activities."""
    return PlanDetailSerializer(plan).data


def plan_csv(data: dict) -> str:
    return csv_text(ACTIVITY_COLUMNS, (_activity_row(row) for row in data["activities"]))


def _activity_row(activity: dict) -> list:
    values = dict(activity)
    values["sub_goals"] = LIST_SEPARATOR.join(_sub_goal(goal) for goal in activity["sub_goals"])
    return [_cell(values[column]) for column in ACTIVITY_COLUMNS]


def _sub_goal(goal: dict) -> str:
    if goal["planned_count"] is None:
        return goal["title"]
    return f"{goal['title']} ({goal['planned_count']})"


def _cell(value):
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(item) for item in value)
    return value


def strategy_json(strategy: Strategy) -> dict:
    """The strategy's whole tree; ``strategy`` comes from strategy.selectors.strategy_tree."""
    return StrategyTreeSerializer(strategy).data


def strategy_csv(data: dict) -> str:
    return csv_text(TREE_COLUMNS, _tree_rows(data))


def _tree_rows(data: dict) -> Iterable[list]:
    for area in data["focus_areas"]:
        yield _tree_row("focus_area", area, focus_area=None)
        for direction in area["directions"]:
            yield _tree_row(
                "direction",
                direction,
                focus_area=area["id"],
                tactical_points=LIST_SEPARATOR.join(direction["tactical_points"]),
            )
    for goal in data["effect_goals"]:
        yield _tree_row("effect_goal", goal, focus_area=goal["focus_area"])


def _tree_row(kind: str, node: dict, **values) -> list:
    row = {"type": kind, **node, **values}
    return [row.get(column) for column in TREE_COLUMNS]
