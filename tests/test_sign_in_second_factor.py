"""The second factor (portal.middleware.SecondFactorMiddleware, django-allauth's mfa):
staff and coordinators signing in with a local password set up TOTP before anything else,
and are then asked for a code (or a recovery code) when they sign in."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.urls import reverse

from tests.factories import UserFactory
from tests.webauthn_key import SoftKey

PASSWORD = "secret-password"


@pytest.fixture(autouse=True)
def _second_factor_required(settings):
    settings.MFA_REQUIRED = True


def sign_in(client, user):
    return client.post(reverse("login"), {"login": user.username, "password": PASSWORD})


def current_code(secret: str) -> str:
    import time

    from allauth.mfa import app_settings

    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))


def test_staff_set_up_a_second_factor_before_anything_else(client, db):
    admin = UserFactory(is_staff=True)
    sign_in(client, admin)

    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")

    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    codes = client.get(reverse("mfa_view_recovery_codes")).context["unused_codes"]
    assert len(codes) == 10
    assert client.get(reverse("home")).status_code == 200
    assert Authenticator.objects.filter(user=admin, type=Authenticator.Type.TOTP).exists()

    # The next sign-in asks for the second factor; a recovery code does too.
    client.post(reverse("logout"))
    response = sign_in(client, admin)
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("home")).status_code == 302
    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_code_does_not_turn_the_second_factor_on(client, db):
    admin = UserFactory(is_staff=True)
    sign_in(client, admin)
    client.get(reverse("mfa_activate_totp"))

    response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})

    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert not Authenticator.objects.filter(user=admin).exists()


def test_a_coordinator_must_set_one_up_too(client, programme):
    sign_in(client, programme.coordinator)

    assert client.get(reverse("home"))["Location"] == reverse("mfa_activate_totp")


def test_others_are_not_asked(client, programme):
    sign_in(client, programme.contact)

    assert client.get(reverse("home")).status_code == 200


def test_signing_out_is_open_before_the_second_factor(client, db):
    sign_in(client, UserFactory(is_staff=True))

    response = client.post(reverse("logout"))

    assert response["Location"] == reverse("start")


@pytest.fixture
def _webauthn_over_http(settings):
    # The test client's origin is http://testserver.
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True


def add_key(client, key: SoftKey):
    page = client.get(reverse("mfa_add_webauthn"))
    assert page.status_code == 200
    credential = key.register(page.context["js_data"]["creation_options"])
    return client.post(
        reverse("mfa_add_webauthn"), {"name": "Min nyckel", "credential": credential}
    )


@pytest.mark.usefixtures("_webauthn_over_http")
def test_a_security_key_is_a_second_factor(client, db):
    admin = UserFactory(is_staff=True)
    key = SoftKey()
    sign_in(client, admin)
    assert client.get(reverse("home"))["Location"] == reverse("mfa_activate_totp")

    response = add_key(client, key)

    # allauth's flow registers the key and makes the recovery codes with it.
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    assert Authenticator.objects.get(user=admin, type=Authenticator.Type.WEBAUTHN)
    assert client.get(reverse("home")).status_code == 200

    # The next sign-in asks for the key, and the key's answer lets the person in.
    client.post(reverse("logout"))
    response = sign_in(client, admin)
    assert response["Location"] == reverse("mfa_authenticate")
    page = client.get(reverse("mfa_authenticate"))
    assert b'id="mfa_webauthn_authenticate"' in page.content
    assertion = key.sign(page.context["js_data"]["request_options"])
    response = client.post(reverse("mfa_authenticate"), {"credential": assertion})
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.usefixtures("_webauthn_over_http")
def test_an_answer_from_another_key_is_refused(client, db):
    admin = UserFactory(is_staff=True)
    sign_in(client, admin)
    add_key(client, SoftKey())
    client.post(reverse("logout"))
    sign_in(client, admin)
    page = client.get(reverse("mfa_authenticate"))

    assertion = SoftKey().sign(page.context["js_data"]["request_options"])
    response = client.post(reverse("mfa_authenticate"), {"credential": assertion})

    assert response.status_code == 200
    assert client.get(reverse("home"))["Location"] == reverse("login") + "?next=/hem/"


@pytest.mark.usefixtures("_webauthn_over_http")
def test_the_pages_of_security_keys(client, db):
    admin = UserFactory(is_staff=True)
    sign_in(client, admin)

    page = client.get(reverse("mfa_add_webauthn"))
    assert page.status_code == 200
    html = page.content.decode()
    # allauth's scripts come from our static files; the data they read is JSON.
    assert '<script src="/static/mfa/js/webauthn.js"></script>' in html
    assert '<script id="js_data" type="application/json">' in html
    assert "<script>" not in html

    add_key(client, SoftKey())
    authenticator = Authenticator.objects.get(user=admin, type=Authenticator.Type.WEBAUTHN)
    index = client.get(reverse("mfa_index")).content.decode()
    assert reverse("mfa_list_webauthn") in index
    listing = client.get(reverse("mfa_list_webauthn")).content.decode()
    assert "Min nyckel" in listing

    response = client.post(
        reverse("mfa_edit_webauthn", kwargs={"pk": authenticator.pk}), {"name": "Jobbnyckeln"}
    )
    assert response["Location"] == reverse("mfa_list_webauthn")
    assert "Jobbnyckeln" in client.get(reverse("mfa_list_webauthn")).content.decode()

    response = client.post(reverse("mfa_remove_webauthn", kwargs={"pk": authenticator.pk}))
    assert response["Location"] == reverse("mfa_list_webauthn")
    assert not Authenticator.objects.filter(type=Authenticator.Type.WEBAUTHN).exists()
    # Without a key or an app the account needs a second factor again.
    client.post(reverse("logout"))
    sign_in(client, admin)
    assert client.get(reverse("home")).status_code == 302


def test_another_persons_key_is_not_found(client, db):
    owner = UserFactory()
    authenticator = Authenticator.objects.create(
        user=owner, type=Authenticator.Type.WEBAUTHN, data={"name": "Ägarens", "credential": {}}
    )
    sign_in(client, UserFactory())

    response = client.get(reverse("mfa_edit_webauthn", kwargs={"pk": authenticator.pk}))

    assert response.status_code == 404
