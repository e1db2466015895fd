"""Security settings and behaviour: CSP, brute-force protection, error pages."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse

from portal.access import client_ip
from tests.factories import UserFactory
from tests.test_portal_env import run_with_settings


def _directives(policy: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())


def test_content_security_policy_allows_no_inline_scripts(client, db):
    policy = client.get("/")["Content-Security-Policy"]
    directives = _directives(policy)
    # A page that uses request.csp_nonce gets 'nonce-…' added; none does inline script yet.
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"


def test_a_nonce_is_fresh_for_each_response(rf):
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse

    def view(request):
        return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")

    middleware = CSPMiddleware(view)
    policies = []
    for _ in range(2):
        request = rf.get("/")
        middleware.process_request(request)
        response = middleware.process_response(request, view(request))
        policies.append(_directives(response["Content-Security-Policy"])["script-src"])
    assert all("'nonce-" in policy for policy in policies)
    assert policies[0] != policies[1]


def test_framing_and_referrer_headers(client, db):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_production_settings_are_secure():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS > 0, s.SESSION_EXPIRE_AT_BROWSER_CLOSE)"
    )
    result = run_with_settings(code, {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "k" * 50})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "True", "True", "True"]


def test_passwords_need_twelve_characters_and_not_a_common_one(db):
    with pytest.raises(ValidationError) as short:
        validate_password("kort")
    assert "password_too_short" in {error.code for error in short.value.error_list}
    with pytest.raises(ValidationError) as common:
        validate_password("password1234")  # twelve characters
    assert {error.code for error in common.value.error_list} == {"password_too_common"}
    validate_password("en-lång-lösenfras-för-länet")


# --- Client address behind proxies -----------------------------------------------------


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "10.0.0.1"),  # no proxy trusted: the header is ignored
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # the client wrote 6.6.6.6
        (2, "6.6.6.6, 203.0.113.7, 10.1.1.1", "203.0.113.7"),
        (2, "203.0.113.7", "10.0.0.1"),  # fewer entries than proxies: not trusted
        (1, "", "10.0.0.1"),
    ],
)
def test_client_ip(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


# --- Brute-force protection ------------------------------------------------------------


def _attempt(client, username, password, real_ip, spoofed=""):
    # Our proxy appends the address it saw to whatever the client sent.
    header = f"{spoofed}, {real_ip}" if spoofed else real_ip
    return client.post(
        reverse("login"),
        {"login": username, "password": password},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR=header,
    )


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.AXES_FAILURE_LIMIT = 3


#: The password tests.factories.UserFactory gives everyone.
PASSWORD = "secret-password"


@pytest.fixture
def person(db):
    return UserFactory()


def test_sign_in_locks_after_repeated_failures(client, person, behind_proxy):
    for _ in range(3):
        _attempt(client, person.username, "fel", "203.0.113.7")
    response = _attempt(client, person.username, PASSWORD, "203.0.113.7")
    assert response.status_code == 429
    assert "För många försök" in response.content.decode()


def test_a_spoofed_forwarded_for_does_not_reset_the_counter(client, person, behind_proxy):
    for n in range(3):
        _attempt(client, person.username, "fel", "203.0.113.7", spoofed=f"198.51.100.{n}")
    response = _attempt(client, person.username, PASSWORD, "203.0.113.7", spoofed="1.2.3.4")
    assert response.status_code == 429


def test_an_attacker_cannot_lock_the_user_out_elsewhere(client, person, behind_proxy):
    for _ in range(3):
        _attempt(client, person.username, "fel", "203.0.113.7")
    response = _attempt(client, person.username, PASSWORD, "192.0.2.50")
    assert response.status_code == 302  # signed in from the user's own address


# --- Error pages -----------------------------------------------------------------------


def test_a_server_error_shows_no_stack_trace(client, db, monkeypatch):
    from strategy import panels

    def broken():
        raise RuntimeError("secret internals")

    monkeypatch.setattr(panels, "public_strategies", broken)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "secret internals" not in body and "Traceback" not in body
    assert "Något gick fel" in body


def test_not_found_page_is_the_portals_own(client, db):
    response = client.get("/finns-inte/")
    assert response.status_code == 404
    assert "Sidan finns inte" in response.content.decode()
