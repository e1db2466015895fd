"""followup.services.rounds.round_open: who may open a round, and what it creates."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from followup.access import round_access
from followup.models import ActivityReport, FollowUpRound
from followup.services.rounds import round_open
from tests.factories import activities_make


@pytest.fixture
def published_plan(programme):
    activities_make(programme)
    return programme.published_plan


def _open(plan, user, **overrides):
    kwargs = {
        "plan": plan,
        "user": user,
        "access": round_access(user, FollowUpRound(plan=plan)),
        "year": plan.year,
        "term": "",
        "deadline": timezone.localdate() + timedelta(days=30),
    } | overrides
    return round_open(**kwargs)


def test_the_coordinator_opens_a_round_with_a_draft_report_per_live_activity(
    programme, published_plan, django_capture_on_commit_callbacks
):
    removed = published_plan.activities.first()
    removed.removed_at = timezone.now()
    removed.save()
    with django_capture_on_commit_callbacks() as callbacks:
        followup_round = _open(
            published_plan, programme.coordinator, instructions="  Rapportera senast i december. "
        )
    live = published_plan.activities.filter(removed_at__isnull=True)
    assert live.count() == 2
    assert set(followup_round.reports.values_list("activity_id", flat=True)) == set(
        live.values_list("pk", flat=True)
    )
    assert not followup_round.reports.filter(activity=removed).exists()
    assert set(followup_round.reports.values_list("state", flat=True)) == {
        ActivityReport.State.DRAFT
    }
    assert followup_round.instructions == "Rapportera senast i december."
    assert followup_round.opened_by == programme.coordinator
    assert followup_round.history.count() == 1
    assert ActivityReport.history.filter(round_id=followup_round.pk).count() == live.count()
    # The mail to the leads is queued by the caller (tests/test_followup_views.py).
    assert callbacks == []


@pytest.mark.parametrize("role", ["steering", "commenter", "lead"])
def test_only_coordinators_open_rounds(programme, published_plan, role):
    with pytest.raises(PermissionDenied, match="Only the plan's coordinators open follow-up"):
        _open(published_plan, getattr(programme, role))
    assert not FollowUpRound.objects.filter(plan=published_plan).exists()


def test_a_draft_plan_cannot_be_followed_up(programme):
    with pytest.raises(ValidationError, match="godkänd eller publicerad"):
        _open(programme.draft_plan, programme.coordinator)


def test_one_round_per_period(programme, published_plan):
    _open(published_plan, programme.coordinator)
    with pytest.raises(ValidationError, match="redan en uppföljning"):
        _open(published_plan, programme.coordinator)
    # Another term of the same year is another period.
    assert _open(published_plan, programme.coordinator, term="autumn").period == "2023 hösttermin"


def test_the_deadline_may_not_have_passed(programme, published_plan):
    with pytest.raises(ValidationError, match="passerat"):
        _open(
            published_plan,
            programme.coordinator,
            deadline=timezone.localdate() - timedelta(days=1),
        )
