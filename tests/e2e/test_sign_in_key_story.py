"""Issue 14's security key: a coordinator, who must have a second factor, adds a security key
instead of an authenticator app and signs in with it next time. The key is Chromium's
virtual authenticator (DevTools' WebAuthn domain), so the ceremony runs offline."""

import re

import pytest

from tests.e2e.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.e2e


def _password(visitor) -> None:
    visitor.page.fill("#id_login", "samordnare")
    visitor.page.fill("#id_password", DEMO_PASSWORD)
    with visitor.page.expect_navigation():
        visitor.page.click("main button[type=submit]")


def test_a_coordinator_signs_in_with_a_security_key(visitor, settings):
    settings.MFA_REQUIRED = True
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True  # the live server is http://localhost
    page = visitor.page
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )

    visitor.goto("/accounts/login/")
    _password(visitor)
    assert page.url.endswith("/accounts/2fa/totp/activate/"), page.url
    visitor.check()
    with page.expect_navigation():
        page.click("main a[href$='/accounts/2fa/webauthn/add/']")
    visitor.check()
    with page.expect_navigation():
        page.click("#mfa_webauthn_add")
    assert page.url.endswith("/accounts/2fa/recovery-codes/"), page.url
    visitor.check()
    visitor.goto("/hem/")

    visitor.sign_out()
    visitor.goto("/accounts/login/")
    _password(visitor)
    assert page.url.endswith("/accounts/2fa/authenticate/"), page.url
    visitor.check()
    page.click("#mfa_webauthn_authenticate")
    page.wait_for_url(re.compile(r".*/hem/$"))
    visitor.check()
