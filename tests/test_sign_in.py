"""Signing in through an organisation's identity provider (portal.sign_in, portal.views.
sign_in), against a real OpenID Connect provider running in the test process: the portal's
redirect is followed to the provider, its form is posted, and its redirect is followed back
to the portal's callback, which fetches the tokens from the provider."""

import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.urls import reverse

from portal.models import User
from portal.sign_in import org_numbers_in
from tests.factories import OrganisationFactory, UserFactory
from tests.oidc_provider import Provider, running_provider


@pytest.fixture(scope="module")
def provider():
    with running_provider() as provider:
        yield provider


@pytest.fixture
def kumla(db):
    return OrganisationFactory(name="Kumlaby kommun", slug="kumlaby-kommun")


@pytest.fixture
def app(provider, kumla):
    provider.misbehave = ""
    yield SocialApp.objects.create(
        provider="openid_connect",
        provider_id="kumlaby",
        name="Kumlaby kommun (Entra ID)",
        client_id="portal",
        secret="portal-secret",
        settings={
            "server_url": provider.url,
            "organisation": kumla.slug,
            "email_domains": ["kumlaby.se"],
        },
    )
    provider.misbehave = ""


def sign_in(client, provider: Provider, sub: str, *, start: str = "", **choice):
    """Choose the organisation, sign in at the provider, come back; the portal's answer."""
    if start:  # straight to the provider's sign-in, as a bookmark or a link would
        response = client.post(start)
    else:
        response = client.post(
            reverse("sign_in_organisation"), choice or {"organisation": "Kumlaby kommun"}
        )
    assert response.status_code == 302, response.content[:300]
    callback = provider.sign_in(response["Location"], sub)
    assert callback.startswith("http://testserver/accounts/oidc/"), callback
    return client.get(callback.removeprefix("http://testserver"))


def test_first_sign_in_creates_the_user_in_the_providers_organisation(client, provider, app, kumla):
    provider.user(
        "anna",
        email="anna.berg@kumlaby.se",
        given_name="Anna",
        family_name="Berg",
        name="Anna Berg",
    )

    response = sign_in(client, provider, "anna")

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    user = User.objects.get(socialaccount__provider="kumlaby", socialaccount__uid="anna")
    assert (user.organisation, user.email, user.get_full_name()) == (
        kumla,
        "anna.berg@kumlaby.se",
        "Anna Berg",
    )
    assert not user.is_staff and not user.is_contact and not user.memberships.exists()
    assert client.get(reverse("home")).status_code == 200


def test_the_e_mail_domain_picks_the_provider(client, provider, app):
    provider.user("bo", email="bo@kumlaby.se", name="Bo Ek")

    response = sign_in(client, provider, "bo", email="Bo@Kumlaby.se")

    assert response["Location"] == reverse("home")


def test_an_unknown_organisation_or_domain_is_said_so(client, app):
    response = client.post(reverse("sign_in_organisation"), {"email": "x@elsewhere.se"})

    assert response.status_code == 400
    assert "Vi hittade ingen inloggning" in response.content.decode()


def test_the_chooser_lists_the_organisations_with_a_provider(client, provider, app):
    response = client.get(reverse("login"))

    assert '<option value="Kumlaby kommun">' in response.content.decode()
    # Its form is sent on to the provider: the page's policy allows that origin.
    assert provider.url in response["Content-Security-Policy"]


def test_an_existing_local_account_is_linked_when_its_domain_is_the_organisations(
    client, provider, app, kumla
):
    local = UserFactory(username="cecilia", email="cecilia@kumlaby.se", organisation=kumla)
    provider.user("cecilia-sub", email="cecilia@kumlaby.se", name="Cecilia")

    response = sign_in(client, provider, "cecilia-sub")

    assert response["Location"] == reverse("home")
    assert SocialAccount.objects.get(uid="cecilia-sub").user == local


def test_an_existing_account_of_another_domain_is_not_linked(client, provider, app):
    UserFactory(username="dan", email="dan@elsewhere.se")
    provider.user("dan-sub", email="dan@elsewhere.se", name="Dan")

    response = sign_in(client, provider, "dan-sub")

    assert response.status_code == 403
    assert "finns redan" in response.content.decode()
    assert not SocialAccount.objects.filter(uid="dan-sub").exists()


def test_a_provider_tied_to_no_organisation_is_refused(client, provider, app):
    app.settings = {"server_url": provider.url, "organisation": "no-such-organisation"}
    app.save()
    provider.user("eva", email="eva@kumlaby.se", name="Eva")
    assert 'value="Kumlaby kommun"' not in client.get(reverse("login")).content.decode()

    start = reverse("openid_connect_login", kwargs={"provider_id": "kumlaby"})
    response = sign_in(client, provider, "eva", start=start)

    assert response.status_code == 403
    page = response.content.decode()
    assert "inte kopplad till någon organisation" in page
    assert "digitalisering@example.org" in page
    assert not User.objects.filter(email="eva@kumlaby.se").exists()


def test_an_id_token_for_another_application_is_refused(client, provider, app):
    provider.user("frida", email="frida@kumlaby.se", name="Frida")
    provider.misbehave = "audience"

    response = sign_in(client, provider, "frida")

    assert response.status_code == 401
    assert not User.objects.filter(email="frida@kumlaby.se").exists()
    assert client.get(reverse("home")).status_code == 302


def test_an_id_token_from_another_issuer_is_refused(client, provider, app):
    # The portal expects the issuer it was configured with; the provider signs as itself.
    app.settings = {
        **app.settings,
        "openid_configuration_overrides": {"issuer": "https://login.example.org/other-tenant"},
    }
    app.save()
    provider.user("gustav", email="gustav@kumlaby.se", name="Gustav")

    response = sign_in(client, provider, "gustav")

    assert response.status_code == 401
    assert not User.objects.filter(email="gustav@kumlaby.se").exists()


def test_password_sign_in_can_be_turned_off(client, settings, app, kumla):
    settings.PASSWORD_LOGIN = False
    UserFactory(username="hanna", organisation=kumla)

    page = client.get(reverse("login")).content.decode()
    response = client.post(reverse("login"), {"login": "hanna", "password": "secret-password"})

    assert 'name="password"' not in page
    assert response.status_code == 403
    assert client.get(reverse("home")).status_code == 302


def test_signing_out_ends_the_providers_session_too(client, provider, app):
    provider.user("ida", email="ida@kumlaby.se", name="Ida")
    sign_in(client, provider, "ida")

    response = client.post(reverse("logout"))

    assert response.status_code == 200
    end_session = response.context["end_session"]
    assert end_session.startswith(f"{provider.url}/oauth2/end_session?")
    assert "post_logout_redirect_uri=http%3A%2F%2Ftestserver%2F" in end_session
    assert "client_id=portal" in end_session
    assert "id_token_hint=ey" in end_session  # the ID token the provider issued (a JWT)
    assert client.get(reverse("home")).status_code == 302


def test_a_later_sign_in_refreshes_name_and_e_mail(client, provider, app):
    provider.user("karin", email="karin@kumlaby.se", given_name="Karin", family_name="Ek")
    sign_in(client, provider, "karin")
    client.post(reverse("logout"))
    provider.user("karin", email="karin.lund@kumlaby.se", given_name="Karin", family_name="Lund")

    response = sign_in(client, provider, "karin")

    assert response["Location"] == reverse("home")
    user = User.objects.get(socialaccount__uid="karin")
    assert (user.get_full_name(), user.email) == ("Karin Lund", "karin.lund@kumlaby.se")


def test_signing_out_of_a_local_account_goes_to_the_start_page(client, kumla):
    UserFactory(username="jonas", organisation=kumla)
    client.post(reverse("login"), {"login": "jonas", "password": "secret-password"})

    response = client.post(reverse("logout"))

    assert response["Location"] == reverse("start")


@pytest.mark.parametrize(
    ("value", "numbers"),
    [
        ("A1B2C3@5566123450", {"556612-3450"}),  # orgAffiliation: <id>@<organisation number>
        ("5566123450@se", {"556612-3450"}),
        ("SE556612-3450", {"556612-3450"}),  # organizationIdentifier
        ("165566123450", {"556612-3450"}),
        ("196408233234@5566123451", set()),  # a personal number, and a wrong check digit
        ("6408233234@x", set()),  # a personal number is no organisation's
    ],
)
def test_the_organisation_number_is_read_from_an_affiliation(value, numbers):
    assert org_numbers_in(value) == numbers


def test_a_sign_in_records_last_login_without_a_history_row(db, client):
    user = UserFactory(username="signar-in")
    rows = user.history.count()
    client.force_login(user)  # django.contrib.auth.login, which signals user_logged_in
    user.refresh_from_db()
    assert user.last_login is not None
    assert user.history.count() == rows, "a sign-in is no change anyone reads"
