"""portal.services' meeting writes and portal.agenda: what a meeting can take up comes from
the apps above portal, each listing what awaits the body."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from actionplans.models import Initiative
from followup.models import Report
from portal import services
from portal.access import can_manage_meetings
from portal.agenda import agenda_subjects
from portal.models import AgendaItem, Body, Meeting
from portal.selectors import bodies_kept_by
from tests.factories import BodyFactory, council_make


@pytest.fixture
def steering(programme) -> Body:
    return programme.steering_group


@pytest.fixture
def meeting(programme, steering) -> Meeting:
    starts = timezone.now() + timedelta(days=3)
    return services.meeting_create(
        body=steering,
        user=programme.coordinator,
        title=" Styrgruppsmöte ",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
    )


def _titles(meeting: Meeting) -> list[str]:
    return list(meeting.items.order_by("order").values_list("title", flat=True))


def test_moving_and_removing_items_keeps_the_order_dense(programme, meeting):
    user = programme.coordinator
    first, second, third = (
        services.agenda_item_add(meeting=meeting, title=title, user=user)
        for title in ("Ett", "Två", "Tre")
    )
    assert meeting.title == "Styrgruppsmöte"  # stripped
    services.agenda_item_move(item=first, user=user, direction="up")  # already first
    assert _titles(meeting) == ["Ett", "Två", "Tre"]
    services.agenda_item_move(item=third, user=user, direction="up")
    assert _titles(meeting) == ["Ett", "Tre", "Två"]
    services.agenda_item_move(item=second, user=user, direction="down")  # already last
    services.agenda_item_remove(item=first, user=user)
    assert list(meeting.items.order_by("order").values_list("title", "order")) == [
        ("Tre", 1),
        ("Två", 2),
    ]
    with pytest.raises(ValidationError, match="Okänd riktning"):
        services.agenda_item_move(item=third, user=user, direction="sideways")


def test_a_decision_can_only_link_to_an_item_of_its_own_meeting(programme, meeting, steering):
    other = Meeting.objects.create(
        body=steering, title="Annat", starts_at=meeting.starts_at, ends_at=meeting.ends_at
    )
    item = AgendaItem.objects.create(meeting=other, title="Annan punkt", order=1)
    with pytest.raises(ValidationError, match="inte på det här mötets dagordning"):
        services.meeting_decision_record(
            meeting=meeting, user=programme.coordinator, title="Beslut", item=item
        )
    assert not meeting.decisions.exists()


def _initiative(programme, title: str, **fields) -> Initiative:
    contact = programme.contact
    return Initiative.objects.create(
        strategy=programme.strategy,
        title=title,
        problem="Problem",
        expected_benefit="Nytta",
        proposed_kind="prestudy",
        organisation=contact.organisation,
        submitted_by=contact,
        **fields,
    )


def test_what_awaits_the_steering_group(programme, steering, programme_round, client):
    round = programme_round(programme.published_plan)
    report = Report.objects.create(
        round=round, version=1, state=Report.State.DONE, review=Report.Review.PENDING
    )
    initiative = _initiative(programme, "Gemensam e-arkivlösning")
    decided = _initiative(programme, "Redan beslutat", state=Initiative.State.DECIDED)

    found = {subject.object: subject for subject in agenda_subjects(steering)}

    assert report in found and initiative in found and decided not in found
    assert found[report].url == report.get_absolute_url()
    assert found[initiative].title == "Gemensam e-arkivlösning"
    # A body that governs no strategy has nothing waiting.
    network = BodyFactory(kind=Body.Kind.NETWORK, organisation=programme.region)
    assert agenda_subjects(network) == []


def test_who_keeps_which_bodies_meetings(programme, steering):
    council, chair = council_make(programme)
    coordinator, member = programme.coordinator, programme.steering
    assert can_manage_meetings(coordinator, steering) and can_manage_meetings(coordinator, council)
    assert can_manage_meetings(chair, council) and not can_manage_meetings(chair, steering)
    assert not can_manage_meetings(member, steering)
    assert bodies_kept_by(chair) == [council]
    assert steering in bodies_kept_by(coordinator) and bodies_kept_by(member) == []
    member.is_active = False
    coordinator.is_active = False
    assert not can_manage_meetings(coordinator, steering) and bodies_kept_by(coordinator) == []
