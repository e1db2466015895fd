"""Limits a person would expect: too long text is a message on the page and saves nothing,
wherever it comes from, and a number out of its range never reaches the database."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from actionplans.models import (
    Activity,
    BudgetLine,
    Initiative,
    Offer,
    PlanEvent,
    Risk,
    SubGoal,
)
from actionplans.services.offers import offer_send
from actionplans.services.plans import plan_comment
from followup.models import ActivityReport, FollowUpRound, SubGoalOutcome
from portal import limits
from portal.dates import today
from tests.factories import PROJECT, activities_make, plan_project_make
from tests.test_actionplans_services_activities import post_data


@pytest.fixture
def project(programme):
    """The draft plan's one activity, with its sub-goals, budget lines and risks."""
    return Activity.objects.get(pk=plan_project_make(programme.draft_plan).pk)


def test_the_limits_are_those_the_issue_asks_for():
    assert (limits.TEXT, limits.TITLE) == (10_000, 300)
    assert (limits.SCORE_MIN, limits.SCORE_MAX, limits.PROGRESS_MAX) == (1, 5, 100)
    assert Activity._meta.get_field("description").max_length == limits.TEXT


def test_a_description_of_10001_characters_is_refused_in_swedish(client, programme, project):
    client.force_login(programme.coordinator)
    form = client.get(project.get_edit_url()).content.decode()
    assert 'maxlength="10000"' in form  # the browser stops typing there already
    data = post_data(programme.draft_plan, project, description="å" * 10_001)
    response = client.post(project.get_edit_url(), data)
    html = response.content.decode()
    assert response.status_code == 200 and 'role="alert"' in html
    assert "Säkerställ att detta värde har som mest 10000 tecken (den har 10001)." in html
    stored = Activity.objects.get(pk=project.pk)
    assert stored.description != "å" * 10_001 and stored.version == project.version


def test_a_service_refuses_too_long_text_in_swedish_and_saves_nothing(programme):
    plan = programme.published_plan
    activities = activities_make(programme)
    access = programme.access(programme.coordinator, plan)
    too_long = r"”Text” får ha högst 10.*000 tecken, men har 10.*001"
    with pytest.raises(ValidationError, match=too_long):
        offer_send(
            plan=plan,
            user=programme.coordinator,
            access=access,
            title="Erbjudande",
            text="x" * 10_001,
            deadline=today() + timedelta(days=10),
            reminder_days=7,
            activities=activities[:1],
            organisations=[programme.municipality],
        )
    assert not Offer.objects.filter(plan=plan).exists()
    with pytest.raises(ValidationError, match=r"”Kommentar” får ha högst 5.*000 tecken"):
        plan_comment(plan=plan, user=programme.coordinator, access=access, comment="x" * 5_001)
    assert not PlanEvent.objects.filter(plan=plan, kind=PlanEvent.Kind.COMMENT).exists()


def test_text_within_the_limit_is_saved(programme):
    plan = programme.published_plan
    access = programme.access(programme.coordinator, plan)
    event = plan_comment(plan=plan, user=programme.coordinator, access=access, comment="x" * 5_000)
    assert len(event.comment) == 5_000


def _initiative(programme, **scores) -> Initiative:
    return Initiative(
        strategy=programme.strategy,
        title="Ny e-tjänst",
        problem="Blanketter på papper.",
        expected_benefit="Snabbare handläggning.",
        proposed_kind=Activity.Kind.PROJECT,
        organisation=programme.municipality,
        submitted_by=programme.contact,
        **scores,
    )


def _round(programme) -> FollowUpRound:
    return FollowUpRound(plan=programme.published_plan, year=2023, deadline=today())


OUT_OF_RANGE = {
    "activity_weight_range": lambda p, project: Activity.objects.filter(pk=project.pk).update(
        weight=limits.WEIGHT_MAX + 1
    ),
    "subgoal_planned_count_range": lambda p, project: SubGoal.objects.filter(
        activity=project
    ).update(planned_count=limits.COUNT_MAX + 1),
    "budgetline_amount_not_negative": lambda p, project: BudgetLine.objects.filter(
        activity=project
    ).update(amount=Decimal("-1")),
    "risk_scale": lambda p, project: Risk(
        activity=project, description="Leverantören hinner inte", likelihood=limits.SCORE_MAX + 1
    ).save(),
    "initiative_scores_range": lambda p, project: _initiative(p, score_fit=6).save(),
    "initiative_rough_cost_not_negative": lambda p, project: _initiative(
        p, rough_cost=Decimal("-100")
    ).save(),
    "offer_reminder_days_range": lambda p, project: Offer(
        plan=p.published_plan,
        title="Erbjudande",
        deadline=today(),
        reminder_days=limits.REMINDER_DAYS_MAX + 1,
        sent_by=p.coordinator,
    ).save(),
    "round_reminder_days_range": lambda p, project: FollowUpRound(
        plan=p.published_plan,
        year=2023,
        deadline=today(),
        reminder_days=limits.REMINDER_DAYS_MAX + 1,
    ).save(),
    "report_progress_percent": lambda p, project: ActivityReport(
        round=_saved(_round(p)), activity=project, progress=101
    ).save(),
    "outcome_performed_count_range": lambda p, project: SubGoalOutcome(
        report=_saved(ActivityReport(round=_saved(_round(p)), activity=project)),
        sub_goal=project.sub_goals.first(),
        performed_count=limits.COUNT_MAX + 1,
    ).save(),
    "strategy_period_years": lambda p, project: (
        type(p.strategy)
        .objects.filter(pk=p.strategy.pk)
        .update(period_start=2020, period_end=limits.LAST_YEAR + 1)
    ),
}


def _saved(instance):
    instance.save()
    return instance


@pytest.mark.parametrize("constraint", sorted(OUT_OF_RANGE))
def test_the_database_refuses_a_number_out_of_its_range(programme, project, constraint):
    with pytest.raises(IntegrityError, match=re.escape(constraint)), transaction.atomic():
        OUT_OF_RANGE[constraint](programme, project)


def test_the_ends_of_the_ranges_are_allowed(programme, project):
    Activity.objects.filter(pk=project.pk).update(weight=limits.WEIGHT_MAX)
    BudgetLine.objects.filter(activity=project).update(amount=0)
    _initiative(programme, score_fit=1, score_readiness=5, rough_cost=Decimal(0)).save()
    report = ActivityReport.objects.create(round=_saved(_round(programme)), activity=project)
    ActivityReport.objects.filter(pk=report.pk).update(progress=100)
    assert Activity.objects.get(pk=project.pk).title == PROJECT


def test_a_spreadsheet_with_too_long_a_sub_goal_is_refused_by_the_check(programme, project):
    from actionplans.spreadsheet.checks import check_child
    from actionplans.spreadsheet.columns import SUB_GOAL_COLUMNS

    values = {
        "title": "x" * (limits.TITLE + 1),
        "planned_count": 2,
        "count_period": "",
        "steps": "",
    }
    child, errors = check_child(SubGoal, "Delmål", 2, values, SUB_GOAL_COLUMNS)
    assert child is None
    assert [e.message for e in errors] == ["Högst 300 tecken."]


def test_the_form_refuses_a_count_postgresql_could_not_store(programme, project):
    from followup.forms import ReportForm

    sub_goal = project.sub_goals.first()
    report = ActivityReport(activity=project, round=_round(programme))
    form = ReportForm(
        {f"outcome_{sub_goal.pk}": str(2**31), "version": "1"},
        report=report,
        sub_goals=[sub_goal],
        budget_lines=[],
        indicators=[],
    )
    assert not form.is_valid()
    assert f"outcome_{sub_goal.pk}" in form.errors  # the form says no, not the database
