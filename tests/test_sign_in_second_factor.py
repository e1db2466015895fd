"""The second factor (portal.middleware.SecondFactorMiddleware, django-allauth's mfa):
staff and coordinators signing in with a local password set up TOTP before anything else,
and are then asked for a code (or a recovery code) when they sign in."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.urls import reverse

from tests.factories import UserFactory

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
