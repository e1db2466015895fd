"""Moving and removing a meeting's agenda items, each at its own URL: the chair (who keeps
the meeting) does it from the meeting page; a member cannot; an item is only found under
its own meeting."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.models import AgendaItem, Meeting, Membership
from tests.factories import BodyFactory, MembershipFactory


@pytest.fixture
def meeting(db) -> Meeting:
    starts = timezone.now() + timedelta(days=3)
    meeting = Meeting.objects.create(
        body=BodyFactory(), title="Möte", starts_at=starts, ends_at=starts + timedelta(hours=1)
    )
    for order, title in enumerate(["Inledning", "Budget", "Övrigt"], start=1):
        AgendaItem.objects.create(meeting=meeting, title=title, order=order)
    return meeting


def _keeper(meeting: Meeting, role=Membership.Role.CHAIR):
    return MembershipFactory(body=meeting.body, role=role).user


def _url(meeting: Meeting, item: AgendaItem, action: str) -> str:
    return f"/organ/{meeting.body.slug}/moten/{meeting.pk}/dagordning/{item.pk}/{action}/"


def _titles(meeting: Meeting) -> list[str]:
    return list(meeting.items.order_by("order").values_list("title", flat=True))


def test_the_meeting_page_posts_each_action_to_its_own_url(client, meeting):
    client.force_login(_keeper(meeting))
    html = client.get(f"/organ/{meeting.body.slug}/moten/{meeting.pk}/").content.decode()
    for item in meeting.items.all():
        assert f'action="{_url(meeting, item, "flytta")}"' in html
        assert f'action="{_url(meeting, item, "ta-bort")}"' in html


def test_moving_and_removing_without_htmx_return_to_the_agenda(client, meeting):
    client.force_login(_keeper(meeting))
    budget = meeting.items.get(title="Budget")
    response = client.post(_url(meeting, budget, "flytta"), {"direction": "up"})
    agenda = f"/organ/{meeting.body.slug}/moten/{meeting.pk}/#agenda-heading"
    assert response.status_code == 302 and response["Location"] == agenda
    assert _titles(meeting) == ["Budget", "Inledning", "Övrigt"]

    response = client.post(_url(meeting, meeting.items.get(title="Inledning"), "ta-bort"))
    assert response.status_code == 302 and response["Location"] == agenda
    assert list(meeting.items.order_by("order").values_list("title", "order")) == [
        ("Budget", 1),
        ("Övrigt", 2),
    ]


def test_with_htmx_the_agenda_comes_back(client, meeting):
    client.force_login(_keeper(meeting, role=Membership.Role.SECRETARY))
    item = meeting.items.get(title="Övrigt")
    response = client.post(
        _url(meeting, item, "flytta"), {"direction": "up"}, HTTP_HX_REQUEST="true"
    )
    fragment = response.content.decode()
    assert response.status_code == 200 and "<html" not in fragment
    assert fragment.lstrip().startswith('<section aria-labelledby="agenda-heading"')
    assert 'id="decision-item-field"' in fragment  # out of band, the decision form's items
    assert _titles(meeting) == ["Inledning", "Övrigt", "Budget"]
    response = client.post(_url(meeting, item, "ta-bort"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Övrigt" not in response.content.decode()
    assert _titles(meeting) == ["Inledning", "Budget"]


def test_an_unknown_direction_moves_nothing_and_says_so(client, meeting):
    client.force_login(_keeper(meeting))
    item = meeting.items.get(title="Budget")
    response = client.post(_url(meeting, item, "flytta"), {"direction": "sideways"}, follow=True)
    assert "Okänd riktning." in response.content.decode()
    assert _titles(meeting) == ["Inledning", "Budget", "Övrigt"]


@pytest.mark.parametrize("action", ["flytta", "ta-bort"])
def test_a_member_who_does_not_keep_the_meeting_is_refused(client, meeting, action):
    client.force_login(_keeper(meeting, role=Membership.Role.MEMBER))
    item = meeting.items.get(title="Budget")
    assert client.post(_url(meeting, item, action), {"direction": "up"}).status_code == 403
    assert _titles(meeting) == ["Inledning", "Budget", "Övrigt"]


def test_removing_a_meeting_has_its_own_url(client, meeting):
    client.force_login(_keeper(meeting))
    page = f"/organ/{meeting.body.slug}/moten/{meeting.pk}/"
    html = client.get(f"{page}andra/").content.decode()
    assert f'action="{page}ta-bort/"' in html
    assert client.get(f"{page}ta-bort/").status_code == 405  # removing is a POST
    response = client.post(f"{page}ta-bort/")
    assert response.status_code == 302 and response["Location"] == f"/organ/{meeting.body.slug}/"
    assert not Meeting.objects.filter(pk=meeting.pk).exists()
