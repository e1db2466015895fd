"""portal.views.members: a coordinator finds a person on a body's page, adds them in a role
and ends a membership; the body's members and outsiders see the members, not the tools."""

import pytest

from portal.models import Membership
from tests.factories import UserFactory


def page(body):
    return f"/organ/{body.slug}/"


@pytest.fixture
def steering(programme):
    return programme.steering_group


@pytest.fixture
def newcomer(programme):
    return UserFactory(
        username="ny", first_name="Nils", last_name="Nykomling", organisation=programme.region
    )


def search(client, body, query, **headers):
    return client.get(f"{page(body)}medlemmar/sok/", {"q": query}, **headers)


def test_the_coordinator_sees_the_tools_on_the_page(client, programme, steering):
    client.force_login(programme.coordinator)
    html = client.get(page(steering)).content.decode()
    assert 'id="person-q"' in html
    assert "Avsluta medlemskapet" in html


@pytest.mark.parametrize("who", ["steering", "outsider"])
def test_members_and_outsiders_see_no_tools(client, programme, steering, newcomer, who):
    client.force_login(getattr(programme, who))
    html = client.get(page(steering)).content.decode()
    assert programme.steering.get_full_name() in html
    assert 'id="person-q"' not in html and "Avsluta medlemskapet" not in html
    assert search(client, steering, "nykom").status_code == 403
    response = client.post(f"{page(steering)}medlemmar/ny/", {"person": newcomer.pk})
    assert response.status_code == 403
    membership = Membership.objects.get(user=programme.steering, body=steering)
    response = client.post(f"{page(steering)}medlemmar/{membership.pk}/avsluta/")
    assert response.status_code == 403
    assert not Membership.objects.filter(user=newcomer).exists()
    assert Membership.objects.get(pk=membership.pk).ended_on is None


def test_anonymous_visitors_are_sent_to_sign_in(client, steering):
    response = search(client, steering, "nykom")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_live_search_answers_htmx_with_the_results_only(client, programme, steering, newcomer):
    client.force_login(programme.coordinator)
    response = search(client, steering, "nykom", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response["Vary"] and "HX-Request" in response["Vary"]
    assert html.lstrip().startswith('<div id="person-results"')
    assert f'value="{newcomer.pk}"' in html and "ny@example.org" in html
    assert "<html" not in html


def test_the_plain_search_reloads_the_page_with_the_results(client, programme, steering, newcomer):
    client.force_login(programme.coordinator)
    html = search(client, steering, "nykom").content.decode()
    assert "<html" in html and f'value="{newcomer.pk}"' in html
    assert 'value="nykom"' in html  # the search box keeps the words
    assert "Ingen du kan lägga till" in search(client, steering, "finnsinte").content.decode()


def test_adding_a_person_grants_the_steering_groups_rights(client, programme, steering, newcomer):
    client.force_login(programme.coordinator)
    data = {"person": newcomer.pk, "role": Membership.Role.MEMBER, "since": ""}
    response = client.post(f"{page(steering)}medlemmar/ny/?q=nykom", data)
    assert response.status_code == 302
    assert response["Location"] == f"{page(steering)}#members-heading"
    assert programme.access(newcomer).can_approve
    html = client.get(page(steering)).content.decode()
    assert "Nils Nykomling är tillagd i" in html
    # The same post again (a double submit) adds no one and says why.
    response = client.post(f"{page(steering)}medlemmar/ny/?q=nykom", data)
    assert response.status_code == 200
    assert "redan medlem i" in response.content.decode()
    assert Membership.objects.filter(user=newcomer).count() == 1


def test_a_bad_add_shows_what_is_wrong(client, programme, steering, newcomer):
    client.force_login(programme.coordinator)
    url = f"{page(steering)}medlemmar/ny/?q=nykom"
    for data, message in (
        ({"role": "member"}, "Välj personen du vill lägga till"),
        ({"person": "9" * 30, "role": "member"}, "Välj en person som sökningen hittade"),
        ({"person": newcomer.pk, "role": "king"}, "Välj ett giltigt alternativ"),
        ({"person": newcomer.pk, "role": "member", "since": "2999-01-01"}, "Ange ett år"),
        ({"person": newcomer.pk, "role": "member", "since": "2100-01-01"}, "dagen de börjar"),
    ):
        response = client.post(url, data)
        assert response.status_code == 200, data
        assert message in response.content.decode(), data
    assert not Membership.objects.filter(user=newcomer).exists()


def test_ending_a_membership_keeps_it_among_the_former_members(client, programme, steering):
    client.force_login(programme.coordinator)
    membership = Membership.objects.get(user=programme.steering, body=steering)
    url = f"{page(steering)}medlemmar/{membership.pk}/avsluta/"
    response = client.post(url)
    assert response.status_code == 302
    assert not programme.access(programme.steering).can_approve
    html = client.get(page(steering)).content.decode()
    assert "Tidigare medlemmar" in html and programme.steering.get_full_name() in html
    # A second post (a double submit) changes nothing and says so.
    client.post(url)
    assert "hade redan upphört" in client.get(page(steering)).content.decode()
    assert membership.history.count() == 2


def test_a_membership_of_another_body_is_not_found(client, programme, steering):
    client.force_login(programme.coordinator)
    other = Membership.objects.get(user=programme.commenter)
    response = client.post(f"{page(steering)}medlemmar/{other.pk}/avsluta/")
    assert response.status_code == 404
    assert Membership.objects.get(pk=other.pk).ended_on is None
