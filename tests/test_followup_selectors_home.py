"""What the home page asks of the follow-up app: the reports a person still fills, the
year's rounds and report versions of the plans they work on (followup.panels)."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from followup import panels
from followup.models import ActivityReport, FollowUpRound, Report
from followup.selectors import reports_to_fill, rounds_of_year
from portal.cycle import FOLLOW_UP, REVIEW
from tests.factories import activities_make


@pytest.fixture
def round_(programme, programme_round):
    activities_make(programme)
    return programme_round(programme.published_plan)


def test_reports_to_fill_are_the_drafts_of_the_lead_and_the_contact(programme, round_):
    lead_reports = reports_to_fill(programme.lead)
    assert len(lead_reports) == 2
    submitted = lead_reports[0]
    ActivityReport.objects.filter(pk=submitted.pk).update(state=ActivityReport.State.SUBMITTED)
    assert reports_to_fill(programme.lead) == [lead_reports[1]]
    for user in (programme.steering, programme.member, programme.outsider):
        assert reports_to_fill(user) == [], user


def test_rounds_of_year_for_those_who_work_on_the_plan(programme, round_):
    year = timezone.localdate().year
    for user in (programme.coordinator, programme.steering, programme.commenter, programme.lead):
        assert rounds_of_year(user, year) == [round_], user
    for user in (programme.contact, programme.member, programme.outsider):
        assert rounds_of_year(user, year) == [], user
    assert rounds_of_year(programme.coordinator, year - 1) == []


def _version(round_, number, **fields):
    report = Report(round=round_, version=number, state=Report.State.DONE, pages=1, **fields)
    report.file.save(f"v{number}.pdf", ContentFile(b"%PDF"), save=False)
    report.save()
    return report


def test_cycle_events_of_a_round_and_its_report_versions(programme, round_):
    first = _version(
        round_,
        1,
        review=Report.Review.SENT_BACK,
        reviewed_by=programme.steering,
        reviewed_at=timezone.now(),
    )
    second = _version(round_, 2)
    events = panels.cycle_events(programme.steering, timezone.localdate().year)
    follow_up = [(e.on, e.url) for e in events if e.phase == FOLLOW_UP]
    assert follow_up == [
        (timezone.localdate(round_.opened_at), round_.get_absolute_url()),
        (round_.deadline, round_.get_absolute_url()),
    ]
    review = [e for e in events if e.phase == REVIEW]
    # Each version made, and the first one's review (sent back); the second awaits review.
    assert [e.url for e in review] == [
        first.get_absolute_url(),
        first.get_absolute_url(),
        second.get_absolute_url(),
    ]
    assert review[1].label.startswith("Tillbakaskickad: ")
    assert panels.cycle_events(programme.outsider, timezone.localdate().year) == []


def test_a_report_past_its_last_day_is_marked_overdue(programme, round_):
    FollowUpRound.objects.filter(pk=round_.pk).update(
        deadline=timezone.localdate() - timedelta(days=1)
    )
    panel = panels.home_reports_to_fill(programme.lead)
    assert [overdue for _report, overdue in panel.items] == [True, True]
    FollowUpRound.objects.filter(pk=round_.pk).update(deadline=timezone.localdate())
    panel = panels.home_reports_to_fill(programme.lead)
    assert [overdue for _report, overdue in panel.items] == [False, False]
