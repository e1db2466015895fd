"""strategy.views.decision and strategy.agenda: the steering group puts the worked-through
strategy on a meeting's agenda and decides it there; the decision enters its register."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from portal.models import Decision, Meeting, Membership
from strategy.access import strategy_access
from strategy.models import Strategy
from strategy.services import strategies
from strategy.services.strategies import NewStrategy
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def revised(programme) -> Strategy:
    """A copy of the programme's strategy for 2027–2030, worked through after its
    consultation."""
    user = programme.coordinator
    draft = strategies.strategy_copy(
        source=programme.strategy,
        new=NewStrategy("Digitaliseringsstrategi 2027–2030", "strategi-2027", 2027, 2030),
        user=user,
        access=strategy_access(user, programme.strategy),
    )
    Strategy.objects.filter(pk=draft.pk).update(state=Strategy.State.REVISION)
    draft.refresh_from_db()
    return draft


@pytest.fixture
def meeting(programme) -> Meeting:
    starts = timezone.now() + timedelta(days=7)
    return Meeting.objects.create(
        body=programme.steering_group,
        title="Styrgruppens möte",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
    )


def _on_agenda(client, programme, meeting, strategy) -> None:
    chair = MembershipFactory(body=programme.steering_group, role=Membership.Role.CHAIR).user
    client.force_login(chair)
    key = f"{ContentType.objects.get_for_model(Strategy).pk}:{strategy.pk}"
    page = client.get(f"/organ/{meeting.body.slug}/moten/{meeting.pk}/").content.decode()
    assert "Strategi som väntar på beslut: Digitaliseringsstrategi 2027–2030" in page
    client.post(
        f"/organ/{meeting.body.slug}/moten/{meeting.pk}/dagordning/",
        {"agenda-subject": key, "agenda-title": ""},
    )
    item = meeting.items.get()
    assert item.subject == strategy
    assert item.subject_url == f"/strategier/{strategy.slug}/beslut/"


def test_decided_at_the_meeting_with_the_decision_in_the_register(
    client, programme, revised, meeting
):
    _on_agenda(client, programme, meeting, revised)
    client.force_login(programme.steering)
    page = client.get(f"/strategier/{revised.slug}/beslut/")
    assert page.status_code == 200
    assert "Styrgruppens möte" in page.content.decode()
    response = client.post(f"/strategier/{revised.slug}/beslut/", {"meeting": meeting.pk})
    assert response.status_code == 302
    revised.refresh_from_db()
    assert revised.state == Strategy.State.DECIDED
    decision = Decision.objects.get(body=programme.steering_group)
    assert (decision.meeting, decision.subject) == (meeting, revised)
    assert decision.decided_on == timezone.localtime(meeting.starts_at).date()
    assert decision.title == "Strategin ”Digitaliseringsstrategi 2027–2030” är beslutad"


def test_a_meeting_without_the_strategy_on_its_agenda_is_refused(
    client, programme, revised, meeting
):
    client.force_login(programme.steering)
    page = client.get(f"/strategier/{revised.slug}/beslut/").content.decode()
    assert "finns inte på dagordningen" in page
    response = client.post(f"/strategier/{revised.slug}/beslut/", {"meeting": meeting.pk})
    assert response.status_code == 400
    revised.refresh_from_db()
    assert revised.state == Strategy.State.REVISION
    assert not Decision.objects.filter(body=programme.steering_group).exists()


def test_the_coordinators_do_not_decide(client, programme, revised, meeting):
    _on_agenda(client, programme, meeting, revised)
    client.force_login(programme.coordinator)
    response = client.post(f"/strategier/{revised.slug}/beslut/", {"meeting": meeting.pk})
    assert response.status_code == 403
    revised.refresh_from_db()
    assert revised.state == Strategy.State.REVISION


def test_the_workflow_step_without_a_meeting_is_refused(client, programme, revised):
    client.force_login(programme.steering)
    page = client.get(f"/strategier/{revised.slug}/").content.decode()
    assert f'href="/strategier/{revised.slug}/beslut/"' in page
    client.post(f"/strategier/{revised.slug}/steg/decide/")
    revised.refresh_from_db()
    assert revised.state == Strategy.State.REVISION


def test_the_agenda_offers_only_strategies_awaiting_the_steering_groups_decision(
    programme, revised
):
    from strategy.agenda import agenda_subjects

    assert [s.object for s in agenda_subjects(programme.steering_group)] == [revised]
    assert agenda_subjects(programme.coordinators) == []
    Strategy.objects.filter(pk=revised.pk).update(state=Strategy.State.DECIDED)
    assert agenda_subjects(programme.steering_group) == []
