"""`Authorization: Bearer <key>` with a personal API key; without one, a request is
anonymous and sees what the public pages show."""

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from portal.api_keys import KEY_PREFIX, key_hash
from portal.models import ApiToken

#: A token's last use is written at most this often, not on every request.
LAST_USED_PRECISION = timedelta(minutes=5)


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        keyword, _, key = header.partition(" ")
        key = key.strip()
        if keyword.lower() != self.keyword.lower() or not key.startswith(KEY_PREFIX):
            raise exceptions.AuthenticationFailed("Give the key as 'Authorization: Bearer <key>'.")
        try:
            token = ApiToken.objects.select_related("user").get(key_hash=key_hash(key))
        except ApiToken.DoesNotExist:
            raise exceptions.AuthenticationFailed("Unknown API key.") from None
        if not token.is_active:
            raise exceptions.AuthenticationFailed("The API key has been revoked.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("The key's user account is closed.")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        # Makes a missing or bad key a 401 with WWW-Authenticate, as RFC 6750 says.
        return 'Bearer realm="api"'


class TokenScheme(OpenApiAuthenticationExtension):
    """How the schema describes the key (drf-spectacular cannot guess it)."""

    target_class = TokenAuthentication
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API key, created on the portal's page API keys.",
        }
