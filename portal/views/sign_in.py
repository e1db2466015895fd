"""Signing in and out: the organisation chooser, local passwords, and signing out of the
organisation's provider too (portal.sign_in has the rules)."""

import binascii
from typing import Any, TypeVar

from allauth.account.views import LoginView
from allauth.core.internal import httpkit
from allauth.mfa.webauthn.views import ListWebAuthnView
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from allauth.socialaccount.providers.saml import views as saml_views
from allauth.socialaccount.providers.saml.utils import get_app_or_404
from allauth.socialaccount.sessions import LoginSession
from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from lxml import etree
from onelogin.saml2.errors import OneLogin_Saml2_Error

from portal import sign_in
from portal.forms import OrganisationChoiceForm

_Response = TypeVar("_Response", bound=HttpResponseBase)


def _allow_providers(response: _Response, request: HttpRequest) -> _Response:
    """The page's forms post to the portal, which redirects to a provider: the browser
    checks that redirect against the page's form-action, so the providers' origins join it."""
    origins = sorted(sign_in.provider_origins(request))
    if origins:
        response._csp_update = {"form-action": origins}  # type: ignore[attr-defined]  # django-csp
    return response


def _sign_in_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {
        "choices": sign_in.provider_choices(request),
        "password_login": settings.PASSWORD_LOGIN,
        "sign_in_next": request.POST.get("next") or request.GET.get("next", ""),
        **extra,
    }


class SignInView(LoginView):
    """The sign-in page: choose your organisation (and go to its provider), or, where local
    passwords are on, sign in with a user name and password (django-allauth's form, with
    its second-factor step and django-axes' lockout)."""

    template_name = "registration/login.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "POST" and not settings.PASSWORD_LOGIN:
            return render(
                request,
                "registration/sign_in_refused.html",
                {
                    "message": _(
                        "Signing in with a password is turned off: choose your organisation."
                    ),
                },
                status=403,
            )
        return _allow_providers(super().dispatch(request, *args, **kwargs), request)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("choice_form", OrganisationChoiceForm())
        return _sign_in_context(self.request, **context)


@require_POST
def sign_in_organisation(request: HttpRequest) -> HttpResponse:
    """Send the person to their organisation's identity provider."""
    form = OrganisationChoiceForm(request.POST)
    choice = None
    if form.is_valid():
        choice = sign_in.choice_for(
            request,
            organisation=form.cleaned_data["organisation"],
            email=form.cleaned_data["email"],
        )
        if choice is None:
            form.add_error(
                None,
                _(
                    "We found no sign-in for that organisation or e-mail address. Check the "
                    "spelling, or ask %(contact)s."
                )
                % {"contact": settings.SIGN_IN_CONTACT_EMAIL},
            )
    if choice is None:
        context = _sign_in_context(request, choice_form=form, form=None)
        response = render(request, "registration/login.html", context, status=400)
        return _allow_providers(response, request)
    provider = choice.app.get_provider(request)
    return provider.redirect_from_request(request)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """End the portal's session, and the provider's where it says it can."""
    provider_id = sign_in.signed_in_through(request) if request.user.is_authenticated else None
    end_session = sign_in.end_session_url(request, provider_id) if provider_id else None
    logout(request)
    if not end_session:
        return redirect("start")
    # A page, not a redirect: the sign-out form's page allows no other origin as the target
    # of a form (CSP form-action), and the browser follows this page's refresh or link.
    return render(request, "registration/signed_out.html", {"end_session": end_session})


def saml_finish(request: HttpRequest, organization_slug: str) -> HttpResponse:
    """django-allauth's end of a SAML sign-in, where an answer that matches no request of
    this browser's (one already used, too old, or made for another session) or cannot be
    read as XML (python3-saml lets those errors through) is told so, never a bare 403 or a
    500."""
    # The IdP's answer as the ACS kept it, read before allauth's finish deletes it.
    kept = LoginSession(request, "saml_acs_session", "saml-acs-session").store.get("request")
    try:
        response: HttpResponse = saml_views.finish_acs(request, organization_slug=organization_slug)
    except PermissionDenied:
        message = _(
            "This answer from your organisation's sign-in has already been used, is too old, "
            "or was not asked for by this browser. Sign in again."
        )
        status = 403
    except (etree.XMLSyntaxError, ValueError):  # not XML, or XML with a DTD or entities
        message = _("The answer from your organisation's sign-in could not be read. Sign in again.")
        status = 400
    else:
        app = get_app_or_404(request, organization_slug)
        if kept and sign_in.signed_in_through(request) == app.provider_id:
            sign_in.keep_saml_session(
                request, httpkit.deserialize_request(kept, HttpRequest()), app
            )
        return response
    return render(request, "registration/sign_in_refused.html", {"message": message}, status=status)


@csrf_exempt  # the IdP's message comes from the IdP's page, as allauth's view allows
def saml_sls(request: HttpRequest, organization_slug: str) -> HttpResponse:
    """django-allauth's SAML single logout service: the IdP's answer to the portal's
    LogoutRequest, or its own LogoutRequest when the person signs out elsewhere. One that
    cannot be accepted (unsigned, for another session, not SAML) gets a page, not
    allauth's plain-text 400."""
    try:
        response: HttpResponse = saml_views.sls(request, organization_slug=organization_slug)
    except (OneLogin_Saml2_Error, etree.XMLSyntaxError, ValueError, binascii.Error):
        pass  # python3-saml lets these through for a message that is no SAML at all
    else:
        if response.status_code != 400:
            return response
    return render(request, "registration/sign_out_refused.html", status=400)


def oidc_callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    """django-allauth's OpenID Connect callback, with the adapter that keeps the ID token
    for signing out at the provider."""
    try:
        view = OAuth2CallbackView.adapter_view(sign_in.OpenIDConnectAdapter(request, provider_id))
        response: HttpResponse = view(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
    return response


class SecurityKeyListView(ListWebAuthnView):
    """django-allauth's list of one's security keys, read before the template renders."""

    def get_queryset(self) -> list[Any]:  # type: ignore[override]
        return list(super().get_queryset())


security_keys = SecurityKeyListView.as_view()
