"""followup.services.reports.report_save: drafts, submitting, the red light's comment, conflicts,
the sub-goal counts, budget outcome and indicator values."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from followup.access import round_access
from followup.models import ActivityReport, IndicatorValue
from followup.services.reports import ReportConflict, ReportInput, report_reopen, report_save
from followup.services.rounds import round_close
from strategy.models import Indicator, IndicatorTarget
from tests.factories import activities_make, project_make

COMPLETE = {
    "status": "ongoing",
    "traffic_light": "green",
    "progress": 40,
    "work_done": "Två rådsmöten hölls under våren.",
}


@pytest.fixture
def published_plan(programme):
    activities_make(programme)
    return programme.published_plan


@pytest.fixture
def project_report(programme, programme_round):
    """The 2024 project's report (sub-goals and a budget for 2024), its plan approved."""
    project_make(programme)
    followup_round = programme_round(programme.draft_plan)
    return followup_round.reports.select_related("round", "activity").get()


def _save(report, user, *, submit=False, version=None, **data):
    return report_save(
        report=report,
        user=user,
        access=round_access(user, report.round),
        data=ReportInput(**data),
        expected_version=report.version if version is None else version,
        submit=submit,
    )


def test_a_draft_may_be_incomplete(programme, project_report):
    saved = _save(project_report, programme.coordinator, progress=10)
    assert saved.state == ActivityReport.State.DRAFT
    assert saved.progress == 10
    assert saved.version == project_report.version + 1


def test_submitting_asks_for_status_light_progress_and_work_done(programme, project_report):
    with pytest.raises(ValidationError) as error:
        _save(project_report, programme.coordinator, submit=True, progress=None)
    assert set(error.value.error_dict) == {"status", "traffic_light", "progress", "work_done"}
    project_report.refresh_from_db()
    assert project_report.state == ActivityReport.State.DRAFT


def test_submit(programme, project_report):
    saved = _save(project_report, programme.coordinator, submit=True, **COMPLETE)
    assert saved.state == ActivityReport.State.SUBMITTED
    assert saved.submitted_by == programme.coordinator
    assert saved.submitted_at is not None


@pytest.mark.parametrize("submit", [False, True])
def test_a_red_light_needs_a_comment_even_in_a_draft(programme, project_report, submit):
    with pytest.raises(ValidationError, match="Ett rött ljus behöver en kommentar") as error:
        _save(
            project_report,
            programme.coordinator,
            submit=submit,
            **(COMPLETE | {"traffic_light": "red"}),
        )
    assert "traffic_light_comment" in error.value.error_dict
    saved = _save(
        project_report,
        programme.coordinator,
        submit=submit,
        **(
            COMPLETE
            | {"traffic_light": "red", "traffic_light_comment": "Upphandlingen är överklagad."}
        ),
    )
    assert saved.traffic_light == "red"


def test_a_save_from_an_older_version_is_refused(programme, project_report):
    _save(project_report, programme.coordinator, progress=10)
    with pytest.raises(ReportConflict) as conflict:
        _save(project_report, programme.coordinator, progress=20, version=project_report.version)
    assert conflict.value.stored.progress == 10
    project_report.refresh_from_db()
    assert project_report.progress == 10


def test_performed_counts_and_budget_outcome(programme, project_report):
    activity = project_report.activity
    sub_goals = list(activity.sub_goals.order_by("order"))
    line = activity.budget_lines.filter(year=2024).first()
    later_line = activity.budget_lines.filter(year=2025).first()
    saved = _save(
        project_report,
        programme.coordinator,
        progress=30,
        outcomes={sub_goals[0].pk: (2, "Mars och maj"), sub_goals[1].pk: (None, "")},
        budget={line.pk: Decimal(120000)},
    )
    outcome = saved.outcomes.get()
    assert (outcome.sub_goal, outcome.performed_count, outcome.comment) == (
        sub_goals[0],
        2,
        "Mars och maj",
    )
    assert saved.budget_outcomes.get().amount == 120000
    # Saving the same values again writes no history rows for them.
    before = outcome.history.count()
    _save(
        saved, programme.coordinator, progress=30, outcomes={sub_goals[0].pk: (2, "Mars och maj")}
    )
    assert outcome.history.count() == before
    # A line of another year is not this round's to report.
    with pytest.raises(ValidationError, match="budgetrad"):
        _save(
            saved,
            programme.coordinator,
            budget={later_line.pk: Decimal(1)},
            version=saved.version + 1,
        )


def test_a_sub_goal_of_another_activity_is_refused(programme, project_report, published_plan):
    from actionplans.models import SubGoal

    other = SubGoal.objects.create(activity=published_plan.activities.first(), title="Annat")
    with pytest.raises(ValidationError, match="delmål"):
        _save(project_report, programme.coordinator, outcomes={other.pk: (1, "")})


def test_indicator_values_are_entered_for_the_round_year(programme, project_report):
    activity = project_report.activity
    focus_area = activity.focus_areas.first() or activity.plan.strategy.focus_areas.first()
    activity.focus_areas.add(focus_area)
    overall = Indicator.objects.create(
        strategy=activity.plan.strategy, focus_area=focus_area, title="Andel e-tjänster", unit="%"
    )
    per_org = Indicator.objects.create(
        strategy=activity.plan.strategy,
        focus_area=focus_area,
        title="Anslutna hushåll",
        per_organisation=True,
    )
    IndicatorTarget.objects.create(indicator=overall, year=2024, value=50)
    _save(
        project_report,
        programme.coordinator,
        indicators={overall.pk: (Decimal("42.5"), "Mätt i november"), per_org.pk: (Decimal(7), "")},
    )
    value = IndicatorValue.objects.get(indicator=overall)
    assert (value.year, value.organisation, value.value, value.comment) == (
        2024,
        None,
        Decimal("42.5"),
        "Mätt i november",
    )
    assert value.entered_by == programme.coordinator
    assert IndicatorValue.objects.get(indicator=per_org).organisation == activity.lead_organisation


def test_the_lead_reports_on_their_own_area_only(programme, published_plan, programme_round):
    followup_round = programme_round(published_plan)
    lead = programme.lead
    own = followup_round.reports.filter(
        activity__collaboration_area__name="Digital infrastruktur"
    ).first()
    other = followup_round.reports.exclude(
        activity__collaboration_area__name="Digital infrastruktur"
    ).first()
    assert _save(own, lead, submit=True, **COMPLETE).state == ActivityReport.State.SUBMITTED
    for user in (lead, programme.steering):
        with pytest.raises(PermissionDenied, match="area's lead and the coordinators fill"):
            _save(other, user, **COMPLETE)
    other.refresh_from_db()
    assert (other.version, other.work_done) == (1, "")  # nothing was written


def test_the_activity_contact_reports_without_any_other_role(
    programme, published_plan, programme_round
):
    followup_round = programme_round(published_plan)
    report = followup_round.reports.select_related("activity").first()
    contact = programme.contact  # a municipality's contact: no role in the plan
    assert not programme.access(contact, published_plan).can_work_on
    report.activity.contact = contact
    report.activity.save()
    assert _save(report, contact, **COMPLETE).work_done == COMPLETE["work_done"]


def test_a_submitted_report_is_the_coordinators_to_reopen(
    programme, published_plan, programme_round
):

    followup_round = programme_round(published_plan)
    lead = programme.lead
    report = followup_round.reports.filter(
        activity__collaboration_area__name="Digital infrastruktur"
    ).first()
    submitted = _save(report, lead, submit=True, **COMPLETE)
    with pytest.raises(ValidationError, match="öppna den igen"):
        _save(submitted, lead, **COMPLETE)
    with pytest.raises(PermissionDenied, match="give a submitted report back as a draft"):
        report_reopen(report=submitted, user=lead, access=round_access(lead, followup_round))
    submitted.refresh_from_db()
    assert submitted.state == ActivityReport.State.SUBMITTED  # the lead could not reopen it
    coordinator = programme.coordinator
    report_reopen(
        report=submitted, user=coordinator, access=round_access(coordinator, followup_round)
    )
    submitted.refresh_from_db()
    assert submitted.state == ActivityReport.State.DRAFT
    assert _save(submitted, lead, **COMPLETE).state == ActivityReport.State.DRAFT


def test_a_closed_round_takes_no_more_changes(programme, project_report):
    user = programme.coordinator
    round_close(
        followup_round=project_report.round,
        user=user,
        access=round_access(user, project_report.round),
    )
    with pytest.raises(ValidationError, match="stängd"):
        _save(project_report, programme.coordinator, **COMPLETE)
