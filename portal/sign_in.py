"""Sign-in through django-allauth: who may come in through which identity provider.

Each organisation of the county signs in through its own identity provider, a SocialApp
(in the admin, or from SSO_PROVIDERS_FILE) whose ``settings`` name the organisation
(``"organisation": "<slug>"``) and the e-mail domains that are the organisation's
(``"email_domains": ["kumla.se"]``). The same two keys will tie a SAML provider (a
later step) to its organisation.

- A person's first sign-in creates their account in the provider's organisation, with the
  name and e-mail the provider sends, and no role: roles come from memberships in bodies.
- A provider tied to no organisation is refused, with whom to ask.
- An existing local account with the same e-mail is linked only when the e-mail's domain
  is one of the organisation's.
"""

from __future__ import annotations

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
from django.http import HttpRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.models import Organisation, User

if TYPE_CHECKING:
    from allauth.socialaccount.models import SocialApp, SocialLogin

#: The protocols whose providers the sign-in page offers (SAML joins in a later step).
PROVIDERS = ("openid_connect",)


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
        parts = urlsplit(str((choice.app.settings or {}).get("server_url") or ""))
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


def end_session_url(request: HttpRequest, provider_id: str) -> str | None:
    """Where to send the browser so that the provider ends its session too (OpenID Connect
    RP-initiated logout), or None if the provider does not say it can."""
    try:
        adapter = OpenIDConnectOAuth2Adapter(request, provider_id)
        endpoint = adapter.openid_config.get("end_session_endpoint")
        client_id = adapter.get_provider().app.client_id
    except (requests.RequestException, ValueError, LookupError):
        return None
    if not endpoint:
        return None
    query = urlencode(
        {
            "client_id": client_id,
            "post_logout_redirect_uri": request.build_absolute_uri(reverse("start")),
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


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


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return True  # pre_social_login has refused every provider without an organisation

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        app = sociallogin.provider.app
        organisation = organisation_of(app)
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
        user.organisation = organisation_of(sociallogin.provider.app)
        return user
