"""List and detail pages make as many queries with 200 rows as with 5, and none while the
template renders (everything is fetched by the view)."""

from contextlib import contextmanager

import pytest
from django.db import connection, transaction
from django.template.backends.django import Template
from django.test.utils import CaptureQueriesContext

from actionplans.models import ActionPlan
from portal.models import Membership
from strategy.models import EffectGoal, TacticalPoint
from tests.factories import (
    ActionPlanFactory,
    ActivityFactory,
    CollaborationAreaFactory,
    DirectionFactory,
    FocusAreaFactory,
    MembershipFactory,
    StrategyFactory,
    UserFactory,
)


class QueryDuringRendering(AssertionError):
    pass


@contextmanager
def no_queries_while_rendering(monkeypatch):
    original = Template.render

    def blocker(execute, sql, params, many, context):
        raise QueryDuringRendering(f"query while rendering a template: {sql}")

    def render(self, *args, **kwargs):
        with connection.execute_wrapper(blocker):
            return original(self, *args, **kwargs)

    monkeypatch.setattr(Template, "render", render)
    yield


def build_strategy(n: int) -> str:
    strategy = StrategyFactory(slug="s")
    for i in range(n):
        area = FocusAreaFactory(strategy=strategy, order=i)
        direction = DirectionFactory(focus_area=area)
        TacticalPoint.objects.create(direction=direction, text=f"punkt {i}")
        EffectGoal.objects.create(strategy=strategy, focus_area=area, title=f"mål {i}")
        CollaborationAreaFactory(strategy=strategy)
        StrategyFactory(parent=strategy)  # programmes under it
    return "/strategier/s/"


def build_focus_area(n: int) -> str:
    area = FocusAreaFactory(strategy=StrategyFactory(slug="s"), slug="f")
    for _ in range(n):
        direction = DirectionFactory(focus_area=area)
        TacticalPoint.objects.create(direction=direction, text="punkt")
        EffectGoal.objects.create(strategy=area.strategy, focus_area=area, title="mål")
    return "/strategier/s/f/"


def build_strategy_list(n: int) -> str:
    parent = StrategyFactory()
    for _ in range(n):
        FocusAreaFactory(strategy=StrategyFactory(parent=parent))
    return "/strategier/"


def build_start(n: int) -> str:
    build_strategy_list(n)
    build_plan_list(n)
    return "/"


def build_collaboration_areas(n: int) -> str:
    strategy = StrategyFactory(slug="s")
    for _ in range(n):
        CollaborationAreaFactory(strategy=strategy).questions.create(text="fråga")
    return "/strategier/s/samverkansomraden/"


def build_plan_list(n: int) -> str:
    for year in range(2000, 2000 + n):
        ActivityFactory(plan=ActionPlanFactory(year=year))
    return "/handlingsplaner/"


def build_plan(n: int) -> str:
    plan = ActionPlanFactory(strategy=StrategyFactory(slug="s"), year=2025)
    areas = [CollaborationAreaFactory(strategy=plan.strategy) for _ in range(3)]
    focus = FocusAreaFactory(strategy=plan.strategy)
    direction = DirectionFactory(focus_area=focus)
    for i in range(n):
        activity = ActivityFactory(plan=plan, collaboration_area=areas[i % 3])
        activity.focus_areas.add(focus)
        activity.directions.add(direction)
        activity.sub_goals.create(title="delmål", planned_count=2, count_period="term")
        activity.budget_lines.create(kind="cost", year=2025, label="Egen personal", amount=100)
        activity.budget_lines.create(kind="financing", year=2025, label="Anslag", amount=100)
    assert plan.state == ActionPlan.State.PUBLISHED
    return "/handlingsplaner/s/2025/"


PAGES = {
    "start": (build_start, False),
    "strategy-list": (build_strategy_list, False),
    "strategy-detail": (build_strategy, False),
    "focus-area": (build_focus_area, False),
    "collaboration-areas": (build_collaboration_areas, False),
    "plan-list": (build_plan_list, False),
    "plan-detail": (build_plan, False),
    "home": (None, True),
}


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("page", list(PAGES))
def test_queries_do_not_grow_with_rows(client, db, monkeypatch, page):
    builder, signed_in = PAGES[page]
    counts = []
    for rows in (5, 200):
        # Each round builds its rows in a savepoint and rolls them back afterwards.
        with transaction.atomic(), no_queries_while_rendering(monkeypatch):
            if signed_in:
                user = UserFactory()
                for _ in range(rows):
                    MembershipFactory(user=user, role=Membership.Role.MEMBER)
                client.force_login(user)
                url = "/hem/"
            else:
                url = builder(rows)
            counts.append(_count(client, url))
            transaction.set_rollback(True)
    assert counts[0] == counts[1], f"{page}: {counts[0]} queries with 5 rows, {counts[1]} with 200"
