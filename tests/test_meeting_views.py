"""A body's meetings in the portal: anyone reads a meeting's page; its chair or secretary and
the programme's coordinators add meetings, set the agenda (htmx), record decisions and keep
the minutes, with a version check between two editors."""

from datetime import timedelta

import pytest
from django.utils import timezone

from actionplans.models import ActionPlan
from portal.models import AgendaItem, Body, Decision, Meeting, Membership, User
from tests.factories import council_make


@pytest.fixture
def steering(programme) -> Body:
    return programme.steering_group


@pytest.fixture
def council(programme) -> tuple[Body, User]:
    """The digitalisation council and its chair."""
    return council_make(programme)


def _person(programme, council, role: str) -> User:
    return council[1] if role == "council chair" else getattr(programme, role)


def _body(body: Body) -> str:
    return f"/organ/{body.slug}"


@pytest.fixture
def meeting(steering) -> Meeting:
    starts = timezone.now() + timedelta(days=10)
    return Meeting.objects.create(
        body=steering,
        title="Styrgruppsmöte december",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        location="Regionens hus, rum 4",
        minutes="Utkast: styrgruppen diskuterade budgeten.",
    )


def _page(meeting: Meeting) -> str:
    return f"{_body(meeting.body)}/moten/{meeting.pk}/"


def test_anyone_reads_the_meeting_but_draft_minutes_are_for_insiders(client, programme, meeting):
    html = client.get(_page(meeting)).content.decode()
    assert "Styrgruppsmöte december" in html and "Regionens hus, rum 4" in html
    assert "Utkast: styrgruppen" not in html
    assert "Redigera" not in html and "Lägg till på dagordningen" not in html

    client.force_login(programme.steering)  # a member reads the draft, keeps nothing
    html = client.get(_page(meeting)).content.decode()
    assert "Utkast: styrgruppen" in html
    assert "Lägg till på dagordningen" not in html

    client.force_login(programme.coordinator)  # the secretariat keeps the meeting
    html = client.get(_page(meeting)).content.decode()
    assert "Lägg till på dagordningen" in html and "Registrera ett beslut" in html


def test_a_meeting_of_another_body_is_not_found_under_this_one(client, programme, meeting):
    other = _body(programme.strategy_group)
    assert client.get(f"{other}/moten/{meeting.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("role", "expected"),
    [("coordinator", 200), ("steering", 403), ("council chair", 403), ("contact", 403)],
)
def test_who_may_add_a_meeting(client, programme, council, steering, role, expected):
    client.force_login(_person(programme, council, role))
    assert client.get(f"{_body(steering)}/moten/nytt/").status_code == expected


def test_the_chair_or_secretary_keeps_their_own_body_only(client, programme, council, steering):
    client.force_login(council[1])  # chair of the council
    assert client.get(f"{_body(council[0])}/moten/nytt/").status_code == 200
    assert client.get(f"{_body(steering)}/moten/nytt/").status_code == 403
    secretary = programme.steering
    Membership.objects.filter(user=secretary, body=steering).update(role=Membership.Role.SECRETARY)
    client.force_login(secretary)
    assert client.get(f"{_body(steering)}/moten/nytt/").status_code == 200


def test_adding_a_meeting(client, programme, steering):
    client.force_login(programme.coordinator)
    response = client.post(
        f"{_body(steering)}/moten/nytt/",
        {
            "title": "Extra styrgruppsmöte",
            "starts_at": "2026-12-15T13:00",
            "ends_at": "2026-12-15T15:00",
            "location": "Teams",
        },
    )
    meeting = Meeting.objects.get(title="Extra styrgruppsmöte")
    assert response.status_code == 302 and response["Location"] == _page(meeting)
    assert meeting.body == steering and meeting.location == "Teams"
    assert timezone.localtime(meeting.starts_at).hour == 13
    assert meeting.history.first().history_user == programme.coordinator
    # On the body's page, linked, and in the calendar feed.
    assert _page(meeting) in client.get(f"{_body(steering)}/").content.decode()
    calendar = client.get(f"{_body(steering)}/kalender.ics").content.decode()
    assert "Extra styrgruppsmöte" in calendar


def test_a_meeting_that_ends_before_it_starts_is_refused_with_a_message(
    client, programme, steering
):
    client.force_login(programme.coordinator)
    count = Meeting.objects.count()
    response = client.post(
        f"{_body(steering)}/moten/nytt/",
        {"title": "Fel", "starts_at": "2026-12-15T13:00", "ends_at": "2026-12-15T12:00"},
    )
    assert response.status_code == 200
    assert "Mötet måste sluta efter att det börjar." in response.content.decode()
    assert Meeting.objects.count() == count


def test_setting_the_agenda_with_htmx(client, programme, meeting):
    draft_plan = programme.draft_plan
    ActionPlan.objects.filter(pk=draft_plan.pk).update(state=ActionPlan.State.REVIEW)
    client.force_login(programme.coordinator)
    url = f"{_page(meeting)}dagordning/"
    # The plan awaiting approval is offered; choosing it links the item to it.
    html = client.get(_page(meeting)).content.decode()
    assert "Plan som väntar på godkännande: " + draft_plan.title in html
    subject = next(
        value for value, label in _choices(client, meeting) if label.endswith(draft_plan.title)
    )
    response = client.post(
        url, {"agenda-subject": subject, "agenda-title": ""}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response["Vary"].count("HX-Request") == 1
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<section aria-labelledby="agenda-heading"')
    assert "<html" not in fragment
    fragment = client.post(
        url, {"agenda-title": "Övriga frågor"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    # Out of band, the decision form's list of items, which now offers the new item.
    oob = fragment[fragment.index('id="decision-item-field"') :]
    assert 'hx-swap-oob="true"' in oob[:100] and "2. Övriga frågor" in oob
    items = list(meeting.items.order_by("order"))
    assert [item.title for item in items] == [
        f"Plan som väntar på godkännande: {draft_plan.title}",
        "Övriga frågor",
    ]
    assert items[0].subject == draft_plan and items[0].subject_url == draft_plan.get_edit_url()

    client.post(f"{url}{items[1].pk}/flytta/", {"direction": "up"}, HTTP_HX_REQUEST="true")
    assert list(meeting.items.order_by("order").values_list("title", flat=True)) == [
        "Övriga frågor",
        f"Plan som väntar på godkännande: {draft_plan.title}",
    ]
    client.post(f"{url}{items[0].pk}/ta-bort/", HTTP_HX_REQUEST="true")
    assert list(meeting.items.values_list("title", "order")) == [("Övriga frågor", 1)]


def test_an_item_chosen_in_english_is_stored_in_swedish(client, programme, meeting):
    draft_plan = programme.draft_plan
    ActionPlan.objects.filter(pk=draft_plan.pk).update(state=ActionPlan.State.REVIEW)
    client.force_login(programme.coordinator)
    client.cookies["django_language"] = "en"
    subject = _choices(client, meeting)[1]
    assert subject[1] == f"Plan awaiting approval: {draft_plan.title}"
    client.post(f"{_page(meeting)}dagordning/", {"agenda-subject": subject[0]})
    assert meeting.items.get().title == f"Plan som väntar på godkännande: {draft_plan.title}"


def test_what_an_item_concerns_is_linked_for_insiders_only(client, programme, meeting):
    draft_plan = programme.draft_plan
    AgendaItem.objects.create(
        meeting=meeting,
        title="Handlingsplanen",
        order=1,
        subject=draft_plan,
        subject_url=draft_plan.get_edit_url(),
    )
    link = f'href="{draft_plan.get_edit_url()}"'
    for page in (_page(meeting), f"{_body(meeting.body)}/"):
        assert link not in client.get(page).content.decode()  # it would only ask to sign in
    client.force_login(programme.steering)
    for page in (_page(meeting), f"{_body(meeting.body)}/"):
        assert link in client.get(page).content.decode()


def _choices(client, meeting):
    response = client.get(_page(meeting))
    return response.context["agenda_form"].fields["subject"].choices


def test_an_empty_agenda_item_is_refused_with_a_message(client, programme, meeting):
    client.force_login(programme.coordinator)
    response = client.post(
        f"{_page(meeting)}dagordning/", {"agenda-title": "  "}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200  # htmx swaps the agenda with the error
    assert "Ge punkten en rubrik" in response.content.decode()
    assert not meeting.items.exists()


def test_without_htmx_the_agenda_form_returns_to_the_page(client, programme, meeting):
    client.force_login(programme.coordinator)
    response = client.post(f"{_page(meeting)}dagordning/", {"agenda-title": "Information"})
    assert response.status_code == 302
    assert response["Location"] == f"{_page(meeting)}#agenda-heading"


def test_an_item_of_another_meeting_cannot_be_moved_from_here(client, programme, meeting, steering):
    other = Meeting.objects.create(
        body=steering, title="Annat", starts_at=meeting.starts_at, ends_at=meeting.ends_at
    )
    item = AgendaItem.objects.create(meeting=other, title="Annan punkt", order=1)
    client.force_login(programme.coordinator)
    response = client.post(f"{_page(meeting)}dagordning/{item.pk}/ta-bort/")
    assert response.status_code == 404
    response = client.post(f"{_page(meeting)}dagordning/{item.pk}/flytta/", {"direction": "up"})
    assert response.status_code == 404
    assert AgendaItem.objects.filter(pk=item.pk).exists()


@pytest.mark.parametrize("role", ["steering", "council chair", "contact"])
def test_others_cannot_change_the_agenda_or_record_decisions(
    client, programme, council, meeting, role
):
    client.force_login(_person(programme, council, role))
    assert client.post(f"{_page(meeting)}dagordning/", {"agenda-title": "X"}).status_code == 403
    assert client.post(f"{_page(meeting)}beslut/", {"decision-title": "X"}).status_code == 403
    assert client.post(f"{_page(meeting)}ta-bort/").status_code == 403
    assert not meeting.items.exists() and not meeting.decisions.exists()
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, meeting):
    response = client.post(f"{_page(meeting)}beslut/", {"decision-title": "X"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_recording_a_decision_links_it_to_the_items_subject(client, programme, meeting):
    draft_plan = programme.draft_plan
    item = AgendaItem.objects.create(
        meeting=meeting,
        title="Handlingsplanen",
        order=1,
        subject=draft_plan,
        subject_url=draft_plan.get_edit_url(),
    )
    client.force_login(programme.coordinator)
    response = client.post(
        f"{_page(meeting)}beslut/",
        {
            "decision-title": "Planen återremitteras",
            "decision-text": "Budgeten ses över.",
            "decision-item": item.pk,
        },
    )
    assert response.status_code == 302
    decision = Decision.objects.get(title="Planen återremitteras")
    assert decision.meeting == meeting and decision.subject == draft_plan
    assert decision.decided_on == timezone.localtime(meeting.starts_at).date()
    assert decision.is_public is False  # the box was not ticked
    # In the register for members; not for others, as it is not public.
    assert "Planen återremitteras" in client.get("/beslut/").content.decode()
    client.logout()
    assert "Planen återremitteras" not in client.get("/beslut/").content.decode()
    assert "Planen återremitteras" not in client.get(_page(meeting)).content.decode()


def test_a_decision_needs_a_title(client, programme, meeting):
    client.force_login(programme.coordinator)
    response = client.post(
        f"{_page(meeting)}beslut/", {"decision-title": "", "decision-is_public": "on"}
    )
    assert response.status_code == 200
    assert "Beslutet registrerades inte" in response.content.decode()
    assert not meeting.decisions.exists()


def _data(meeting, **changes):
    return {
        "version": meeting.version,
        "title": meeting.title,
        "starts_at": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(meeting.ends_at).strftime("%Y-%m-%dT%H:%M"),
        "location": meeting.location,
        "minutes": meeting.minutes,
        **changes,
    }


def _edit(client, meeting, **changes):
    return client.post(f"{_page(meeting)}andra/", _data(meeting, **changes))


def _conflict_alert(html: str) -> str:
    """The conflict's box above the form (the form below holds what was typed)."""
    start = html.index('role="alert"')
    return html[start : html.index("</div>", start)]


def test_publishing_the_minutes(client, programme, meeting):
    client.force_login(programme.coordinator)
    response = _edit(
        client, meeting, minutes="Protokoll: budgeten fastställdes.", minutes_published="on"
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes_published and meeting.version == 2
    client.logout()
    assert "Protokoll: budgeten fastställdes." in client.get(_page(meeting)).content.decode()


def test_two_secretaries_editing_at_once_do_not_overwrite_each_other(client, programme, meeting):
    client.force_login(programme.coordinator)
    assert _edit(client, meeting, minutes="Först sparat.").status_code == 302
    # The second editor loaded the form before that save (version 1).
    response = _edit(client, meeting, minutes="Mitt utkast.")
    assert response.status_code == 409
    html = response.content.decode()
    assert "Först sparat." in html and "Mitt utkast." in html  # what is stored, what was typed
    meeting.refresh_from_db()
    assert meeting.minutes == "Först sparat."
    # Saving again, from the form as shown, is a deliberate overwrite.
    assert response.context["form"]["version"].value() == 2
    meeting.version = 2
    assert _edit(client, meeting, minutes="Mitt utkast.").status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "Mitt utkast." and meeting.version == 3


def test_minutes_cannot_be_published_empty(client, programme, meeting):
    client.force_login(programme.coordinator)
    response = _edit(client, meeting, minutes="", minutes_published="on")
    assert response.status_code == 200
    assert "Det finns inget protokoll att publicera." in response.content.decode()
    meeting.refresh_from_db()
    assert not meeting.minutes_published and meeting.version == 1


def test_removing_a_meeting_unless_decisions_were_taken(client, programme, meeting):
    client.force_login(programme.coordinator)
    Decision.objects.create(
        body=meeting.body, meeting=meeting, decided_on=timezone.localdate(), title="Beslut"
    )
    response = client.post(f"{_page(meeting)}ta-bort/", follow=True)
    assert "stannar i registret" in response.content.decode()
    assert Meeting.objects.filter(pk=meeting.pk).exists()

    meeting.decisions.all().delete()
    response = client.post(f"{_page(meeting)}ta-bort/")
    assert response.status_code == 302 and response["Location"] == f"{_body(meeting.body)}/"
    assert not Meeting.objects.filter(pk=meeting.pk).exists()


@pytest.mark.parametrize("version", [None, "", "x", "²"], ids=["missing", "empty", "text", "²"])
def test_a_save_without_its_version_is_a_conflict(client, programme, meeting, version):
    """A form that does not say which version it was opened at cannot be trusted not to
    overwrite: it is shown what is stored, and saving again from that form overwrites."""
    client.force_login(programme.coordinator)
    data = _data(meeting, minutes="Mitt utkast.", version=version)
    if version is None:  # the field left out altogether
        del data["version"]
    response = client.post(f"{_page(meeting)}andra/", data)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Utkast: styrgruppen diskuterade budgeten." in html and "Mitt utkast." in html
    meeting.refresh_from_db()
    assert meeting.minutes == "Utkast: styrgruppen diskuterade budgeten."
    assert meeting.version == 1
    assert response.context["form"]["version"].value() == 1


def test_the_conflict_shows_every_field_the_other_editor_changed(client, programme, meeting):
    client.force_login(programme.coordinator)
    assert _edit(client, meeting).status_code == 302  # the times now on whole minutes
    opened = Meeting.objects.get(pk=meeting.pk)
    assert (
        _edit(
            client,
            opened,
            location="Stadshuset, sal B",
            minutes="Protokoll fastställt.",
            minutes_published="on",
        ).status_code
        == 302
    )
    response = _edit(client, opened, minutes="Mitt utkast.")
    assert response.status_code == 409
    changes = {(c.field, c.before, c.after) for c in response.context["conflict"].changes}
    assert changes == {
        ("plats", "Regionens hus, rum 4", "Stadshuset, sal B"),
        ("protokoll", "Utkast: styrgruppen diskuterade budgeten.", "Protokoll fastställt."),
        ("protokollet publicerat", "nej", "ja"),
    }
    alert = _conflict_alert(response.content.decode())
    assert "Stadshuset, sal B" in alert and "Regionens hus, rum 4" in alert
    assert "Protokollet publicerat" in alert
