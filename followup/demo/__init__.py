"""The demo's whole year: Aktiviteter 2023 followed up (a closed round with its activity
reports, the approved PDF report and the decision in the steering group's register) and
indicators with yearly targets and values.

The seeds give no statuses, outcomes or figures, so all of it is made up and flagged as
example data (``FollowUpRound.example``, ``Indicator.example``), which the pages and the
report show. It is made through the services, as the demo's people, so that states,
history and the register agree; and like the plans it is made once: after that it belongs
to the people working on it, and a later run changes nothing they did.
"""

from collections.abc import Sequence
from datetime import datetime, time
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from actionplans.models import ActionPlan, Activity, BudgetLine, SubGoal
from followup.access import round_access
from followup.kolada import KoladaClient, KoladaValue
from followup.models import ActivityReport, FollowUpRound, Report
from followup.pdf.task import build_report
from followup.services.indicators import indicator_value_set, kolada_fetch_indicator
from followup.services.pdf_reports import (
    pdf_report_approve,
    pdf_report_comment,
    pdf_report_request,
)
from followup.services.reports import ReportInput, report_save
from followup.services.rounds import round_close, round_open
from portal.dates import today
from portal.models import User
from portal.seeding import Seeder, read_yaml, text
from strategy.access import StrategyAccess, strategy_access
from strategy.models import FocusArea, Indicator, Strategy
from strategy.services import (
    IndicatorInput,
    indicator_create,
    indicator_kolada_link,
    indicator_targets_set,
)

DATA = Path(__file__).parent
COORDINATOR = "samordnare"


def seed(seeder: Seeder) -> None:
    coordinator = User.objects.get(username=COORDINATOR)
    for row in read_yaml(DATA / "indicators.yaml")["indicators"]:
        _seed_indicator(seeder, row, coordinator)
    _seed_round(seeder, read_yaml(DATA / "orebro_2023_followup.yaml"))


# --- Indicators ------------------------------------------------------------------------------


class ExampleKolada(KoladaClient):
    """Answers a fetch with the demo's example figures, so that the seed needs no network;
    it opens no HTTP client (the fetch asks it for ``kpi_values`` only)."""

    def __init__(self, figures: dict[str, dict[int, float]]) -> None:
        self.figures = figures

    def kpi_values(
        self, kpi: str, municipalities: Sequence[str], years: Sequence[int]
    ) -> list[KoladaValue]:
        return [
            KoladaValue(kpi=kpi, municipality=place, year=year, value=Decimal(str(value)))
            for place in municipalities
            for year, value in self.figures.get(place, {}).items()
            if year in years
        ]


def _seed_indicator(seeder: Seeder, row: dict, coordinator: User) -> None:
    strategy = Strategy.objects.get(slug=row["strategy"])
    # An indicator is the coordinators' once made: a later run leaves its targets and
    # values as they set them.
    if Indicator.objects.filter(strategy=strategy, title=row["title"]).exists():
        return
    access = strategy_access(coordinator, strategy)
    if not access.can_manage_indicators:
        # Region Västmanland has no demo people of its own; the demo's coordinator keeps its
        # example indicators.
        access = StrategyAccess(is_coordinator=True)
    indicator = indicator_create(
        strategy=strategy,
        data=IndicatorInput(
            title=row["title"],
            unit=row.get("unit", ""),
            description=text(row.get("description")),
            focus_area=FocusArea.objects.get(strategy=strategy, title=row["focus_area"]),
        ),
        user=coordinator,
        access=access,
    )
    indicator_targets_set(
        indicator=indicator,
        targets={year: Decimal(str(value)) for year, value in row["targets"].items()},
        user=coordinator,
        access=access,
    )
    if row.get("kolada"):
        indicator_kolada_link(
            indicator=indicator, kpi=row["kolada"], user=coordinator, access=access
        )
        indicator.refresh_from_db()
        kolada_fetch_indicator(indicator=indicator, client=ExampleKolada(row["values"]))
    else:
        for year, value in row["values"].items():
            indicator_value_set(
                indicator=indicator,
                year=year,
                organisation=None,
                value=Decimal(str(value)),
                user=coordinator,
                access=access,
            )
    # Flagged last, since a fetch clears the flag (Kolada's own figures are no example); and
    # nothing was fetched, so the page must not say when it was. Saved with a history row, as
    # the pages kept per content version (the dashboard) must see the change.
    indicator.refresh_from_db()
    indicator.example = True
    indicator.kolada_fetched_at = None
    indicator.save(update_fields=["example", "kolada_fetched_at"])
    seeder.created[str(Indicator._meta.verbose_name_plural)] += 1


# --- The 2023 round ----------------------------------------------------------------------------


def _seed_round(seeder: Seeder, data: dict) -> None:
    head = data["round"]
    plan = ActionPlan.objects.get(strategy__slug=head["strategy"], year=head["year"])
    if FollowUpRound.objects.filter(plan=plan, year=head["year"], term="").exists():
        return
    coordinator = User.objects.get(username=head["opened_by"])
    followup_round = round_open(
        plan=plan,
        user=coordinator,
        access=round_access(coordinator, FollowUpRound(plan=plan)),
        year=head["year"],
        term="",
        deadline=today(),
        instructions=text(head.get("instructions")),
    )
    # A round is opened with a deadline to come; this one is a year that has been followed
    # up, and the flag is what the pages ask to say it is made up.
    FollowUpRound.objects.filter(pk=followup_round.pk).update(
        deadline=head["deadline"],
        opened_at=timezone.make_aware(datetime.combine(head["opened"], time(9, 0))),
        example=True,
    )
    seeder.created[str(FollowUpRound._meta.verbose_name_plural)] += 1
    seeder.created[str(ActivityReport._meta.verbose_name_plural)] += followup_round.reports.count()

    reports = {
        r.activity.title: r
        for r in followup_round.reports.select_related("activity", "activity__collaboration_area")
    }
    for row in data["reports"]:
        _seed_report(seeder, reports[row["activity"]], row)
    round_close(
        followup_round=followup_round,
        user=coordinator,
        access=round_access(coordinator, followup_round),
    )
    _seed_pdf_report(seeder, followup_round, coordinator, head)


def _seed_report(seeder: Seeder, report: ActivityReport, row: dict) -> None:
    activity = report.activity
    outcomes = {
        _sub_goal(seeder, activity, order, sub).pk: (sub["performed"], sub.get("comment", ""))
        for order, sub in enumerate(row.get("sub_goals") or [], start=1)
    }
    budget: dict[int, Decimal | None] = {}
    for kind, key, label_key in (
        (BudgetLine.Kind.COST, "costs", "category"),
        (BudgetLine.Kind.FINANCING, "financing", "source"),
    ):
        for order, line in enumerate((row.get("budget") or {}).get(key) or [], start=1):
            budget_line = _budget_line(
                seeder, activity, kind, order, line[label_key], line["planned"], report.round.year
            )
            budget[budget_line.pk] = Decimal(line["outcome"])
    user = User.objects.get(username=row["by"])
    report_save(
        report=report,
        user=user,
        access=round_access(user, report.round),
        data=ReportInput(
            status=row["status"],
            traffic_light=row["traffic_light"],
            traffic_light_comment=text(row.get("traffic_light_comment")),
            progress=row["progress"],
            work_done=text(row.get("work_done")),
            realised_benefits=text(row.get("realised_benefits")),
            outcomes=outcomes,
            budget=budget,
        ),
        expected_version=report.version,
        submit=True,
    )


def _sub_goal(seeder: Seeder, activity: Activity, order: int, row: dict) -> SubGoal:
    # The published plan names no sub-goals; the outcomes need some. The plan is decided,
    # so no service edits it: the demo adds them as the plan would have had them.
    return seeder.upsert(
        SubGoal,
        {"activity": activity, "title": row["title"]},
        {
            "order": order,
            "planned_count": row["planned_count"],
            "count_period": row["count_period"],
        },
    )


def _budget_line(
    seeder: Seeder,
    activity: Activity,
    kind: str,
    order: int,
    label: str,
    planned: int,
    year: int,
) -> BudgetLine:
    return seeder.upsert(
        BudgetLine,
        {"activity": activity, "kind": kind, "label": label, "year": year},
        {"amount": Decimal(planned), "order": order},
    )


def _seed_pdf_report(
    seeder: Seeder, followup_round: FollowUpRound, coordinator: User, head: dict
) -> None:
    """The report version the steering group approved: requested by the coordinator, built
    here once (the round is new, so its file is missing), commented on by the strategy group
    and approved by the steering group, which enters the decision in its register."""
    report, _new = pdf_report_request(
        followup_round=followup_round,
        user=coordinator,
        access=round_access(coordinator, followup_round),
    )
    # Built in this process rather than queued: approval needs the finished file, and a
    # fresh clone's first `make run` shows the approved report at once. It is built only
    # with a new round, so a later run builds nothing. It costs the first run about 3 s of
    # CPU (WeasyPrint's import and layout); queueing it instead would leave the demo with no
    # approved report and no decision until a worker ran and someone approved it.
    build_report(report.pk)
    report.refresh_from_db()
    seeder.created[str(Report._meta.verbose_name_plural)] += 1
    if report.state != Report.State.DONE:
        # WeasyPrint could not build it here (say, Pango is missing): the round's page shows
        # the failure and the coordinator's retry; the review waits for a finished file.
        return
    comment = head["report_comment"]
    commenter = User.objects.get(username=comment["by"])
    pdf_report_comment(
        report=report,
        user=commenter,
        access=round_access(commenter, followup_round),
        text=text(comment["text"]),
    )
    approval = head["approval"]
    reviewer = User.objects.get(username=approval["by"])
    # No recipients: loading a demo mails nobody.
    pdf_report_approve(
        report=report,
        user=reviewer,
        access=round_access(reviewer, followup_round),
        recipients=[],
        comment=text(approval["comment"]),
    )
