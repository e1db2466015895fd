"""Everything one round's PDF report shows, read with a fixed number of queries.

Only live activities (not removed) appear. Only submitted activity reports count: a draft
is the lead's unfinished work, so its activity shows as not reported, as it does in the
roll-up (``followup.rollup``), which weighs each activity's progress by its weight.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext as _

from actionplans.models import Activity, BudgetLine, Participation
from followup import rollup
from followup.access import REPORT_DASHBOARD_ACCESS
from followup.dashboard.charts import overview_charts
from followup.dashboard.selectors import programme_overview
from followup.models import ActivityReport, FollowUpRound
from followup.pdf.indicators import indicator_groups
from followup.rollup import Item, Progress, weighted_progress
from strategy.models import FocusArea

Status = Activity.Status
Light = ActivityReport.TrafficLight


@dataclass
class SubGoalRow:
    title: str
    planned: int | None
    period: str
    performed: int | None
    comment: str

    @property
    def name(self) -> str:
        """The title for a run of sub-goals in one line ("Rådsmöten: 2 of 4 per year"): a
        final full stop would stand before the colon."""
        return self.title.rstrip(" .") or self.title

    @property
    def outcome_text(self) -> str:
        """Performed of planned, with the period: "2 of 4 per year"; "–" for a missing figure.
        With no-break spaces: the figures never wrap apart."""
        text = _("%(performed)s of %(planned)s") % {
            "performed": "–" if self.performed is None else self.performed,
            "planned": "–" if self.planned is None else self.planned,
        }
        if self.period and self.planned is not None:
            text = f"{text} {self.period}"
        return text.replace(" ", "\u00a0")


@dataclass
class BudgetRow:
    kind: str
    kind_label: str
    label: str
    planned: Decimal
    outcome: Decimal | None

    @property
    def difference(self) -> Decimal | None:
        return None if self.outcome is None else self.outcome - self.planned


@dataclass
class BudgetGroup:
    """An activity's budget lines of one kind (costs, financing), for one line of text."""

    kind_label: str
    rows: list[BudgetRow]


def paragraphs(text: str) -> list[str]:
    """User text split at its blank lines; line breaks inside a paragraph stay (linebreaksbr)."""
    return [part.strip() for part in re.split(r"\n\s*\n", text or "") if part.strip()]


@dataclass
class ActivityEntry:
    activity: Activity
    #: The submitted report of the round, or None: the activity shows as not reported.
    report: ActivityReport | None
    #: A report exists but its lead has not submitted it.
    draft: bool
    focus_areas: list[FocusArea]
    sub_goals: list[SubGoalRow]
    budget: list[BudgetRow]

    @property
    def anchor(self) -> str:
        return f"activity-{self.activity.pk}"

    @property
    def status(self) -> str:
        return (self.report and self.report.status) or self.activity.status

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label) if self.status in Status.values else self.status

    @property
    def light_label(self) -> str:
        light = self.report.traffic_light if self.report else ""
        return str(Light(light).label) if light in Light.values else ""

    @property
    def work_done(self) -> list[str]:
        return paragraphs(self.report.work_done) if self.report else []

    @property
    def realised_benefits(self) -> list[str]:
        return paragraphs(self.report.realised_benefits) if self.report else []

    @property
    def budget_groups(self) -> list[BudgetGroup]:
        groups: dict[str, BudgetGroup] = {}
        for row in self.budget:  # costs first (see _entry)
            groups.setdefault(
                row.kind, BudgetGroup(kind_label=row.kind_label, rows=[])
            ).rows.append(row)
        return list(groups.values())

    def item(self) -> Item:
        return Item(
            weight=self.activity.weight,
            progress=self.report.progress if self.report else None,
            status=self.status if self.report else "",
            traffic_light=self.report.traffic_light if self.report else "",
            submitted=self.report is not None,
        )


@dataclass
class GroupSummary:
    """A collaboration area or focus area with its activities and their roll-up."""

    key: str
    title: str
    entries: list[ActivityEntry]
    progress: Progress = field(init=False)

    def __post_init__(self) -> None:
        self.progress = weighted_progress(entry.item() for entry in self.entries)

    @property
    def anchor(self) -> str:
        return f"area-{self.key}"

    @property
    def not_reported(self) -> int:
        return self.progress.total - self.progress.submitted

    @property
    def status_counts(self) -> list[int]:
        return [self.progress.by_status.get(value, 0) for value in Status.values]

    @property
    def light_counts(self) -> list[int]:
        return [self.progress.by_light.get(value, 0) for value in Light.values]

    @property
    def no_light(self) -> int:
        return self.progress.by_light.get("", 0)


@dataclass
class BudgetTotal:
    kind_label: str
    #: Every live activity's budget lines of the year.
    planned: Decimal
    #: The budget of the lines a submitted report gives an outcome for: what the outcome
    #: compares with (activities not yet reported would make any outcome look low).
    planned_reported: Decimal
    outcome: Decimal

    @property
    def difference(self) -> Decimal:
        return self.outcome - self.planned_reported


@dataclass
class ParticipationRow:
    organisation: str
    takes_part: int
    declines: int
    undecided: int


def _activities(followup_round: FollowUpRound) -> list[Activity]:
    reports = ActivityReport.objects.filter(round=followup_round).prefetch_related(
        "outcomes", "budget_outcomes"
    )
    return list(
        Activity.objects.filter(plan_id=followup_round.plan_id, removed_at__isnull=True)
        .select_related("collaboration_area", "lead_organisation")
        .prefetch_related(
            "focus_areas",
            "sub_goals",
            Prefetch(
                "budget_lines",
                queryset=BudgetLine.objects.filter(year=followup_round.year),
                to_attr="round_budget_lines",
            ),
            Prefetch("reports", queryset=reports, to_attr="round_reports"),
        )
        .order_by("collaboration_area__order", "collaboration_area_id", "order", "pk")
    )


def _entry(activity: Activity) -> ActivityEntry:
    # round_reports and round_budget_lines: Prefetch(to_attr=...) in _activities.
    reports = activity.round_reports  # type: ignore[attr-defined]
    report = reports[0] if reports else None
    submitted = report if report and report.state == ActivityReport.State.SUBMITTED else None
    outcomes = {o.sub_goal_id: o for o in submitted.outcomes.all()} if submitted else {}
    spent = (
        {o.budget_line_id: o.amount for o in submitted.budget_outcomes.all()} if submitted else {}
    )
    sub_goals = []
    for sub_goal in activity.sub_goals.all():
        outcome = outcomes.get(sub_goal.pk)
        sub_goals.append(
            SubGoalRow(
                title=sub_goal.title,
                planned=sub_goal.planned_count,
                period=sub_goal.get_count_period_display() if sub_goal.count_period else "",
                performed=outcome.performed_count if outcome else None,
                comment=outcome.comment if outcome else "",
            )
        )
    budget = [
        BudgetRow(
            kind=line.kind,
            kind_label=line.get_kind_display(),
            label=line.label,
            planned=line.amount,
            outcome=spent.get(line.pk),
        )
        for line in sorted(
            activity.round_budget_lines,  # type: ignore[attr-defined]
            key=lambda line: (line.kind != "cost", line.order, line.pk),
        )
    ]
    return ActivityEntry(
        activity=activity,
        report=submitted,
        draft=report is not None and submitted is None,
        focus_areas=list(activity.focus_areas.all()),
        sub_goals=sub_goals,
        budget=budget,
    )


def _by_collaboration_area(entries: list[ActivityEntry]) -> list[GroupSummary]:
    return [
        GroupSummary(key=f"c{area.pk}", title=area.name, entries=group)
        for area, group in rollup.by_collaboration_area(
            entries, lambda entry: entry.activity.collaboration_area
        )
    ]


def _by_focus_area(
    entries: list[ActivityEntry], strategy_areas: list[FocusArea]
) -> list[GroupSummary]:
    return [
        GroupSummary(key=f"f{area.pk}", title=area.title, entries=group)
        if area is not None
        else GroupSummary(key="f-none", title=_("No focus area given"), entries=group)
        for area, group in rollup.by_focus_area(
            entries, lambda entry: entry.focus_areas, strategy_areas
        )
    ]


def _budget_totals(entries: list[ActivityEntry]) -> list[BudgetTotal]:
    totals = []
    for kind, label in BudgetLine.Kind.choices:
        rows = [row for entry in entries for row in entry.budget if row.kind == kind]
        reported = [row for row in rows if row.outcome is not None]
        totals.append(
            BudgetTotal(
                kind_label=str(label),
                planned=sum((row.planned for row in rows), Decimal(0)),
                planned_reported=sum((row.planned for row in reported), Decimal(0)),
                outcome=sum((row.outcome or Decimal(0) for row in reported), Decimal(0)),
            )
        )
    return totals


def _participation(followup_round: FollowUpRound) -> list[ParticipationRow]:
    """Answers per organisation across the plan's offers, for its live activities."""
    Answer = Participation.Answer
    rows = (
        Participation.objects.filter(
            offer__plan_id=followup_round.plan_id, activity__removed_at__isnull=True
        )
        .values("organisation__name")
        .annotate(
            takes_part=Count("pk", filter=Q(answer=Answer.YES)),
            declines=Count("pk", filter=Q(answer=Answer.NO)),
            undecided=Count("pk", filter=Q(answer=Answer.UNDECIDED)),
        )
        .order_by("organisation__name")
    )
    result = [
        ParticipationRow(
            organisation=row["organisation__name"],
            takes_part=row["takes_part"],
            declines=row["declines"],
            undecided=row["undecided"],
        )
        for row in rows
    ]
    result.sort(key=lambda row: -row.takes_part)  # stable: names stay in order within a count
    return result


def report_context(followup_round: FollowUpRound) -> dict:
    """The template context of one round's report (a fixed number of queries)."""
    followup_round = FollowUpRound.objects.select_related("plan__strategy__owner").get(
        pk=followup_round.pk
    )
    plan = followup_round.plan
    entries = [_entry(activity) for activity in _activities(followup_round)]
    strategy_focus_areas = list(FocusArea.objects.filter(strategy_id=plan.strategy_id))
    overall = GroupSummary(key="all", title=_("Whole plan"), entries=entries)
    # The report opens with the programme dashboard's overview up to this round.
    programme = programme_overview(plan.strategy, REPORT_DASHBOARD_ACCESS, until=followup_round)
    return {
        "programme": programme,
        "programme_charts": overview_charts(programme),
        "round": followup_round,
        "plan": plan,
        "strategy": plan.strategy,
        "entries": entries,
        "overall": overall,
        "collaboration_areas": _by_collaboration_area(entries),
        "focus_areas": _by_focus_area(entries, strategy_focus_areas),
        "budget_year": followup_round.year,
        "budget_totals": _budget_totals(entries),
        "participation": _participation(followup_round),
        "indicator_groups": indicator_groups(followup_round),
        "statuses": [str(label) for label in Status.labels],
        "lights": [str(label) for label in Light.labels],
    }
