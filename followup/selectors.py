"""Reads of follow-up: a round's reports with their roll-ups, the plan's rounds, the PDFs,
the meetings held toward sub-goals, and what each user has to fill or review."""

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from actionplans.access import APPROVE, EDIT_AREA
from actionplans.models import ActionPlan, Activity, BudgetLine, SubGoal
from actionplans.selectors import plans as plan_selectors
from followup import rollup
from followup.models import (
    ActivityReport,
    FollowUpRound,
    IndicatorValue,
    Report,
    ReportMail,
    RoundMail,
)
from followup.rollup import Item, Progress, weighted_progress
from portal.models import Organisation, User
from portal.page_cache import history_version
from strategy.models import (
    CollaborationArea,
    CollaborationAreaUserObjectPermission,
    FocusArea,
    Indicator,
    Strategy,
    StrategyUserObjectPermission,
)


@dataclass
class Group:
    """A collaboration area or focus area with its activities' reports."""

    title: str
    reports: list[ActivityReport]
    progress: Progress


@dataclass
class RoundOverview:
    followup_round: FollowUpRound
    reports: list[ActivityReport]
    plan_progress: Progress
    by_area: list[Group]
    by_focus_area: list[Group]


def _item(report: ActivityReport) -> Item:
    return Item(
        weight=report.activity.weight,
        progress=report.progress,
        status=report.status,
        traffic_light=report.traffic_light,
        submitted=report.state == ActivityReport.State.SUBMITTED,
    )


def round_content_version() -> str:
    """A version that changes whenever anything the round page's summary and report table
    show changes: the reports, their activities, areas and focus areas, the round."""
    return history_version([ActivityReport, Activity, CollaborationArea, FocusArea, FollowUpRound])


def round_overview(followup_round: FollowUpRound) -> RoundOverview:
    """Every live activity's report, rolled up per collaboration area, per focus area (the
    same groups as the PDF's, followup.rollup) and for the whole plan. Five queries whatever
    the number of activities."""
    reports = list(
        followup_round.reports.filter(activity__removed_at__isnull=True)
        .select_related(
            "activity",
            "activity__collaboration_area",
            "activity__lead_organisation",
            "submitted_by",
        )
        .prefetch_related("activity__focus_areas")
        .order_by("activity__collaboration_area__order", "activity__order", "activity__pk")
    )
    strategy_areas = list(FocusArea.objects.filter(strategy_id=followup_round.plan.strategy_id))
    by_area = [
        Group(area.name, group, weighted_progress(_item(r) for r in group))
        for area, group in rollup.by_collaboration_area(
            reports, lambda report: report.activity.collaboration_area
        )
    ]
    by_focus_area = [
        Group(
            area.title if area is not None else _("No focus area given"),
            group,
            weighted_progress(_item(r) for r in group),
        )
        for area, group in rollup.by_focus_area(
            reports, lambda report: list(report.activity.focus_areas.all()), strategy_areas
        )
    ]
    return RoundOverview(
        followup_round=followup_round,
        reports=reports,
        plan_progress=weighted_progress(_item(r) for r in reports),
        by_area=by_area,
        by_focus_area=by_focus_area,
    )


def light_counts(overview: RoundOverview) -> list[tuple[str, str | Promise, int]]:
    """Each traffic light, its label and how many of the round's reports show it."""
    return [
        (light, label, overview.plan_progress.by_light.get(light, 0))
        for light, label in ActivityReport.TrafficLight.choices
    ]


def plan_rounds(plan: ActionPlan) -> list[FollowUpRound]:
    return list(
        plan.followup_rounds.select_related("opened_by").prefetch_related(
            Prefetch(
                "pdf_reports",
                queryset=Report.objects.order_by("-version"),
                to_attr="versions",
            )
        )
    )


def round_pdf_reports(followup_round: FollowUpRound) -> list[Report]:
    reports = followup_round.pdf_reports.select_related("requested_by", "reviewed_by")
    return list(reports.order_by("-version"))


def pdf_report_page(report: Report) -> dict:
    """A version's comments, and the bodies it was sent to with the mails that went out."""
    return {
        "comments": report.comments.select_related("author"),
        "recipients": report.recipients.order_by("name"),
        "mails": report.mails.order_by("sent_at"),
    }


def reports_awaiting_review(strategies) -> list[Report]:
    """The newest version of each round of these strategies' plans, if it is finished and
    nobody has reviewed it."""
    newest = (
        Report.objects.filter(round=OuterRef("round")).order_by("-version").values("version")[:1]
    )
    return list(
        Report.objects.filter(
            round__plan__strategy__in=strategies,
            state=Report.State.DONE,
            review=Report.Review.PENDING,
            version=Subquery(newest),
        )
        .select_related("round", "round__plan")
        .order_by("round__deadline")[:50]
    )


def round_period(followup_round: FollowUpRound) -> tuple[date, date]:
    """The first and last day the round follows up: the year, or one term of it."""
    year = followup_round.year
    if followup_round.term == FollowUpRound.Term.SPRING:
        return date(year, 1, 1), date(year, 6, 30)
    if followup_round.term == FollowUpRound.Term.AUTUMN:
        return date(year, 7, 1), date(year, 12, 31)
    return date(year, 1, 1), date(year, 12, 31)


def held_meetings(followup_round: FollowUpRound, sub_goal_ids: list[int]) -> dict[int, int]:
    """How many meetings and events linked to each sub-goal were held in the round's period
    (those that have begun by now)."""
    first, last = round_period(followup_round)
    zone = timezone.get_current_timezone()
    start = datetime.combine(first, time.min, tzinfo=zone)
    end = min(datetime.combine(last, time.max, tzinfo=zone), timezone.now())
    rows = (
        SubGoal.meetings.through.objects.filter(
            subgoal_id__in=sub_goal_ids,
            meeting__starts_at__gte=start,
            meeting__starts_at__lte=end,
        )
        .values("subgoal_id")
        .annotate(held=Count("meeting_id"))
    )
    return {row["subgoal_id"]: row["held"] for row in rows}


def reports_to_fill(user: User) -> list[ActivityReport]:
    """The open rounds' reports this user still fills (drafts): as the activity's contact or
    its area's lead."""
    if not user.is_authenticated:
        return []
    reports = ActivityReport.objects.filter(
        round__state=FollowUpRound.State.OPEN, state=ActivityReport.State.DRAFT
    ).select_related("round", "round__plan", "activity")
    if not user.is_superuser:
        area_ids = CollaborationAreaUserObjectPermission.objects.filter(
            user=user, permission__codename=EDIT_AREA
        ).values("content_object_id")
        # Coordinators follow the whole round on its page instead of a list of every report.
        reports = reports.filter(
            Q(activity__contact=user) | Q(activity__collaboration_area__in=area_ids)
        )
    return list(reports.order_by("round__deadline", "activity__title")[:200])


def reviewed_strategies(user: User | AnonymousUser) -> QuerySet[Strategy]:
    """The strategies whose follow-up reports the user reviews (as the steering group)."""
    if not user.is_authenticated:
        return Strategy.objects.none()
    if user.is_superuser:
        return Strategy.objects.all()
    return Strategy.objects.filter(
        pk__in=StrategyUserObjectPermission.objects.filter(
            user=user, permission__codename=APPROVE
        ).values("content_object_id")
    )


def rounds_of_year(user: User, year: int) -> list[FollowUpRound]:
    """The rounds opened or due in ``year`` of the plans the user works on (those whose
    rounds they see, followup.access), with their report versions."""
    return list(
        FollowUpRound.objects.filter(
            Q(opened_at__year=year)
            | Q(deadline__year=year)
            | Q(pdf_reports__requested_at__year=year),
            plan__strategy__in=plan_selectors.worked_on_strategies(user),
        )
        .distinct()
        .select_related("plan")
        .prefetch_related(Prefetch("pdf_reports", queryset=Report.objects.order_by("version")))
        .order_by("deadline", "pk")[:100]
    )


# --- An activity's report and its form ----------------------------------------------------


def report_indicators(activity: Activity) -> QuerySet[Indicator]:
    """The indicators a report on this activity asks for: those of its effect goals and of
    its focus areas, except those whose values come from Kolada."""
    return (
        Indicator.objects.filter(
            Q(effect_goal__activities=activity) | Q(focus_area__activities=activity),
            kolada_kpi="",
        )
        .distinct()
        .order_by("strategy_id", "order", "pk")
    )


@dataclass
class ReportFormData:
    """What the report's form shows beside the report's own fields, and its stored values."""

    sub_goals: list[SubGoal]
    budget_lines: list[BudgetLine]
    indicators: list[Indicator]
    #: sub-goal id → (performed count, comment)
    outcomes: dict[int, tuple[int | None, str]]
    #: budget line id → outcome in SEK
    budget: dict[int, Decimal]
    #: indicator id → the value stored for the round's year (the lead's organisation's, for
    #: an indicator kept per organisation)
    values: dict[int, IndicatorValue]


def report_form_data(report: ActivityReport) -> ReportFormData:
    activity = report.activity
    year = report.round.year
    sub_goals = list(activity.sub_goals.order_by("order", "pk"))
    budget_lines = list(activity.budget_lines.filter(year=year).order_by("kind", "order", "pk"))
    indicators = list(report_indicators(activity))
    outcomes = {o.sub_goal_id: (o.performed_count, o.comment) for o in report.outcomes.all()}
    budget = {o.budget_line_id: o.amount for o in report.budget_outcomes.all()}
    values = {
        v.indicator_id: v
        for v in IndicatorValue.objects.filter(
            indicator__in=indicators,
            year=year,
            organisation__isnull=True,
            scope=IndicatorValue.Scope.STRATEGY,
        )
    } | {
        v.indicator_id: v
        for v in IndicatorValue.objects.filter(
            indicator__in=[i for i in indicators if i.per_organisation],
            year=year,
            organisation_id=activity.lead_organisation_id,
        )
    }
    # Meetings and events held for a sub-goal are what was performed, unless the lead has
    # entered a count of their own.
    held = held_meetings(report.round, [s.pk for s in sub_goals])
    for sub_goal in sub_goals:
        count = held.get(sub_goal.pk, 0)
        sub_goal.held = count  # type: ignore[attr-defined]  # shown beside the field
        if sub_goal.pk not in outcomes and count:
            outcomes[sub_goal.pk] = (count, "")
    return ReportFormData(sub_goals, budget_lines, indicators, outcomes, budget, values)


def report_history(report: ActivityReport) -> QuerySet:
    """The report's last ten changes, newest first."""
    return report.history.select_related("history_user").order_by("-history_date")[:10]


# --- An indicator's values (its page, and the fetch from Kolada) -----------------------------


@dataclass
class KoladaPlaces:
    """Whom a strategy's Kolada values are fetched for, by their Kolada id."""

    #: The strategy's owner (a region: the county), whose value is the strategy's.
    overall: Organisation | None
    #: The municipalities of the owner's county that have a Kolada id, by name.
    municipalities: list[Organisation]


def kolada_places(strategy: Strategy) -> KoladaPlaces:
    owner = strategy.owner
    municipalities: list[Organisation] = []
    if owner.county:
        municipalities = list(
            Organisation.objects.filter(county=owner.county, kind=Organisation.Kind.MUNICIPALITY)
            .exclude(kolada_id="")
            .exclude(pk=owner.pk)
            .order_by("name")
        )
    return KoladaPlaces(overall=owner if owner.kolada_id else None, municipalities=municipalities)


def value_organisations() -> list[Organisation]:
    """The organisations a value may be entered for: those that take part in the work."""
    return list(Organisation.objects.filter(collaborates=True).order_by("name"))


@dataclass
class ValueRow:
    """One place's values on the indicator's page, a cell per year (None: no value)."""

    label: str
    cells: list[IndicatorValue | None]
    #: The whole country's row (Kolada's, for comparison).
    is_country: bool = False


@dataclass
class IndicatorValues:
    years: list[int]
    #: The target per year, in the order of ``years`` (None: no target).
    targets: list[Decimal | None]
    rows: list[ValueRow]
    #: Some value comes from Kolada ("Källa: Kolada").
    from_kolada: bool


def indicator_values(indicator: Indicator, *, years: list[int]) -> IndicatorValues:
    """The indicator's targets and values as a table of places by years: the strategy as a
    whole first, then the organisations (by name), then the whole country; in two queries."""
    values = list(
        IndicatorValue.objects.filter(indicator=indicator)
        .select_related("organisation")
        .order_by("year")
    )
    targets = {target.year: target.value for target in indicator.targets.all()}
    years = sorted(set(years) | set(targets) | {v.year for v in values})
    overall: dict[int, IndicatorValue] = {}
    country: dict[int, IndicatorValue] = {}
    organisations: dict[str, dict[int, IndicatorValue]] = {}
    for value in values:
        if value.organisation is not None:
            organisations.setdefault(value.organisation.name, {})[value.year] = value
        elif value.scope == IndicatorValue.Scope.COUNTRY:
            country[value.year] = value
        else:
            overall[value.year] = value
    rows = [ValueRow(str(_("Overall")), [overall.get(year) for year in years])]
    rows += [
        ValueRow(name, [by_year.get(year) for year in years])
        for name, by_year in sorted(organisations.items())
    ]
    if country:
        rows.append(
            ValueRow(
                str(_("The whole country")),
                [country.get(year) for year in years],
                is_country=True,
            )
        )
    return IndicatorValues(
        years=years,
        targets=[targets.get(year) for year in years],
        rows=rows,
        from_kolada=any(v.from_kolada for v in values),
    )


# --- Jobs owed: rows whose background job has not happened though their action is at least a
# minute old (followup.tasks.requeue_owed_jobs queues them again).


def reports_owed_build(*, since: datetime, before: datetime) -> list[int]:
    """Versions requested in the window and still queued: no worker has claimed them."""
    return list(
        Report.objects.filter(
            state=Report.State.QUEUED, requested_at__gte=since, requested_at__lt=before
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def rounds_owed_opened_mails(*, since: datetime, before: datetime) -> QuerySet[FollowUpRound]:
    """Open rounds opened in the window whose opening has not been mailed to anyone (the
    sweep keeps those with someone to mail)."""
    mailed = RoundMail.objects.filter(round=OuterRef("pk"), kind=RoundMail.Kind.OPENED)
    return FollowUpRound.objects.filter(
        state=FollowUpRound.State.OPEN, opened_at__gte=since, opened_at__lt=before
    ).filter(~Exists(mailed))


def reports_owed_mails(*, since: datetime, before: datetime) -> QuerySet[Report]:
    """Versions approved in the window, with recipients, that have not been mailed to any
    of them, with their recipient bodies (the sweep keeps those with an address)."""
    mailed = ReportMail.objects.filter(report=OuterRef("pk"))
    return (
        Report.objects.filter(
            review=Report.Review.APPROVED, reviewed_at__gte=since, reviewed_at__lt=before
        )
        .exclude(file="")
        .filter(~Exists(mailed))
        .prefetch_related("recipients")
        .order_by("pk")
    )


def readable_activity_reports(user: User | AnonymousUser) -> QuerySet[ActivityReport]:
    """The activity reports a reader may see: the submitted reports of rounds whose report
    the steering group approved, in the published plans of public strategies; with a key,
    also every report (drafts too) of the plans its user works on (followup.access:
    can_view), and those they fill as an activity's contact."""
    approved = Report.objects.filter(round=OuterRef("round"), review=Report.Review.APPROVED)
    visible = Q(
        Exists(approved),
        state=ActivityReport.State.SUBMITTED,
        round__plan__in=plan_selectors.readable_plans(AnonymousUser()),
    )
    if user.is_authenticated and user.is_active:
        visible |= Q(round__plan__strategy__in=plan_selectors.worked_on_strategies(user))
        visible |= Q(activity__contact=user)
    return ActivityReport.objects.filter(visible)
