"""The request as the portal's middleware leaves it, for the type checker: django-htmx adds
``htmx``, and behind ``login_required`` the user is a signed-in ``User``."""

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from portal.models import User


class PortalRequest(HttpRequest):
    user: User | AnonymousUser  # type: ignore[assignment]
    htmx: HtmxDetails


class SignedInRequest(PortalRequest):
    """The request of a view behind ``login_required``."""

    user: User  # type: ignore[assignment]
