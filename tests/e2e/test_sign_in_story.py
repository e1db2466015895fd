"""Issue 14's story: a municipal contact chooses "Kumla kommun", signs in at Kumla's
identity provider (an OpenID Connect provider in the test process) and lands on their home
page with their open offers; signing out ends the provider's session too."""

import re
import shutil
import tempfile
from pathlib import Path

import pytest
from allauth.socialaccount.models import SocialApp

from actionplans.models import Offer
from portal.dates import today
from portal.models import Organisation, User
from tests.e2e.conftest import ARTIFACTS
from tests.oidc_provider import running_provider

pytestmark = pytest.mark.e2e

#: Copies of the three screenshots that show the story, for the issue.
SHOTS = Path(tempfile.gettempdir())


def _shot(visitor, name: str) -> None:
    path = ARTIFACTS / f"sign_in-{visitor.language}-{name}.png"
    visitor.page.screenshot(path=str(path), full_page=True)
    shutil.copy(path, SHOTS / f"sso-{visitor.language}-{name}.png")


def test_a_municipal_contact_signs_in_through_kumlas_provider(visitor):
    page = visitor.page
    kumla = Organisation.objects.get(name="Kumla kommun")
    contact = User.objects.get(username="kontakt-kumla")
    User.objects.filter(pk=contact.pk).update(email="kontakt@kumla.se")
    offer = Offer.objects.filter(recipients__organisation=kumla, deadline__gte=today()).first()
    assert offer is not None
    # The provider's own pages ask a CDN for their style sheet: no network in the tests.
    page.route(re.compile(r"^https?://(?!localhost)"), lambda route: route.abort())

    with running_provider() as provider:
        SocialApp.objects.create(
            provider="openid_connect",
            provider_id="kumla",
            name="Kumla kommun",
            client_id="digitaliseringsportalen",
            secret="test-secret",
            settings={
                "server_url": provider.url,
                "organisation": kumla.slug,
                "email_domains": ["kumla.se"],
            },
        )
        provider.user("kontakt-kumla", email="kontakt@kumla.se", name="Demo Kontakt Kumla")

        visitor.goto("/accounts/login/")
        page.fill("#id_organisation", "Kumla kommun")
        _shot(visitor, "1-chooser")
        with page.expect_navigation():
            page.click("form[action$='/accounts/login/organisation/'] button[type=submit]")
        assert page.url.startswith(f"{provider.url}/oauth2/authorize"), page.url
        page.fill("input[name=sub]", "kontakt-kumla")
        _shot(visitor, "2-provider")
        page.click("button:text-is('Authorize')")
        page.wait_for_url(re.compile(r".*/hem/$"))
        visitor.check()
        main = page.locator("main")
        assert main.get_by_text(offer.title).first.is_visible()
        _shot(visitor, "3-home")

        # Sign out: the portal's session ends, then the provider's (its confirm page).
        page.click("header form[action$='/accounts/logout/'] button")
        page.wait_for_url(re.compile(rf"^{re.escape(provider.url)}/oauth2/end_session.*"))
        with page.expect_navigation():
            page.click("button:text-is('End session')")
        assert page.url == visitor.base_url + "/"
        visitor.check()
        assert (
            page.locator("header")
            .get_by_role("link", name=re.compile("Logga in|Sign in"))
            .is_visible()
        )
