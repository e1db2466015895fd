"""The dashboard's figures, read with a fixed number of queries whatever the number of
rounds, areas, activities and indicators.

Only live activities (not removed) and submitted reports count, as in the round's page and
the PDF (``followup.rollup``). A round is shown or not as a whole
(``DashboardAccess.shows_round``); its rounds run oldest first, the spring term before the
autumn's.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils.translation import gettext as _

from actionplans.models import ActionPlan, Activity, BudgetLine, Participation
from followup import rollup
from followup.access import DashboardAccess
from followup.charts import format_number
from followup.models import (
    ActivityReport,
    BudgetOutcome,
    FollowUpRound,
    IndicatorValue,
    Report,
    SubGoalOutcome,
)
from followup.rollup import Item, Progress, weighted_progress
from portal.models import Organisation
from portal.page_cache import history_version
from strategy.models import CollaborationArea, FocusArea, Indicator, IndicatorTarget, Strategy

Light = ActivityReport.TrafficLight
#: The terms in the order they end within a year.
TERM_ORDER: dict[str, int] = {FollowUpRound.Term.SPRING: 0, FollowUpRound.Term.WHOLE_YEAR: 1}


@dataclass
class Row:
    """One live activity in one shown round: its submitted report there, if any."""

    activity: Activity
    report: ActivityReport | None

    @property
    def focus_areas(self) -> list[FocusArea]:
        return list(self.activity.focus_areas.all())

    def item(self) -> Item:
        report = self.report
        return Item(
            weight=self.activity.weight,
            progress=report.progress if report else None,
            status=(report.status or self.activity.status) if report else "",
            traffic_light=report.traffic_light if report else "",
            submitted=report is not None,
        )


@dataclass
class Deviation:
    """A yellow or red light with the lead's comment."""

    activity: Activity
    report: ActivityReport

    @property
    def light_label(self) -> str:
        return str(Light(self.report.traffic_light).label)


@dataclass
class DeviationRound:
    round: FollowUpRound
    #: Red first, then yellow, each in the plan's order.
    deviations: list[Deviation]


@dataclass
class AreaTrend:
    """An area's progress in each shown round (None where it had no activity)."""

    key: str
    title: str
    progress: list[Progress | None]

    @property
    def cells(self) -> list[str]:
        """The table's figures, written as the chart writes them."""
        return [
            "–" if p is None or p.value is None else f"{format_number(Decimal(str(p.value)))} %"
            for p in self.progress
        ]


@dataclass
class LightCounts:
    title: str
    green: int
    yellow: int
    red: int
    #: Activities without a submitted report with a light.
    none: int


@dataclass
class IndicatorYear:
    year: int
    target: Decimal | None
    value: Decimal | None
    country: Decimal | None

    @property
    def cells(self) -> list[str]:
        return [format_number(figure) for figure in (self.target, self.value, self.country)]


@dataclass
class IndicatorTrend:
    indicator: Indicator
    years: list[IndicatorYear]
    #: Some of the values shown come from Kolada ("Källa: Kolada" beside them).
    from_kolada: bool

    @property
    def anchor(self) -> str:
        return f"overview-indicator-{self.indicator.pk}"


@dataclass
class ParticipationCount:
    organisation: str
    #: Activities the organisation takes part in (its "yes" answers).
    takes_part: int
    declines: int
    undecided: int


@dataclass
class BudgetYear:
    """One round's costs: the year's budget, the budget of the lines a submitted report
    gives an outcome for, and that outcome (what it compares with)."""

    round: FollowUpRound
    planned: Decimal
    planned_reported: Decimal
    outcome: Decimal

    @property
    def difference(self) -> Decimal:
        return self.outcome - self.planned_reported

    @property
    def cells(self) -> list[str]:
        """Budget, budget of the lines reported, outcome and difference, as the chart writes
        them."""
        figures = (self.planned, self.planned_reported, self.outcome, self.difference)
        return [format_number(figure) for figure in figures]


@dataclass
class Overview:
    strategy: Strategy
    access: DashboardAccess
    #: The shown rounds, oldest first.
    rounds: list[FollowUpRound]
    #: Newest round first.
    deviation_rounds: list[DeviationRound]
    collaboration_areas: list[AreaTrend]
    focus_areas: list[AreaTrend]
    #: The newest shown round's lights per collaboration area.
    lights: list[LightCounts]
    indicators: list[IndicatorTrend]
    #: The newest shown round's plan: its organisations' answers, most activities first.
    participation: list[ParticipationCount]
    budget: list[BudgetYear]

    @property
    def current(self) -> FollowUpRound | None:
        return self.rounds[-1] if self.rounds else None

    @property
    def periods(self) -> list[str]:
        return [followup_round.period for followup_round in self.rounds]

    @property
    def example_periods(self) -> list[str]:
        """The shown rounds the demo made up (seed_demo), which the page says are examples."""
        return [followup_round.period for followup_round in self.rounds if followup_round.example]


def _round_key(followup_round: FollowUpRound) -> tuple[int, int]:
    return followup_round.year, TERM_ORDER.get(followup_round.term, 2)


def shown_rounds(
    strategy: Strategy, access: DashboardAccess, *, until: FollowUpRound | None = None
) -> list[FollowUpRound]:
    """The strategy's rounds the reader sees, oldest first; with ``until``, that round and
    those before it (one query)."""
    approved = Report.objects.filter(round=OuterRef("pk"), review=Report.Review.APPROVED)
    rounds = [
        followup_round
        for followup_round in FollowUpRound.objects.filter(plan__strategy_id=strategy.pk)
        .select_related("plan")
        .annotate(has_approved_report=Exists(approved))
        if access.shows_round(
            plan_state=followup_round.plan.state, approved=followup_round.has_approved_report
        )
    ]
    if until is not None:
        rounds = [r for r in rounds if _round_key(r) <= _round_key(until)]
    return sorted(rounds, key=_round_key)


def _activities(rounds: list[FollowUpRound]) -> list[Activity]:
    """The shown rounds' plans' live activities with their submitted reports in those
    rounds and their budget lines (five queries)."""
    reports = ActivityReport.objects.filter(
        round__in=[r.pk for r in rounds], state=ActivityReport.State.SUBMITTED
    ).prefetch_related("budget_outcomes")
    return list(
        Activity.objects.filter(plan_id__in={r.plan_id for r in rounds}, removed_at__isnull=True)
        .select_related("collaboration_area")
        .prefetch_related(
            "focus_areas",
            "budget_lines",
            Prefetch("reports", queryset=reports, to_attr="shown_reports"),
        )
        .order_by("collaboration_area__order", "collaboration_area_id", "order", "pk")
    )


def _rows(followup_round: FollowUpRound, activities: list[Activity]) -> list[Row]:
    rows = []
    for activity in activities:
        if activity.plan_id != followup_round.plan_id:
            continue
        # shown_reports: Prefetch(to_attr=...) in _activities.
        reports = [
            r
            for r in activity.shown_reports  # type: ignore[attr-defined]
            if r.round_id == followup_round.pk
        ]
        rows.append(Row(activity=activity, report=reports[0] if reports else None))
    return rows


def _deviations(followup_round: FollowUpRound, rows: list[Row]) -> DeviationRound:
    lit = [
        Deviation(activity=row.activity, report=row.report)
        for row in rows
        if row.report is not None and row.report.traffic_light in (Light.RED, Light.YELLOW)
    ]
    lit.sort(key=lambda deviation: deviation.report.traffic_light != Light.RED)
    return DeviationRound(round=followup_round, deviations=lit)


def _trends(
    groups_per_round: list[list[tuple[str, str, list[Row]]]],
) -> list[AreaTrend]:
    """Each area's progress per round, the areas in the order they first appear."""
    trends: dict[str, AreaTrend] = {}
    for index, groups in enumerate(groups_per_round):
        for key, title, rows in groups:
            trend = trends.setdefault(
                key, AreaTrend(key=key, title=title, progress=[None] * len(groups_per_round))
            )
            trend.progress[index] = weighted_progress(row.item() for row in rows)
    return list(trends.values())


def _collaboration_groups(rows: list[Row]) -> list[tuple[str, str, list[Row]]]:
    return [
        (f"c{area.pk}", area.name, group)
        for area, group in rollup.by_collaboration_area(
            rows, lambda row: row.activity.collaboration_area
        )
    ]


def _focus_groups(
    rows: list[Row], strategy_areas: list[FocusArea]
) -> list[tuple[str, str, list[Row]]]:
    return [
        (f"f{area.pk}", area.title, group)
        if area is not None
        else ("f-none", _("No focus area given"), group)
        for area, group in rollup.by_focus_area(rows, lambda row: row.focus_areas, strategy_areas)
    ]


def _lights(rows: list[Row]) -> list[LightCounts]:
    counts = []
    for _key, title, group in _collaboration_groups(rows):
        lights = weighted_progress(row.item() for row in group).by_light
        counts.append(
            LightCounts(
                title=title,
                green=lights.get(Light.GREEN, 0),
                yellow=lights.get(Light.YELLOW, 0),
                red=lights.get(Light.RED, 0),
                none=len(group)
                - sum(lights.get(light, 0) for light in (Light.GREEN, Light.YELLOW, Light.RED)),
            )
        )
    return counts


def _budget(followup_round: FollowUpRound, rows: list[Row]) -> BudgetYear:
    planned = planned_reported = outcome = Decimal(0)
    for row in rows:
        spent = (
            {o.budget_line_id: o.amount for o in row.report.budget_outcomes.all()}
            if row.report
            else {}
        )
        for line in row.activity.budget_lines.all():
            if line.kind != BudgetLine.Kind.COST or line.year != followup_round.year:
                continue
            planned += line.amount
            if line.pk in spent:
                planned_reported += line.amount
                outcome += spent[line.pk]
    return BudgetYear(
        round=followup_round,
        planned=planned,
        planned_reported=planned_reported,
        outcome=outcome,
    )


def _indicators(
    strategy: Strategy, access: DashboardAccess, shown_years: set[int]
) -> list[IndicatorTrend]:
    """Each indicator's targets and values for the strategy's area beside the whole
    country's (three queries). An indicator kept per organisation without an overall value
    shows the organisations' mean, as the PDF's indicator pages do."""
    indicators = (
        Indicator.objects.filter(strategy_id=strategy.pk)
        .select_related("focus_area")
        .prefetch_related(
            "targets",
            Prefetch("values", queryset=IndicatorValue.objects.order_by("year", "pk")),
        )
        .order_by("focus_area__order", "focus_area_id", "order", "pk")
    )
    trends = []
    for indicator in indicators:
        targets = {target.year: target.value for target in indicator.targets.all()}
        values = [
            value
            for value in indicator.values.all()
            if access.shows_indicator_value(value, shown_years)
        ]
        overall: dict[int, Decimal] = {}
        country: dict[int, Decimal] = {}
        per_organisation: dict[int, list[Decimal]] = defaultdict(list)
        for value in values:
            if value.scope == IndicatorValue.Scope.COUNTRY:
                country[value.year] = value.value
            elif value.organisation_id is None:
                overall[value.year] = value.value
            else:
                per_organisation[value.year].append(value.value)
        for year, figures in per_organisation.items():
            if year not in overall:
                mean = sum(figures, Decimal(0)) / len(figures)
                overall[year] = mean.quantize(Decimal("0.01"))
        years = sorted(set(targets) | set(overall) | set(country))
        trends.append(
            IndicatorTrend(
                indicator=indicator,
                years=[
                    IndicatorYear(
                        year=year,
                        target=targets.get(year),
                        value=overall.get(year),
                        country=country.get(year),
                    )
                    for year in years
                ],
                from_kolada=any(value.from_kolada for value in values),
            )
        )
    return trends


def _participation(followup_round: FollowUpRound) -> list[ParticipationCount]:
    """The organisations' answers to the plan's offers, in live activities (one query)."""
    Answer = Participation.Answer

    def count(answer: str) -> Count:
        return Count("activity", filter=Q(answer=answer), distinct=True)

    rows = (
        Participation.objects.filter(
            offer__plan_id=followup_round.plan_id, activity__removed_at__isnull=True
        )
        .values("organisation__name")
        .annotate(
            takes_part=count(Answer.YES),
            declines=count(Answer.NO),
            undecided=count(Answer.UNDECIDED),
        )
        .order_by("organisation__name")
    )
    result = [
        ParticipationCount(
            organisation=row["organisation__name"],
            takes_part=row["takes_part"],
            declines=row["declines"],
            undecided=row["undecided"],
        )
        for row in rows
    ]
    result.sort(key=lambda row: -row.takes_part)  # stable: names stay in order within a count
    return result


def programme_overview(
    strategy: Strategy, access: DashboardAccess, *, until: FollowUpRound | None = None
) -> Overview:
    """Everything the dashboard shows, in a fixed number of queries (at most eleven)."""
    rounds = shown_rounds(strategy, access, until=until)
    activities = _activities(rounds) if rounds else []
    strategy_areas = list(FocusArea.objects.filter(strategy_id=strategy.pk))
    rows_per_round = [_rows(followup_round, activities) for followup_round in rounds]
    current_rows = rows_per_round[-1] if rows_per_round else []
    return Overview(
        strategy=strategy,
        access=access,
        rounds=rounds,
        deviation_rounds=[
            _deviations(followup_round, rows)
            for followup_round, rows in reversed(list(zip(rounds, rows_per_round, strict=True)))
        ],
        collaboration_areas=_trends([_collaboration_groups(rows) for rows in rows_per_round]),
        focus_areas=_trends([_focus_groups(rows, strategy_areas) for rows in rows_per_round]),
        lights=_lights(current_rows),
        indicators=_indicators(strategy, access, {r.year for r in rounds}),
        participation=_participation(rounds[-1]) if rounds else [],
        budget=[
            _budget(followup_round, rows)
            for followup_round, rows in zip(rounds, rows_per_round, strict=True)
        ],
    )


#: Everything the dashboard reads, for its content version.
_DASHBOARD_MODELS = [
    Strategy,
    FocusArea,
    CollaborationArea,
    Indicator,
    IndicatorTarget,
    Organisation,
    ActionPlan,
    Activity,
    BudgetLine,
    Participation,
    FollowUpRound,
    ActivityReport,
    SubGoalOutcome,
    BudgetOutcome,
    IndicatorValue,
    Report,
]


def dashboard_content_version() -> str:
    """A version that changes whenever anything a dashboard shows changes: the newest write
    to any table it reads (every write leaves a history row), in one statement."""
    return history_version(_DASHBOARD_MODELS)
