"""Limits per key and per address, so that one integration cannot crowd out the others.

The rates are read on each request (`API_RATE_PER_TOKEN`, `API_RATE_PER_ADDRESS`), not
once at import, so a deployment's settings and a test's overrides both apply."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from portal.access import client_ip


class _Throttle(SimpleRateThrottle):
    setting = ""

    def get_rate(self):
        return getattr(settings, self.setting)


class PerTokenThrottle(_Throttle):
    scope = "token"
    setting = "API_RATE_PER_TOKEN"

    def get_cache_key(self, request, view):
        if request.auth is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class PerAddressThrottle(_Throttle):
    """Anonymous requests, per client address (behind our trusted proxies)."""

    scope = "address"
    setting = "API_RATE_PER_ADDRESS"

    def get_cache_key(self, request, view):
        if request.auth is not None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}
