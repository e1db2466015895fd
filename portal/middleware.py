from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers

from portal.access import needs_second_factor
from portal.sign_in import signed_in_through


def reader_language(request: HttpRequest, languages: set[str]) -> str:
    """The language the reader chose with the switcher (its cookie), else the default."""
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return code if code in languages else settings.LANGUAGE_CODE


class LanguageMiddleware:
    """Swedish unless the reader chose another language with the switcher.

    Django's LocaleMiddleware would follow the browser's Accept-Language, which shows an
    English page to most Swedish public-sector staff whose browsers are set up in English.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        code = reader_language(request, self.languages)
        translation.activate(code)
        request.LANGUAGE_CODE = code  # type: ignore[attr-defined]
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", code)
        return response


class LoadUserMiddleware:
    """Load the signed-in user before the view runs.

    Every page's header shows who is signed in; without this, the session and user
    queries would run lazily in the middle of template rendering.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        _ = request.user.is_authenticated
        return self.get_response(request)


#: What counts as a second factor: recovery codes alone do not.
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


class SecondFactorMiddleware:
    """Staff and coordinators who signed in with a local password and have no second factor
    set one up (an authenticator app or a security key, with recovery codes) before any
    other page.

    The answer is kept in the session once it is yes, so that a signed-in page costs no
    query for it; a session signed in through an organisation's provider is left alone.
    """

    SESSION_KEY = "portal_second_factor_ok"
    #: What may be opened before the second factor is set up: setting it up, signing out,
    #: the language switcher, static files.
    OPEN = ("mfa_", "account_reauthenticate", "logout", "account_logout", "set_language")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.MFA_REQUIRED and self._must_set_up(request):
            try:
                name = resolve(request.path_info).url_name or ""
            except Resolver404:
                name = ""
            if not name.startswith(self.OPEN):
                return redirect("mfa_activate_totp")
        return self.get_response(request)

    def _must_set_up(self, request: HttpRequest) -> bool:
        user = request.user
        if not user.is_authenticated or request.session.get(self.SESSION_KEY):
            return False
        if (
            signed_in_through(request)
            or not needs_second_factor(user)  # type: ignore[arg-type]
            or Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exists()
        ):
            request.session[self.SESSION_KEY] = True
            return False
        return True
