"""followup.tasks.requeue_owed_jobs: what a user did while the broker was down is done once
it is back. The view saves and answers as usual; the minutely sweeper queues the job the
row still owes (a round's opening mails, a report's build, the approved report's mail)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.db.models import F
from django.utils import timezone

from followup import tasks
from followup.models import FollowUpRound, Report
from portal.models import Body
from tests.factories import BodyFactory, activities_make

OPENED = "followup.tasks.send_round_opened"
BUILD = "followup.build_report"
SEND = "followup.tasks.send_report"


def _age(model, pk: int, field: str, minutes: float = 2) -> None:
    """The row's ``field`` set ``minutes`` earlier, as if its action were that long ago."""
    model.objects.filter(pk=pk).update(**{field: F(field) - timedelta(minutes=minutes)})


def _post_while_down(client, broker, capture, path, data=None):
    """Post with the broker refusing, its on-commit callbacks run as a real commit runs them."""
    broker.down = True
    with capture(execute=True):
        response = client.post(path, data or {})
    broker.down = False
    return response


@pytest.fixture
def published_plan(programme):
    activities_make(programme)
    return programme.published_plan


@pytest.fixture
def round_(published_plan, programme_round):
    return programme_round(published_plan)


def test_a_round_opened_while_the_broker_is_down_is_announced_once_it_is_back(
    client, programme, published_plan, broker, django_capture_on_commit_callbacks
):
    client.force_login(programme.coordinator)
    deadline = (timezone.localdate() + timedelta(days=20)).isoformat()
    response = _post_while_down(
        client,
        broker,
        django_capture_on_commit_callbacks,
        f"/planarbete/{published_plan.pk}/uppfoljning/",
        {"year": 2023, "term": "", "deadline": deadline, "reminder_days": 5},
    )
    followup_round = FollowUpRound.objects.get(plan=published_plan)
    assert response.status_code == 302
    assert response["Location"] == followup_round.get_absolute_url()

    assert tasks.requeue_owed_jobs() == 0  # under a minute old
    _age(FollowUpRound, followup_round.pk, "opened_at")
    assert tasks.requeue_owed_jobs() == 1
    assert broker.sent == [(OPENED, (followup_round.pk,))]
    mail.outbox.clear()
    assert tasks.send_round_opened(followup_round.pk) > 0
    assert tasks.requeue_owed_jobs() == 0  # announced: nothing owed, nothing sent twice


def test_a_round_with_nobody_to_tell_is_not_owed(programme, round_, broker):
    """No activity has a contact or a lead to mail: the opening has no mail to send."""
    from portal.models import Membership

    Membership.objects.filter(role=Membership.Role.LEAD).delete()
    round_.plan.activities.update(contact=None)
    _age(FollowUpRound, round_.pk, "opened_at")
    assert tasks.requeue_owed_jobs() == 0


def test_a_build_requested_while_the_broker_is_down_runs_once_it_is_back(
    client, programme, round_, broker, django_capture_on_commit_callbacks
):
    client.force_login(programme.coordinator)
    response = _post_while_down(
        client, broker, django_capture_on_commit_callbacks, f"/uppfoljning/{round_.pk}/ny-rapport/"
    )
    report = Report.objects.get(round=round_)
    assert response.status_code == 302
    assert response["Location"] == report.get_absolute_url()
    assert report.state == Report.State.QUEUED

    assert tasks.requeue_owed_jobs() == 0
    _age(Report, report.pk, "requested_at")
    assert tasks.requeue_owed_jobs() == 1
    assert broker.sent == [(BUILD, (report.pk,))]
    Report.objects.filter(pk=report.pk).update(state=Report.State.RUNNING)
    assert tasks.requeue_owed_jobs() == 0  # a worker has it


def test_a_build_past_its_time_limit_is_left_to_be_given_up(programme, round_, broker):
    report = Report.objects.create(round=round_, version=1, requested_by=programme.coordinator)
    minutes = tasks.STALLED_AFTER.total_seconds() / 60 + 1
    _age(Report, report.pk, "requested_at", minutes=minutes)
    assert tasks.requeue_owed_jobs() == 0
    assert tasks.fail_stalled_reports() == 1


def _done(followup_round) -> Report:
    report = Report(
        round=followup_round, version=1, state=Report.State.DONE, sha256="c" * 64, pages=4
    )
    report.file.save("v1.pdf", ContentFile(b"%PDF"), save=False)
    report.save()
    return report


def test_an_approval_while_the_broker_is_down_is_mailed_once_it_is_back(
    client, programme, round_, broker, django_capture_on_commit_callbacks
):
    report = _done(round_)
    network = BodyFactory(
        kind=Body.Kind.NETWORK, organisation=programme.region, email="natverk@example.org"
    )
    client.force_login(programme.steering)
    response = _post_while_down(
        client,
        broker,
        django_capture_on_commit_callbacks,
        f"/uppfoljning/pdf/{report.pk}/granska/",
        {"review-decision": "approve", "review-recipients": [network.pk]},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.review == Report.Review.APPROVED

    assert tasks.requeue_owed_jobs() == 0
    _age(Report, report.pk, "reviewed_at")
    assert tasks.requeue_owed_jobs() == 1
    assert broker.sent == [(SEND, (report.pk,))]
    mail.outbox.clear()
    assert tasks.send_report(report.pk) == 1
    assert [m.to for m in mail.outbox] == [["natverk@example.org"]]
    assert tasks.requeue_owed_jobs() == 0


def test_an_approval_to_bodies_without_addresses_is_not_owed(programme, round_, broker):
    report = _done(round_)
    silent = BodyFactory(kind=Body.Kind.NETWORK, organisation=programme.region, email="")
    Report.objects.filter(pk=report.pk).update(
        review=Report.Review.APPROVED, reviewed_at=timezone.now() - timedelta(minutes=2)
    )
    report.recipients.set([silent])
    assert tasks.requeue_owed_jobs() == 0
