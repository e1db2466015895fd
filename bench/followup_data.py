"""Synthetic follow-up data for the report benchmark and the report tests.

``sample_plan`` makes a plan of any size under a strategy of its own; ``sample_round`` fills
a round of any plan (the demo's Aktiviteter 2023 too) with sub-goals, budget lines,
submitted and draft reports, outcomes, offers' answers and indicators with targets and
values. Deterministic (seeded). Not used by the portal itself.
"""

import random
from datetime import date
from decimal import Decimal

from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from actionplans.models import ActionPlan, Activity, BudgetLine, Offer, Participation, SubGoal
from bench.management.commands.generate_national import AREAS, FOCUS_AREAS, WORDS
from followup.models import (
    ActivityReport,
    BudgetOutcome,
    FollowUpRound,
    IndicatorValue,
    SubGoalOutcome,
)
from portal.models import Organisation, User
from strategy.models import (
    CollaborationArea,
    FocusArea,
    Indicator,
    IndicatorTarget,
    Strategy,
)


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def sample_plan(activities: int, *, slug: str = "rapport-bench", year: int = 2025) -> ActionPlan:
    """A published plan with ``activities`` activities under a new strategy."""
    rng = random.Random(activities)
    owner, _ = Organisation.objects.get_or_create(
        slug=f"{slug}-region",
        defaults={"name": f"Region {slug}", "kind": Organisation.Kind.REGION},
    )
    strategy = Strategy.objects.create(
        title=f"Digitaliseringsstrategi {slug}",
        slug=slug,
        owner=owner,
        period_start=2021,
        period_end=2026,
        state=Strategy.State.IN_FORCE,
    )
    focus_areas = bulk_create_with_history(
        [
            FocusArea(strategy=strategy, order=i, title=t, slug=slugify(t), goal=f"Mål för {t}.")
            for i, t in enumerate(FOCUS_AREAS)
        ],
        FocusArea,
    )
    areas = bulk_create_with_history(
        [
            CollaborationArea(
                strategy=strategy, order=i, name=name, slug=slugify(name), is_overall=i == 0
            )
            for i, name in enumerate(AREAS)
        ],
        CollaborationArea,
    )
    focus_areas = list(strategy.focus_areas.all())
    areas = list(strategy.collaboration_areas.all())
    plan = ActionPlan.objects.create(
        strategy=strategy, year=year, title=f"Aktiviteter {year}", state=ActionPlan.State.PUBLISHED
    )
    bulk_create_with_history(
        [
            Activity(
                plan=plan,
                order=i,
                title=f"Aktivitet {i + 1}: {_sentence(rng, 5)[:-1]}",
                description=_sentence(rng, 30),
                kind=rng.choice(Activity.Kind.values),
                collaboration_area=areas[i % len(areas)],
                lead_organisation=owner,
                status=Activity.Status.ONGOING,
                weight=rng.choice([1, 1, 1, 2, 3]),
            )
            for i in range(activities)
        ],
        Activity,
    )
    through = Activity.focus_areas.through
    through.objects.bulk_create(
        through(activity_id=activity.pk, focusarea_id=area.pk)
        for activity in plan.activities.all()
        for area in rng.sample(focus_areas, rng.choice([1, 1, 2]))
    )
    return plan


def sample_round(plan: ActionPlan, *, seed: int = 2023, reported: float = 0.8) -> FollowUpRound:
    """A whole-year round of the plan with about ``reported`` of the activities submitted,
    a few drafts and the rest missing."""
    rng = random.Random(seed)
    year = plan.year
    activities = list(plan.activities.filter(removed_at__isnull=True))
    needs_goals = [a for a in activities if not a.sub_goals.exists()]
    bulk_create_with_history(
        [
            SubGoal(
                activity=a,
                order=i,
                title=_sentence(rng, 8),
                planned_count=rng.choice([2, 4, 10]),
                count_period=SubGoal.Period.YEAR,
            )
            for a in needs_goals
            for i in range(rng.choice([1, 2]))
        ],
        SubGoal,
    )
    needs_budget = [a for a in activities if not a.budget_lines.filter(year=year).exists()]
    bulk_create_with_history(
        [
            BudgetLine(
                activity=a,
                kind=kind,
                year=year,
                label=label,
                amount=Decimal(rng.randrange(50_000, 900_000, 1000)),
                order=order,
            )
            for a in needs_budget
            for order, (kind, label) in enumerate(
                [
                    (BudgetLine.Kind.COST, "Egen personal"),
                    (BudgetLine.Kind.COST, "Konsulter"),
                    (BudgetLine.Kind.FINANCING, "Rambudget"),
                ]
            )
        ],
        BudgetLine,
    )
    round = FollowUpRound.objects.create(
        plan=plan, year=year, deadline=date(year, 12, 15), state=FollowUpRound.State.CLOSED
    )
    reports = []
    for activity in activities:
        draw = rng.random()
        if draw >= reported + 0.1:
            continue  # not reported at all
        light = rng.choice(ActivityReport.TrafficLight.values)
        reports.append(
            ActivityReport(
                round=round,
                activity=activity,
                state=ActivityReport.State.SUBMITTED if draw < reported else "draft",
                status=rng.choice([Activity.Status.ONGOING, Activity.Status.DONE]),
                traffic_light=light,
                traffic_light_comment=_sentence(rng, 12) if light == "red" else "",
                progress=rng.randrange(0, 101, 5),
                work_done="\n\n".join(_sentence(rng, 25) for _ in range(2)),
                realised_benefits=_sentence(rng, 15),
            )
        )
    bulk_create_with_history(reports, ActivityReport)
    submitted = list(
        ActivityReport.objects.filter(
            round=round, state=ActivityReport.State.SUBMITTED
        ).prefetch_related("activity__sub_goals", "activity__budget_lines")
    )
    bulk_create_with_history(
        [
            SubGoalOutcome(report=r, sub_goal=g, performed_count=rng.randrange(0, 12))
            for r in submitted
            for g in r.activity.sub_goals.all()
        ],
        SubGoalOutcome,
    )
    bulk_create_with_history(
        [
            BudgetOutcome(
                report=r,
                budget_line=line,
                amount=(line.amount * Decimal(rng.uniform(0.6, 1.2))).quantize(Decimal(1)),
            )
            for r in submitted
            for line in r.activity.budget_lines.all()
            if line.year == year
        ],
        BudgetOutcome,
    )
    _answers(rng, plan, activities)
    _indicators(rng, plan.strategy)
    return round


def _answers(rng: random.Random, plan: ActionPlan, activities: list[Activity]) -> None:
    if Participation.objects.filter(offer__plan=plan).exists():
        return
    organisations = list(Organisation.objects.exclude(pk=plan.strategy.owner_id)[:8])
    if not organisations:
        return
    sender = User.objects.filter(is_superuser=True).first() or User.objects.create(
        username=f"bench-sender-{plan.pk}"
    )
    offer = Offer.objects.create(
        plan=plan, title=f"Erbjudande {plan.year}", deadline=date(plan.year, 2, 1), sent_by=sender
    )
    offer.activities.set(activities)
    bulk_create_with_history(
        [
            Participation(
                offer=offer,
                activity=a,
                organisation=o,
                answer=rng.choice(Participation.Answer.values),
                answered_by=sender,
            )
            for o in organisations
            for a in rng.sample(activities, max(1, len(activities) // 3))
        ],
        Participation,
    )


def _indicators(rng: random.Random, strategy: Strategy) -> None:
    if strategy.indicators.exists():
        return
    focus_areas = list(strategy.focus_areas.all()[:3])
    first = strategy.period_start or 2021
    last = strategy.period_end or first + 5
    specs = [
        ("Andel hushåll med tillgång till 1 Gbit/s", "%", 85, 98, False),
        ("Antal e-tjänster i länets kommuner", "st", 120, 300, True),
        ("Andel invånare som känner sig digitalt utanför", "%", 12, 6, False),
    ]
    for order, (title, unit, start, goal, per_organisation) in enumerate(specs):
        indicator = Indicator.objects.create(
            strategy=strategy,
            focus_area=focus_areas[order % len(focus_areas)] if focus_areas else None,
            order=order,
            title=title,
            unit=unit,
            direction=Indicator.Direction.INCREASE
            if goal > start
            else Indicator.Direction.DECREASE,
            per_organisation=per_organisation,
        )
        years = list(range(first, last + 1))
        for i, year in enumerate(years):
            target = start + (goal - start) * i / max(1, len(years) - 1)
            IndicatorTarget.objects.create(indicator=indicator, year=year, value=round(target, 1))
        for year in years[: max(1, len(years) - 3)]:
            actual = start + (goal - start) * (year - first) / max(1, len(years) - 1)
            actual *= rng.uniform(0.9, 1.05)
            if per_organisation:
                for organisation in Organisation.objects.all()[:4]:
                    IndicatorValue.objects.create(
                        indicator=indicator,
                        year=year,
                        organisation=organisation,
                        value=round(actual * rng.uniform(0.8, 1.2), 1),
                    )
            else:
                IndicatorValue.objects.create(
                    indicator=indicator, year=year, value=round(actual, 1)
                )
