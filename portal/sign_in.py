"""Sign-in through django-allauth: who may come in through which identity provider.

Each organisation of the county signs in through its own identity provider, a SocialApp
(in the admin, or from SSO_PROVIDERS_FILE) whose ``settings`` name the organisation
(``"organisation": "<slug>"``) and the e-mail domains that are the organisation's
(``"email_domains": ["kumla.se"]``), for OpenID Connect and SAML alike.

- A person's first sign-in creates their account in the provider's organisation, with the
  name and e-mail the provider sends, and no role: roles come from memberships in bodies.
  A SAML provider tied to no organisation (a federation such as Sambi or Sweden Connect,
  which serves many) places the person by the organisation number their orgAffiliation or
  organizationIdentifier attribute carries. Later sign-ins refresh the name and e-mail.
- Every SAML provider signs its assertions and the portal signs its AuthnRequests,
  whatever the provider's settings say (``saml_settings``).
- A provider tied to no organisation is refused, with whom to ask.
- An existing local account with the same e-mail is linked only when the e-mail's domain
  is one of the organisation's.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

import requests
from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.socialaccount.providers.saml.utils import build_auth
from django.conf import settings
from django.core.exceptions import (
    ImproperlyConfigured,
    MultipleObjectsReturned,
    ObjectDoesNotExist,
)
from django.http import HttpRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from onelogin.saml2.errors import OneLogin_Saml2_Error

from portal.models import Organisation, User, luhn_valid

if TYPE_CHECKING:
    from allauth.socialaccount.models import SocialApp, SocialLogin

logger = logging.getLogger(__name__)

#: The protocols whose providers the sign-in page offers.
PROVIDERS = ("openid_connect", "saml")

_CLAIMS = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/"
#: The SAML attributes read, by their standard names: Sweden Connect's (and Sambi's) OIDs,
#: then Entra ID's claims. A provider's own ``attribute_mapping`` setting replaces this.
SAML_ATTRIBUTES = {
    "uid": [
        "urn:oasis:names:tc:SAML:attribute:subject-id",
        "http://schemas.microsoft.com/identity/claims/objectidentifier",
    ],
    "email": ["urn:oid:0.9.2342.19200300.100.1.3", f"{_CLAIMS}emailaddress"],
    "first_name": ["urn:oid:2.5.4.42", f"{_CLAIMS}givenname"],
    "last_name": ["urn:oid:2.5.4.4", f"{_CLAIMS}surname"],
}
#: Where a federation's assertion names the person's organisation: orgAffiliation
#: (``<id>@<organisation number>``) and organizationIdentifier.
SAML_ORGANISATION_ATTRIBUTES = ("urn:oid:1.2.752.201.3.1", "urn:oid:2.5.4.97")
#: What no SAML provider's settings can turn off.
SAML_REQUIRED = {
    "strict": True,
    "authn_request_signed": True,
    "want_assertion_signed": True,
    "reject_idp_initiated_sso": True,
    "reject_deprecated_algorithm": True,
    "logout_request_signed": True,
    "logout_response_signed": True,
}


@dataclass(frozen=True)
class ProviderChoice:
    """One organisation on the sign-in page, and the provider its people sign in with."""

    organisation: Organisation
    app: SocialApp

    @property
    def email_domains(self) -> list[str]:
        return email_domains(self.app)


def email_domains(app: SocialApp) -> list[str]:
    domains = (app.settings or {}).get("email_domains") or []
    return [str(domain).strip().lower() for domain in domains if str(domain).strip()]


def organisation_of(app: SocialApp) -> Organisation | None:
    slug = str((app.settings or {}).get("organisation") or "")
    return Organisation.objects.filter(slug=slug).first() if slug else None


def saml_settings(app_settings: dict[str, Any]) -> dict[str, Any]:
    """A SAML provider's settings as the portal runs them: signed AuthnRequests with the
    portal's key pair, signed assertions required, only answers to the portal's own requests
    (an answer the provider starts by itself is refused), the standard attributes."""
    advanced = {**(app_settings.get("advanced") or {}), **SAML_REQUIRED}
    advanced.setdefault("private_key", settings.SAML_SP_PRIVATE_KEY)
    advanced.setdefault("x509cert", settings.SAML_SP_CERTIFICATE)
    return {"attribute_mapping": SAML_ATTRIBUTES, **app_settings, "advanced": advanced}


def org_numbers_in(value: str) -> set[str]:
    """The organisation numbers (NNNNNN-NNNN) an attribute's value carries: orgAffiliation's
    ``<id>@<number>``, organizationIdentifier's ``SE5565594230`` or ``165565594230``. A
    personal identity number is never taken for one: an organisation number's third digit is
    2 or more, a month's is 0 or 1."""
    numbers = set()
    for part in re.split(r"[@\s]", value):
        digits = re.sub(r"\D", "", part)
        if len(digits) == 12 and digits.startswith("16"):
            digits = digits[2:]
        if len(digits) == 10 and digits[2] >= "2" and luhn_valid(digits):
            numbers.add(f"{digits[:6]}-{digits[6:]}")
    return numbers


def organisation_for(sociallogin: SocialLogin) -> Organisation | None:
    """The organisation a sign-in belongs to: its provider's, or, for a SAML provider tied
    to none (a federation), the one whose organisation number the assertion names."""
    app = sociallogin.provider.app
    if (app.settings or {}).get("organisation") or app.provider != "saml":
        return organisation_of(app)  # a provider named for a missing organisation is refused
    attributes = sociallogin.account.extra_data or {}
    numbers = {
        number
        for name in SAML_ORGANISATION_ATTRIBUTES
        for value in attributes.get(name) or []
        for number in org_numbers_in(str(value))
    }
    return Organisation.objects.filter(org_number__in=numbers).first() if numbers else None


def provider_choices(request: HttpRequest) -> list[ProviderChoice]:
    """The organisations that have a provider, by name (one query for the organisations)."""
    adapter = get_social_adapter(request)
    apps = [app for provider in PROVIDERS for app in adapter.list_apps(request, provider=provider)]
    slugs = {str((app.settings or {}).get("organisation") or ""): app for app in apps}
    organisations = Organisation.objects.filter(slug__in=[slug for slug in slugs if slug])
    return sorted(
        (ProviderChoice(organisation, slugs[organisation.slug]) for organisation in organisations),
        key=lambda choice: choice.organisation.name,
    )


def provider_origins(request: HttpRequest) -> set[str]:
    """The origins of the providers' servers, where the sign-in page sends the browser."""
    origins = set()
    for choice in provider_choices(request):
        app_settings = choice.app.settings or {}
        idp = app_settings.get("idp") or {}
        # A SAML IdP known by its metadata alone signs in where its metadata is served
        # (Entra ID: login.microsoftonline.com).
        address = app_settings.get("server_url") or idp.get("sso_url") or idp.get("metadata_url")
        parts = urlsplit(str(address or ""))
        if parts.scheme in ("https", "http") and parts.netloc:
            origins.add(f"{parts.scheme}://{parts.netloc}")
    return origins


def choice_for(
    request: HttpRequest, *, organisation: str = "", email: str = ""
) -> ProviderChoice | None:
    """The provider of the organisation named (by name or slug), or of the e-mail's domain."""
    choices = provider_choices(request)
    if organisation:
        wanted = organisation.strip().casefold()
        for choice in choices:
            if wanted in (choice.organisation.name.casefold(), choice.organisation.slug):
                return choice
        return None
    domain = email.rpartition("@")[2].strip().lower()
    for choice in choices:
        if domain and domain in choice.email_domains:
            return choice
    return None


def signed_in_through(request: HttpRequest) -> str | None:
    """The provider id the session's user signed in through, or None for a local password."""
    for record in reversed(get_authentication_records(request, request.user)):  # type: ignore[arg-type]
        if record.get("method") == "socialaccount":
            return str(record.get("provider") or "") or None
        if record.get("method") == "password":
            return None
    return None


#: The session's raw ID token from the provider, sent back as id_token_hint at sign-out.
ID_TOKEN_SESSION_KEY = "sign_in_id_token"  # noqa: S105  # a session key, not a secret


class OpenIDConnectAdapter(OpenIDConnectOAuth2Adapter):
    """django-allauth's, also keeping the ID token for the provider's end of the session:
    without id_token_hint a provider such as Entra ID asks the person which account to sign
    out of, or does not redirect back to the portal."""

    def complete_login(
        self, request: HttpRequest, app: SocialApp, token: Any, **kwargs: Any
    ) -> SocialLogin:
        login: SocialLogin = super().complete_login(request, app, token, **kwargs)
        id_token = (kwargs.get("response") or {}).get("id_token")
        if id_token:
            request.session[ID_TOKEN_SESSION_KEY] = str(id_token)
        return login


def end_session_url(request: HttpRequest, provider_id: str) -> str | None:
    """Where to send the browser so that the provider ends its session too (OpenID Connect
    RP-initiated logout, SAML single logout), or None if the provider does not say it can."""
    try:
        app = get_social_adapter(request).get_app(request, provider=provider_id)
        if app.provider == "saml":
            return _saml_logout_url(request, app)
        if app.provider != "openid_connect":
            return None
        adapter = OpenIDConnectOAuth2Adapter(request, provider_id)
        endpoint = adapter.openid_config.get("end_session_endpoint")
        client_id = adapter.get_provider().app.client_id
    except (
        requests.RequestException,
        ValueError,
        LookupError,
        ObjectDoesNotExist,
        MultipleObjectsReturned,
        ImproperlyConfigured,
        OneLogin_Saml2_Error,
    ):
        return None
    if not endpoint:
        return None
    query = {
        "client_id": client_id,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("start")),
    }
    id_token = request.session.get(ID_TOKEN_SESSION_KEY)
    if id_token:
        query["id_token_hint"] = id_token
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(query)}"


#: The NameID and SessionIndex of the session's SAML sign-in: a LogoutRequest names them.
SAML_SESSION_KEY = "sign_in_saml_session"


def keep_saml_session(request: HttpRequest, acs_request: HttpRequest, app: SocialApp) -> None:
    """Keep what single logout needs of the answer that has just signed the person in.

    allauth keeps none of it; python3-saml holds no state between requests, so the answer,
    which allauth accepted a moment ago, is read once more."""
    auth = build_auth(acs_request, app.get_provider(request))
    try:
        auth.process_response(request_id=None)
    except OneLogin_Saml2_Error:
        return
    if auth.get_errors() or not auth.is_authenticated():
        return
    request.session[SAML_SESSION_KEY] = {
        "name_id": auth.get_nameid(),
        "name_id_format": auth.get_nameid_format(),
        "nq": auth.get_nameid_nq(),
        "spnq": auth.get_nameid_spnq(),
        "session_index": auth.get_session_index(),
    }


def _saml_logout_url(request: HttpRequest, app: SocialApp) -> str | None:
    """A signed LogoutRequest to the IdP's single logout service, if it has one (its
    metadata's SingleLogoutService, or ``idp.slo_url``); its answer comes back to saml_sls."""
    session = request.session.get(SAML_SESSION_KEY)
    if not session:
        return None
    auth = build_auth(request, app.get_provider(request))
    if not auth.get_slo_url():
        return None
    url: str = auth.logout(return_to=request.build_absolute_uri(reverse("start")), **session)
    return url


def refuse(request: HttpRequest, message: str) -> ImmediateHttpResponse:
    response = render(
        request, "registration/sign_in_refused.html", {"message": message}, status=403
    )
    return ImmediateHttpResponse(response)


class AccountAdapter(DefaultAccountAdapter):
    """Local accounts: no one signs up; the admin or a provider's first sign-in creates them."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """Someone who has just signed in (within ACCOUNT_REAUTHENTICATION_TIMEOUT) need not
        give their password again to set up their second factor."""
        request = self.request
        if request is not None and request.user.is_authenticated:
            records = get_authentication_records(request, request.user)  # type: ignore[arg-type]
            if (
                records
                and time.time() - records[-1]["at"] < account_settings.REAUTHENTICATION_TIMEOUT
            ):
                return False
        return bool(super().is_reauthentication_required(app=app, **kwargs))


#: The user fields a provider's answer refreshes on every sign-in.
PROVIDED_FIELDS = ("first_name", "last_name", "email")


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(
        self, request: HttpRequest | None, provider: str | None = None, client_id: str | None = None
    ) -> list[SocialApp]:
        apps: list[SocialApp] = super().list_apps(request, provider=provider, client_id=client_id)
        offered = []
        for app in apps:
            if app.provider == "saml":
                if not settings.SAML_SP_PRIVATE_KEY:
                    # Without its key pair the portal can sign no request: the provider is
                    # not offered (its addresses answer 404) rather than failing with a 500.
                    logger.error(
                        "The SAML provider %s is not offered: SAML_SP_PRIVATE_KEY and "
                        "SAML_SP_CERTIFICATE are not set.",
                        app.client_id,
                    )
                    continue
                app.settings = saml_settings(app.settings or {})
            offered.append(app)
        return offered

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return True  # pre_social_login has refused every provider without an organisation

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        app = sociallogin.provider.app
        organisation = organisation_for(sociallogin)
        if organisation is None:
            raise refuse(
                request,
                _(
                    "The identity provider “%(provider)s” is not connected to any organisation "
                    "in the portal, so you cannot sign in with it yet. Ask the portal's "
                    "administrators to connect it to your organisation."
                )
                % {"provider": app.name},
            )
        if sociallogin.is_existing:
            user = sociallogin.user
            if user.organisation_id not in (None, organisation.pk):
                raise refuse(request, _("Your account belongs to another organisation."))
            self._refresh(user, getattr(sociallogin, "provided", {}))
            return
        email = (sociallogin.user.email or "").strip()
        if not email:
            return
        existing = list(User.objects.filter(email__iexact=email)[:2])
        if not existing:
            return
        domain = email.rpartition("@")[2].lower()
        user = existing[0]
        if (
            len(existing) > 1
            or domain not in email_domains(app)
            or user.organisation_id not in (None, organisation.pk)
        ):
            raise refuse(
                request,
                _(
                    "An account with the e-mail address %(email)s already exists in the portal, "
                    "and it cannot be joined to %(organisation)s's sign-in. Ask the portal's "
                    "administrators to join them."
                )
                % {"email": email, "organisation": organisation.name},
            )
        sociallogin.connect(request, user)
        if user.organisation_id is None:
            user.organisation = organisation
            user.save(update_fields=["organisation"])

    def populate_user(
        self, request: HttpRequest, sociallogin: SocialLogin, data: dict[str, Any]
    ) -> User:
        user: User = super().populate_user(request, sociallogin, data)
        user.organisation = organisation_for(sociallogin)
        # What the provider says now, kept for pre_social_login: allauth's lookup replaces
        # this new user with the existing one, whose name and e-mail may be old.
        sociallogin.provided = {  # type: ignore[attr-defined]
            field: getattr(user, field) for field in PROVIDED_FIELDS if getattr(user, field)
        }
        return user

    @staticmethod
    def _refresh(user: User, provided: dict[str, str]) -> None:
        changed = [field for field, value in provided.items() if getattr(user, field) != value]
        for field in changed:
            setattr(user, field, provided[field])
        if changed:
            user.save(update_fields=changed)


def last_login_record(sender: Any, user: Any, **_kwargs: Any) -> None:
    """Django's update_last_login without a history row: a sign-in changes nothing anyone
    reads, but a history row would make every page kept per audited write (the home
    pages, portal.page_cache.everything_version) be drawn again for everybody."""
    user.last_login = timezone.now()
    type(user).objects.filter(pk=user.pk).update(last_login=user.last_login)
