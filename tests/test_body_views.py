"""A page per body, its meetings as an iCalendar feed, and the decision register; the
steering group's plan approvals enter the register by themselves."""

from datetime import timedelta

import pytest
from django.utils import timezone

from actionplans.access import plan_access
from actionplans.services import plans as plan_services
from portal.models import Decision, Meeting


def page(body):
    return f"/organ/{body.slug}/"


@pytest.fixture
def steering(programme):
    """The programme's steering group; ``programme.steering`` is its member."""
    return programme.steering_group


@pytest.fixture
def meetings(steering):
    now = timezone.now()
    past = Meeting.objects.create(
        body=steering,
        title="Styrgruppsmöte 1",
        starts_at=now - timedelta(days=30),
        ends_at=now - timedelta(days=30) + timedelta(hours=2),
        location="Örebro, rum 3",
        minutes="Utkast till protokoll: beslutade om handlingsplanen.",
    )
    coming = Meeting.objects.create(
        body=steering,
        title="Styrgruppsmöte 2; budget, uppföljning",
        starts_at=now + timedelta(days=14),
        ends_at=now + timedelta(days=14, hours=2),
        agenda="1. Uppföljning\n2. Handlingsplan 2025",
    )
    return past, coming


def test_body_page_shows_members_and_meetings(client, programme, steering, meetings):
    html = client.get(page(steering)).content.decode()
    assert programme.steering.get_full_name() in html
    assert "Styrgruppsmöte 1" in html and "Styrgruppsmöte 2" in html


def test_draft_minutes_are_for_members_only(client, programme, steering, meetings):
    url = page(steering)
    assert "Utkast till protokoll" not in client.get(url).content.decode()
    client.force_login(programme.steering)
    assert "Utkast till protokoll" in client.get(url).content.decode()
    client.force_login(programme.contact)
    assert "Utkast till protokoll" not in client.get(url).content.decode()
    Meeting.objects.filter(pk=meetings[0].pk).update(minutes_published=True)
    client.logout()
    assert "Utkast till protokoll" in client.get(url).content.decode()


def test_icalendar_feed(client, steering, meetings):
    response = client.get(f"{page(steering)}kalender.ics")
    assert response["Content-Type"].startswith("text/calendar")
    text = response.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    assert text.count("BEGIN:VEVENT") == 2
    assert f"UID:meeting-{meetings[1].pk}@testserver" in text
    assert "SUMMARY:Styrgruppsmöte 2\\; budget\\, uppföljning" in text
    assert "DESCRIPTION:1. Uppföljning\\n2. Handlingsplan 2025" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    url = f"URL:http://testserver{page(steering)}moten/{meetings[1].pk}/"
    assert url in text.replace("\r\n ", "")
    assert "SEQUENCE:0" in text


def test_the_feed_carries_the_agenda_items_and_changes(client, steering, meetings):
    from portal.services import agenda_item_add

    coming = meetings[1]
    agenda_item_add(meeting=coming, title="Beslut om budget", user=None)
    Meeting.objects.filter(pk=coming.pk).update(version=3)  # saved twice since

    text = client.get(f"{page(steering)}kalender.ics").content.decode()
    event = text[text.index(f"UID:meeting-{coming.pk}@") :].split("END:VEVENT")[0]
    unfolded = event.replace("\r\n ", "")
    assert "DESCRIPTION:1. Uppföljning\\n2. Handlingsplan 2025\\n1. Beslut om budget" in unfolded
    assert "SEQUENCE:2" in event


def test_a_plan_approval_enters_the_register(client, programme, steering):
    draft_plan = programme.draft_plan
    earlier = list(Decision.objects.values_list("pk", flat=True))
    for name, user in (("submit", programme.coordinator), ("approve", programme.steering)):
        plan_services.plan_transition(
            plan=draft_plan,
            name=name,
            user=user,
            access=plan_access(user, draft_plan),
            comment="Godkänd med budget" if name == "approve" else "",
        )
    decision = Decision.objects.exclude(pk__in=earlier).get()
    assert decision.body == steering
    assert decision.subject == draft_plan
    assert decision.title == "Godkände handlingsplanen ”Aktiviteter 2024” (2024)"
    assert decision.text == "Godkänd med budget"
    html = client.get("/beslut/", {"organ": steering.slug}).content.decode()
    assert "Aktiviteter 2024" in html
    year = timezone.localdate().year
    assert "Aktiviteter 2024" not in client.get("/beslut/", {"ar": year - 1}).content.decode()


def test_non_public_decisions_only_for_members(client, programme, steering):
    Decision.objects.create(
        body=steering, decided_on=timezone.localdate(), title="Internt beslut", is_public=False
    )
    assert "Internt beslut" not in client.get("/beslut/").content.decode()
    client.force_login(programme.steering)
    assert "Internt beslut" in client.get("/beslut/").content.decode()
