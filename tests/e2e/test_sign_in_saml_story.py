"""Issue 14's SAML story: a person of an organisation whose provider is SAML (the pysaml2
IdP of tests/saml_idp.py, answering the browser from a small WSGI server on the loopback)
chooses the organisation, signs in at the IdP's page and lands on their home page as a new
user of that organisation, with no role."""

import html
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
import requests
from allauth.socialaccount.models import SocialApp

from portal.models import Membership, Organisation, User
from tests.e2e.conftest import ARTIFACTS
from tests.saml_idp import ENTITY_ID, IdentityProvider, KeyPair

pytestmark = pytest.mark.e2e

SHOTS = Path(tempfile.gettempdir())
PERSON = {
    "urn:oid:2.5.4.42": "Saga",
    "urn:oid:2.5.4.4": "Lind",
    "urn:oid:0.9.2342.19200300.100.1.3": "saga.lind@example.se",
}


class _Quiet(WSGIRequestHandler):
    def log_message(self, format, *args):  # the test's output stays readable
        pass


@contextmanager
def serving(idp_for: dict) -> Iterator[str]:
    """The IdP's SSO endpoint: its page for the AuthnRequest, with a button that posts the
    signed answer to the portal's ACS (the IdP's own page: its CSP is not the portal's)."""

    def app(environ, start_response):
        if environ["PATH_INFO"] != "/saml/sso":  # the browser asks for a favicon too
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"Not found"]
        idp: IdentityProvider = idp_for["idp"]
        location = f"{idp.sso_url}?{environ.get('QUERY_STRING', '')}"
        acs, fields = idp.answer(location, "saga-lind", PERSON)
        inputs = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in fields.items()
        )
        body = (
            '<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8">'
            "<title>Test-IdP</title></head><body><main><h1>Test-IdP</h1>"
            "<p>Du loggas in som Saga Lind.</p>"
            f'<form method="post" action="{html.escape(acs)}">{inputs}'
            "<button type=submit>Fortsätt</button></form></main></body></html>"
        )
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [body.encode()]

    server = make_server("127.0.0.1", 0, app, handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/saml/sso"
    finally:
        server.shutdown()
        server.server_close()


def _shot(visitor, name: str) -> None:
    path = ARTIFACTS / f"sign_in_saml-{visitor.language}-{name}.png"
    visitor.page.screenshot(path=str(path), full_page=True)
    shutil.copy(path, SHOTS / f"saml-{visitor.language}-{name}.png")


def test_a_person_signs_in_through_their_organisations_saml_provider(visitor, settings, tmp_path):
    page = visitor.page
    organisation = (
        Organisation.objects.filter(name__endswith="kommun").exclude(name="Kumla kommun").first()
    )
    assert organisation is not None
    portal_keys = KeyPair.make("portal.example.org")
    settings.SAML_SP_PRIVATE_KEY = portal_keys.key_pem
    settings.SAML_SP_CERTIFICATE = portal_keys.cert_pem
    idp_for: dict = {}

    with serving(idp_for) as sso_url:
        idp = IdentityProvider(KeyPair.make("idp.example.se"), tmp_path, sso_url=sso_url)
        SocialApp.objects.create(
            provider="saml",
            provider_id="story-saml",
            name=f"{organisation.name} (SAML)",
            client_id="story",
            settings={
                "organisation": organisation.slug,
                "email_domains": ["example.se"],
                "idp": {"entity_id": ENTITY_ID, "sso_url": sso_url, "x509cert": idp.keys.cert_pem},
                "advanced": {"allow_single_label_domains": True},  # localhost has no dot
            },
        )
        metadata = requests.get(f"{visitor.base_url}/accounts/saml/story/metadata/", timeout=10)
        idp.trust(metadata.text)
        idp_for["idp"] = idp

        visitor.goto("/accounts/login/")
        page.fill("#id_organisation", organisation.name)
        _shot(visitor, "1-chooser")
        with page.expect_navigation():
            page.click("form[action$='/accounts/login/organisation/'] button[type=submit]")
        assert page.url.startswith(sso_url), page.url
        _shot(visitor, "2-provider")
        with page.expect_navigation():
            page.click("button:text-is('Fortsätt')")
        page.wait_for_url(f"{visitor.base_url}/hem/")
        visitor.check()
        _shot(visitor, "3-home")

    user = User.objects.get(email="saga.lind@example.se")
    assert (user.first_name, user.last_name, user.organisation) == ("Saga", "Lind", organisation)
    assert not Membership.objects.filter(user=user).exists()
    assert page.locator("main h1").inner_text().endswith("Saga Lind")
