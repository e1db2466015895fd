"""followup.admin: activity reports in the admin raise their version, and are read-only
where the portal locks them (a closed round)."""

import pytest
from django.urls import reverse

from followup.access import round_access
from followup.models import ActivityReport, BudgetOutcome, FollowUpRound, SubGoalOutcome
from followup.services.rounds import round_close
from tests.admin_helpers import admin_form_data, change_url, coordinator_in_admin
from tests.factories import project_make


@pytest.fixture
def report(programme, programme_round):
    project_make(programme)
    return programme_round(programme.draft_plan).reports.select_related("round").get()


@pytest.fixture
def coordinator(client, programme):
    user = coordinator_in_admin(programme)
    client.force_login(user)
    return user


def _portal_form(report, **data):
    return {"version": report.version, "status": "", "progress": "", "save": "1"} | data


def test_an_admin_save_raises_the_version_so_a_form_opened_before_gets_a_conflict(
    client, coordinator, report
):
    stale = _portal_form(report, work_done="Min text")
    url = change_url(report)
    data = admin_form_data(client, url, work_done="Rättat i admin")
    assert client.post(url, data).status_code == 302
    report.refresh_from_db()
    assert (report.work_done, report.version) == ("Rättat i admin", 2)
    response = client.post(report.get_absolute_url(), stale)
    changes = {(c.field, c.before, c.after) for c in response.context["conflict"].changes}
    assert ("vad som har gjorts", "–", "Rättat i admin") in changes
    report.refresh_from_db()
    assert report.work_done == "Rättat i admin"


def test_the_state_moves_in_the_portal_only(client, coordinator, report):
    """Submitting checks what a report must hold; the admin cannot go around it."""
    url = change_url(report)
    data = admin_form_data(client, url, state="submitted")
    assert client.post(url, data).status_code == 302
    report.refresh_from_db()
    assert report.state == ActivityReport.State.DRAFT


def test_a_report_of_a_closed_round_is_read_only(client, programme, coordinator, report):
    round_close(
        followup_round=report.round,
        user=coordinator,
        access=round_access(coordinator, report.round),
    )
    outcome = SubGoalOutcome.objects.create(
        report=report, sub_goal=report.activity.sub_goals.first(), performed_count=1
    )
    url = change_url(report)
    html = client.get(url).content.decode()
    assert 'name="_save"' not in html and 'name="work_done"' not in html
    assert 'name="outcomes-0-performed_count"' not in html
    assert client.post(url, {"work_done": "Ändrat i admin"}).status_code == 403
    opts = ActivityReport._meta
    delete = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[report.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.post(change_url(outcome), {"performed_count": "5"}).status_code == 403
    report.refresh_from_db()
    assert (report.work_done, report.version) == ("", 1)


@pytest.mark.parametrize("model", [SubGoalOutcome, BudgetOutcome], ids=lambda m: m.__name__)
def test_the_outcomes_change_on_their_report_s_page_only(client, coordinator, report, model):
    """Where the round's lock and the report's version apply."""
    if model is SubGoalOutcome:
        row = model.objects.create(report=report, sub_goal=report.activity.sub_goals.first())
    else:
        line = report.activity.budget_lines.filter(year=report.round.year).first()
        row = model.objects.create(report=report, budget_line=line, amount=1)
    assert 'name="_save"' not in client.get(change_url(row)).content.decode()
    assert client.post(change_url(row), {"report": str(report.pk)}).status_code == 403


def test_a_round_is_not_opened_again_in_the_admin(client, coordinator, report):
    """Which would unlock its reports around the round's page (which keeps a round with an
    approved report closed)."""
    followup_round = report.round
    round_close(
        followup_round=followup_round,
        user=coordinator,
        access=round_access(coordinator, followup_round),
    )
    url = change_url(followup_round)
    assert client.post(url, admin_form_data(client, url, state="open")).status_code == 302
    followup_round.refresh_from_db()
    assert followup_round.state == FollowUpRound.State.CLOSED
