"""followup.services.pdf_reports, the round's report: one per double click, review by the
steering group, the register and the mail to the recipients. What the views queue after
these services is tested in tests/test_followup_views.py."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile

from followup.access import round_access
from followup.models import FollowUpRound, Report
from followup.services import pdf_reports as services
from followup.tasks import send_report
from portal.models import Body, Decision
from tests.factories import BodyFactory, MembershipFactory, activities_make, council_make


@pytest.fixture
def round_(programme, programme_round):
    activities_make(programme)
    return programme_round(programme.published_plan)


@pytest.fixture
def networks(programme) -> list[Body]:
    """Two networks that receive reports, with a distribution list; one has a member."""
    found = [
        BodyFactory(
            name=f"{name} {programme.region.name}",
            kind=Body.Kind.NETWORK,
            organisation=programme.region,
            email=f"{slug}@example.org",
        )
        for name, slug in (("Kommunchefsnätverket", "kommunchefer"), ("Samverkansrådet", "rad"))
    ]
    MembershipFactory(body=found[0], user__organisation=programme.municipality)
    return found


def _access(user, followup_round):
    return user, round_access(user, followup_round)


def _request(followup_round, user=None) -> Report:
    user, access = _access(user or followup_round.opened_by, followup_round)
    report, _queued = services.pdf_report_request(
        followup_round=followup_round, user=user, access=access
    )
    return report


def _finished(followup_round) -> Report:
    """A version as the task leaves it (the build itself is tested in test_followup_pdf_task)."""
    report = _request(followup_round)
    report.file.save(f"test-v{report.version}.pdf", ContentFile(b"%PDF-1.7 test"), save=False)
    report.state = Report.State.DONE
    report.sha256 = "a" * 64
    report.pages = 3
    report.save()
    return report


def test_two_requests_make_one_report(programme, round_, django_capture_on_commit_callbacks):
    user, access = _access(programme.coordinator, round_)
    with django_capture_on_commit_callbacks() as callbacks:
        first, first_new = services.pdf_report_request(
            followup_round=round_, user=user, access=access
        )
        second, second_new = services.pdf_report_request(
            followup_round=round_, user=user, access=access
        )
    assert first.pk == second.pk
    assert first.version == 1
    # Only the first is a new version, whose build the caller queues; the service queues
    # nothing itself.
    assert (first_new, second_new) == (True, False)
    assert callbacks == []


def test_a_new_request_after_a_finished_one_makes_the_next_version(programme, round_):
    _finished(round_)
    assert _request(round_, programme.coordinator).version == 2
    assert set(round_.pdf_reports.values_list("version", flat=True)) == {1, 2}


@pytest.mark.parametrize("role", ["steering", "lead"])
def test_only_coordinators_generate(programme, round_, role):
    with pytest.raises(PermissionDenied, match="Only the plan's coordinators request"):
        _request(round_, getattr(programme, role))
    assert not round_.pdf_reports.exists()


def test_the_steering_group_approves(programme, round_, networks):
    report = _finished(round_)
    user, access = _access(programme.steering, round_)
    services.pdf_report_approve(
        report=report, user=user, access=access, recipients=networks, comment="Bra läsning."
    )
    report.refresh_from_db()
    assert report.review == Report.Review.APPROVED
    assert report.reviewed_by == user
    assert set(report.recipients.all()) == set(networks)
    assert report.comments.get().text == "Bra läsning."
    round_.refresh_from_db()
    assert round_.state == FollowUpRound.State.CLOSED
    # The decision enters the steering group's register, linked to the report.
    decision = Decision.objects.get(subject_id=report.pk, subject_type__model="report")
    assert decision.body == programme.steering_group
    assert "uppföljning" in decision.title.lower()
    assert decision.subject_url == report.get_absolute_url()
    # Locked: no new version, no second review.
    with pytest.raises(ValidationError, match="godkänd och låst"):
        _request(round_, programme.coordinator)
    with pytest.raises(ValidationError, match="redan granskad"):
        services.pdf_report_send_back(report=report, user=user, access=access, comment="Nej")


def test_the_approved_report_is_mailed_once_to_each_recipient_body(programme, round_, networks):
    report = _finished(round_)
    user, access = _access(programme.steering, round_)
    network = networks[0]
    members = {m.user.email for m in network.memberships.select_related("user") if m.user.email} | {
        network.email
    }
    assert network.email and len(members) == 2  # a distribution list and a member
    services.pdf_report_approve(report=report, user=user, access=access, recipients=[network])
    mail.outbox.clear()
    assert send_report(report.pk) == 1
    assert send_report(report.pk) == 0  # a retry sends nothing twice
    (message,) = mail.outbox
    assert set(message.to) == members
    assert message.attachments[0][0] == report.file_name
    assert message.attachments[0][1] == b"%PDF-1.7 test"
    assert message.attachments[0][2] == "application/pdf"
    assert report.round.plan.title in message.subject


def test_sending_back_needs_a_comment(programme, round_):
    report = _finished(round_)
    user, access = _access(programme.steering, round_)
    with pytest.raises(ValidationError, match="kommentar"):
        services.pdf_report_send_back(report=report, user=user, access=access, comment=" ")
    services.pdf_report_send_back(report=report, user=user, access=access, comment="Saknar budget.")
    report.refresh_from_db()
    assert report.review == Report.Review.SENT_BACK
    assert report.comments.get().text == "Saknar budget."
    # The coordinators make a new version, which is then reviewed.
    assert _finished(round_).version == 2


@pytest.mark.parametrize("role", ["coordinator", "commenter", "council chair"])
def test_only_the_steering_group_reviews(programme, round_, role):
    report = _finished(round_)
    person = council_make(programme)[1] if role == "council chair" else getattr(programme, role)
    user, access = _access(person, round_)
    assert access.can_comment  # each of them comments, but does not review
    with pytest.raises(PermissionDenied, match="Only the steering group approves"):
        services.pdf_report_approve(report=report, user=user, access=access, recipients=[])
    report.refresh_from_db()
    assert report.review == Report.Review.PENDING


def test_an_older_version_cannot_be_approved(programme, round_):
    old = _finished(round_)
    _finished(round_)
    user, access = _access(programme.steering, round_)
    with pytest.raises(ValidationError, match="nyare"):
        services.pdf_report_approve(report=old, user=user, access=access, recipients=[])


def test_an_unfinished_report_cannot_be_reviewed(programme, round_):
    queued = _request(round_, programme.coordinator)
    user, access = _access(programme.steering, round_)
    with pytest.raises(ValidationError, match="färdig"):
        services.pdf_report_approve(report=queued, user=user, access=access, recipients=[])


def test_a_failed_report_can_be_retried(programme, round_):
    user, access = _access(programme.coordinator, round_)
    report = _request(round_, programme.coordinator)
    Report.objects.filter(pk=report.pk).update(state=Report.State.FAILED, error="Tidsgräns")
    retried, queued = services.pdf_report_retry(report=report, user=user, access=access)
    assert (retried.state, retried.error, retried.version) == (Report.State.QUEUED, "", 1)
    assert queued  # the caller queues the build (tests/test_followup_views.py)
    # A second click finds it queued: nothing more to queue.
    assert services.pdf_report_retry(report=report, user=user, access=access) == (report, False)


def test_no_retry_while_another_version_is_built(programme, round_):
    failed = _request(round_)
    Report.objects.filter(pk=failed.pk).update(state=Report.State.FAILED)
    _request(round_)  # version 2, queued
    user, access = _access(programme.coordinator, round_)
    with pytest.raises(ValidationError, match="En annan version"):
        services.pdf_report_retry(report=failed, user=user, access=access)


def test_comments_from_those_who_comment(programme, round_):
    report = _finished(round_)
    for role in ("commenter", "steering", "coordinator"):
        user, access = _access(getattr(programme, role), round_)
        services.pdf_report_comment(report=report, user=user, access=access, text=f"Från {role}")
    user, access = _access(programme.lead, round_)
    with pytest.raises(PermissionDenied, match="Only those who comment on the plan comment"):
        services.pdf_report_comment(report=report, user=user, access=access, text="x")
    assert report.comments.count() == 3


def test_a_stalled_build_is_given_up_so_the_round_is_not_blocked(programme, round_):
    from datetime import timedelta

    from django.utils import timezone

    from followup.tasks import STALLED_AFTER, fail_stalled_reports

    report = _request(round_, programme.coordinator)
    assert fail_stalled_reports() == 0  # a fresh build is left alone
    Report.objects.filter(pk=report.pk).update(
        requested_at=timezone.now() - STALLED_AFTER - timedelta(minutes=1)
    )
    assert fail_stalled_reports() == 1
    report.refresh_from_db()
    assert report.state == Report.State.FAILED
    assert "Skapa den igen" in report.error
    # The round is free again: a new request makes the next version.
    assert _request(round_, programme.coordinator).version == 2
