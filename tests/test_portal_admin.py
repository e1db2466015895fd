"""portal.admin: a meeting saved in the admin raises its version, so that a form opened in
the portal before gets a conflict; and the admin refuses a form opened before another save."""

from datetime import timedelta

import pytest
from allauth.socialaccount.models import SocialApp
from django.utils import timezone

from portal.models import Meeting
from tests.admin_helpers import admin_form_data, change_url
from tests.factories import OrganisationFactory, UserFactory


@pytest.fixture
def meeting(programme) -> Meeting:
    # On a whole minute, as the forms enter times.
    starts = (timezone.now() + timedelta(days=10)).replace(second=0, microsecond=0)
    return Meeting.objects.create(
        body=programme.steering_group,
        title="Styrgruppsmöte december",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        location="Regionens hus, rum 4",
        minutes="Utkast.",
    )


@pytest.fixture
def superuser(client, db):
    user = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def _portal_form(meeting, **changes):
    return {
        "version": meeting.version,
        "title": meeting.title,
        "starts_at": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(meeting.ends_at).strftime("%Y-%m-%dT%H:%M"),
        "location": meeting.location,
        "minutes": meeting.minutes,
        **changes,
    }


def _edit_url(meeting) -> str:
    return f"/organ/{meeting.body.slug}/moten/{meeting.pk}/andra/"


def test_an_admin_save_raises_the_version_so_a_form_opened_before_gets_a_conflict(
    client, programme, superuser, meeting
):
    stale = _portal_form(meeting, minutes="Mitt utkast.")
    url = change_url(meeting)
    data = admin_form_data(client, url, location="Stadshuset")
    assert client.post(url, data).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.location, meeting.version) == ("Stadshuset", 2)
    client.force_login(programme.coordinator)
    response = client.post(_edit_url(meeting), stale)
    assert response.status_code == 409
    changes = {(c.field, c.before, c.after) for c in response.context["conflict"].changes}
    assert changes == {("plats", "Regionens hus, rum 4", "Stadshuset")}
    meeting.refresh_from_db()
    assert (meeting.location, meeting.minutes) == ("Stadshuset", "Utkast.")


def test_an_admin_form_opened_before_a_portal_save_is_refused(
    client, programme, superuser, meeting
):
    url = change_url(meeting)
    opened = admin_form_data(client, url, minutes="Rättat i admin.")
    client.force_login(programme.coordinator)
    saved = _portal_form(meeting, minutes="Sparat.")
    assert client.post(_edit_url(meeting), saved).status_code == 302
    client.force_login(superuser)
    response = client.post(url, opened)
    assert response.status_code == 200
    assert "efter att du öppnade" in response.content.decode()
    meeting.refresh_from_db()
    assert (meeting.minutes, meeting.version) == ("Sparat.", 2)


def test_a_providers_organisation_and_e_mail_domains_are_fields_of_its_own(client, superuser):
    kumla = OrganisationFactory(name="Kumlaby kommun", slug="kumlaby-kommun")
    app = SocialApp.objects.create(
        provider="openid_connect",
        provider_id="kumlaby",
        name="Kumlaby kommun",
        client_id="portal",
        settings={"server_url": "https://login.example.org/tenant/v2.0"},
    )
    url = change_url(app)

    data = admin_form_data(
        client, url, organisation=kumla.slug, email_domains=" Kumlaby.se, @kumlaby.kommun.se "
    )
    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[-2000:]
    app.refresh_from_db()
    assert app.settings == {
        "server_url": "https://login.example.org/tenant/v2.0",
        "organisation": "kumlaby-kommun",
        "email_domains": ["kumlaby.se", "kumlaby.kommun.se"],
    }
    page = client.get(url).content.decode()
    assert 'value="kumlaby.se, kumlaby.kommun.se"' in page


def test_a_providers_e_mail_domain_that_is_none_is_refused(client, superuser):
    app = SocialApp.objects.create(
        provider="openid_connect", provider_id="kumlaby", name="Kumlaby", client_id="portal"
    )
    url = change_url(app)

    response = client.post(url, admin_form_data(client, url, email_domains="kumlaby, x@y"))

    assert response.status_code == 200
    assert "Inte en e-postdomän: kumlaby, x@y." in response.content.decode()
