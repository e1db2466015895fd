"""Demo strategies from the seeds: the county strategy, the region's programme and
Region Västmanland's strategy, plus the county's collaboration areas.

The seeds name no indicators: the demo's example indicators are made by followup.demo,
through the services, and are left alone here (a prune would delete them, and the
coordinators' own ones with them)."""

from pathlib import Path

from django.utils.text import slugify

from portal.models import Body, Organisation
from portal.seeding import Seeder, read_yaml, text
from strategy.models import (
    CollaborationArea,
    CollaborationQuestion,
    EffectGoal,
    FocusArea,
    OverallGoal,
    Perspective,
    StrategicDirection,
    Strategy,
    TacticalPoint,
)

DATA = Path(__file__).parent
STRATEGY_FILES = ["orebro_strategy.yaml", "orebro_programme.yaml", "vastmanland_strategy.yaml"]


def seed(seeder: Seeder) -> None:
    for name in STRATEGY_FILES:
        _seed_strategy(seeder, read_yaml(DATA / name))
    _seed_collaboration_areas(seeder, read_yaml(DATA / "orebro_collaboration_areas.yaml"))


def _seed_strategy(seeder: Seeder, data: dict) -> Strategy:
    head = data["strategy"]
    parent = Strategy.objects.get(slug=head["parent"]) if head.get("parent") else None
    strategy = seeder.upsert(
        Strategy,
        {"slug": head["slug"]},
        {
            "title": head["title"],
            "kind": head["kind"],
            "owner": Organisation.objects.get(name=head["owner"]),
            "parent": parent,
            "period_start": head.get("period_start"),
            "period_end": head.get("period_end"),
            "vision": text(head.get("vision")),
            "summary": text(head.get("summary")),
            "preparation_process": text(head.get("preparation_process")),
            "follow_up": text(head.get("follow_up")),
            # The demo's strategies are today's; the next one is written in the portal.
            "state": Strategy.State.IN_FORCE,
        },
    )
    seeder.set_m2m(
        strategy,
        "governing_bodies",
        [Body.objects.get(slug=slug) for slug in head.get("governing_bodies") or []],
    )
    goals = [
        seeder.upsert(
            OverallGoal,
            {"strategy": strategy, "title": row["title"]},
            {"order": order, "description": text(row.get("description"))},
        )
        for order, row in enumerate(data.get("overall_goals") or [], start=1)
    ]
    seeder.prune(strategy.overall_goals.all(), goals)
    perspectives = [
        seeder.upsert(
            Perspective,
            {"strategy": strategy, "title": row["title"]},
            {"order": order, "description": text(row.get("description"))},
        )
        for order, row in enumerate(data.get("perspectives") or [], start=1)
    ]
    seeder.prune(strategy.perspectives.all(), perspectives)

    areas = [
        _seed_focus_area(seeder, strategy, order, row)
        for order, row in enumerate(data.get("focus_areas") or [], start=1)
    ]
    seeder.prune(strategy.focus_areas.all(), areas)

    # A programme's effect goals sit under the focus areas of the strategy it serves.
    area_owner = parent if parent and not areas else strategy
    effect_goals = []
    for order, row in enumerate(data.get("effect_goals") or [], start=1):
        focus_area = (
            FocusArea.objects.get(strategy=area_owner, title=row["focus_area"])
            if row.get("focus_area")
            else None
        )
        effect_goals.append(
            seeder.upsert(
                EffectGoal,
                {"strategy": strategy, "order": order},
                {
                    "title": text(row["title"]),
                    "description": text(row.get("description")),
                    "focus_area": focus_area,
                },
            )
        )
    seeder.prune(strategy.effect_goals.all(), effect_goals)

    return strategy


def _seed_focus_area(seeder: Seeder, strategy: Strategy, order: int, row: dict) -> FocusArea:
    area = seeder.upsert(
        FocusArea,
        {"strategy": strategy, "slug": slugify(row["title"])},
        {
            "order": order,
            "title": row["title"],
            "goal": text(row.get("goal")),
            "description": text(row.get("description")),
        },
    )
    directions = []
    for direction_order, direction_row in enumerate(row.get("directions") or [], start=1):
        direction = seeder.upsert(
            StrategicDirection,
            {"focus_area": area, "title": direction_row["title"]},
            {"order": direction_order, "description": text(direction_row.get("description"))},
        )
        points = [
            seeder.upsert(
                TacticalPoint,
                {"direction": direction, "order": point_order},
                {"text": text(point)},
            )
            for point_order, point in enumerate(direction_row.get("tactical_points") or [], 1)
        ]
        seeder.prune(direction.tactical_points.all(), points)
        directions.append(direction)
    seeder.prune(area.directions.all(), directions)
    return area


def _seed_collaboration_areas(seeder: Seeder, data: dict) -> None:
    strategy = Strategy.objects.get(slug=data["strategy"])
    areas = []
    for order, row in enumerate(data["areas"]):
        area = seeder.upsert(
            CollaborationArea,
            {"strategy": strategy, "slug": slugify(row["name"])},
            {
                "order": order,
                "name": row["name"],
                "description": text(row.get("description")),
                "is_overall": bool(row.get("is_overall")),
                # The demo's bodies name each collaboration group after its area.
                "group": Body.objects.filter(
                    slug=f"samverkansgrupp-{slugify(row['name'])}"
                ).first(),
            },
        )
        questions = [
            seeder.upsert(
                CollaborationQuestion, {"area": area, "order": q_order}, {"text": text(question)}
            )
            for q_order, question in enumerate(row.get("questions") or [], start=1)
        ]
        seeder.prune(area.questions.all(), questions)
        areas.append(area)
    seeder.prune(strategy.collaboration_areas.all(), areas)
