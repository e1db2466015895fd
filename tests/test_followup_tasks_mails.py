"""The round's mails: who is told that it opened, who is reminded, and each only once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from followup.models import ActivityReport, FollowUpRound
from followup.tasks import report_recipients, send_round_opened, send_round_reminders
from tests.factories import activities_make


@pytest.fixture
def round_(programme, programme_round):
    activities_make(programme)
    return programme_round(programme.published_plan)


def _infra(round):
    return round.reports.select_related("activity", "activity__collaboration_area").filter(
        activity__collaboration_area__name="Digital infrastruktur"
    )


def test_the_contact_is_told_or_else_the_area_lead(programme, round_):
    report = _infra(round_).first()
    assert report_recipients(report) == [programme.lead.email]
    report.activity.contact = programme.contact
    report.activity.save()
    report.refresh_from_db()
    assert report_recipients(report) == [programme.contact.email]


def test_one_mail_per_person_listing_their_reports_and_only_once(programme, round_):
    mail.outbox.clear()
    sent = send_round_opened(round_.pk)
    assert sent == len(mail.outbox) > 0
    lead_mail = next(m for m in mail.outbox if m.to == [programme.lead.email])
    for report in _infra(round_):
        assert report.activity.title in lead_mail.body
        assert f"/uppfoljning/rapport/{report.pk}/" in lead_mail.body
    assert round_.plan.title in lead_mail.subject
    assert send_round_opened(round_.pk) == 0


def test_the_reminder_goes_when_the_day_comes_to_those_with_drafts_left(programme, round_):
    FollowUpRound.objects.filter(pk=round_.pk).update(
        deadline=timezone.localdate() + timedelta(days=10), reminder_days=7
    )
    mail.outbox.clear()
    assert send_round_reminders() == 0  # ten days left: too early
    FollowUpRound.objects.filter(pk=round_.pk).update(
        deadline=timezone.localdate() + timedelta(days=5)
    )
    # The lead of Digital infrastruktur has submitted everything: no reminder for them.
    _infra(round_).update(state=ActivityReport.State.SUBMITTED)
    sent = send_round_reminders()
    assert sent == len(mail.outbox) > 0
    assert all(m.to != [programme.lead.email] for m in mail.outbox)
    assert send_round_reminders() == 0


def test_a_closed_round_reminds_nobody(round_):
    FollowUpRound.objects.filter(pk=round_.pk).update(
        deadline=timezone.localdate() + timedelta(days=1), state=FollowUpRound.State.CLOSED
    )
    mail.outbox.clear()
    assert send_round_reminders() == 0
