"""The front door: a kept public page answered before the middleware behind it.

``portal.page_cache.public_page`` keeps an anonymous public page per content version, but
every request for it still passes the whole middleware stack (session, authentication,
CSRF, CSP, language, allauth, axes, history), reads the page's content version from the
database and fetches the page from Redis: for the plan page that is 540 KB and about 6 ms,
where WhiteNoise serves the same bytes as a static file in well under one.

So this middleware, placed right after WhiteNoise, keeps in each process the pages that
``public_page`` kept, as bytes, and answers a plain anonymous GET for one of them itself,
with the page's headers as the stack made them and, as ``public_page`` does, a CSP nonce
and a CSRF token of the response's own (the token from Django's own CSRF middleware, so
the reader's cookie is honoured or set as it would be).

Instead of the content version, whose statement costs more than the rest of the answer, a
kept page names the *write generation* (``portal.writes``): a random value in the shared
cache that changes after every committed write to the database by any process. A change therefore
shows at once; within the writing process even before its commit. Writes that change no
page (sessions, sign-in attempts) leave it alone. A kept page is also dropped after
``PUBLIC_PAGE_MEMORY_SECONDS``, which bounds what a write whose bump was lost while Redis
was unreachable can leave behind, and a new day is a new key.

Only a GET with no cookie but the CSRF and language cookies (so no session and no pending
message), no htmx request and no Authorization header is answered here; everything else,
and any page while the cache is unreachable, goes through the stack as before.
"""

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.utils.http import parse_etags

from portal.dates import today
from portal.memory import SizedLru
from portal.middleware import reader_language
from portal.page_cache import NONCE_MARK, TOKEN_MARK, mark_page
from portal.writes import written_lately

#: Response headers that are the server's or this response's own, never kept.
_OWN_HEADERS = {"content-length", "date", "server"}

_NONCE = NONCE_MARK.encode()
_TOKEN = TOKEN_MARK.encode()
_MARKS = re.compile(b"(" + re.escape(_NONCE) + b"|" + re.escape(_TOKEN) + b")")


@dataclass(frozen=True)
class _Kept:
    generation: tuple[str, int]
    etag: str
    headers: tuple[tuple[str, str], ...]
    parts: tuple[bytes, ...]


#: The kept pages of this process, the least recently served dropped first.
store = SizedLru()


class FrontDoorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)
        self.plain_cookies = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not (settings.PUBLIC_PAGE_FRONT_DOOR and self._plain(request)):
            return self.get_response(request)
        now = written_lately()
        if now is None:
            return self.get_response(request)
        key = self._key(request)
        kept = store.get(key, max_age=settings.PUBLIC_PAGE_MEMORY_SECONDS)
        if kept is not None and kept.generation == now:
            return self._answer(request, kept)
        response = self.get_response(request)
        if self._keepable(request, response):
            self._keep(key, now, request, response)
        return response

    def _plain(self, request: HttpRequest) -> bool:
        return (
            request.method == "GET"
            and set(request.COOKIES) <= self.plain_cookies
            and "HTTP_HX_REQUEST" not in request.META
            and "HTTP_AUTHORIZATION" not in request.META
        )

    def _key(self, request: HttpRequest) -> tuple[str, ...]:
        # As LanguageMiddleware will choose it, behind the door.
        language = reader_language(request, self.languages)
        return (request.get_full_path(), language, today().isoformat())

    def _keepable(self, request: HttpRequest, response: HttpResponseBase) -> bool:
        user = getattr(request, "user", None)
        return (
            getattr(response, "portal_kept_page", False)
            and response.status_code == 200
            and not response.streaming
            and set(response.cookies) <= {settings.CSRF_COOKIE_NAME}
            and not (user is not None and user.is_authenticated)
        )

    def _keep(
        self, key: tuple[str, ...], written: tuple[str, int], request: HttpRequest, response: Any
    ) -> None:
        nonce = getattr(request, "_csp_nonce", None)
        body = mark_page(response.content.decode(response.charset), nonce)
        parts = tuple(_MARKS.split(body.encode(response.charset)))
        headers = []
        for name, value in response.items():
            if name.lower() not in _OWN_HEADERS:
                if isinstance(nonce, str):
                    value = value.replace(nonce, NONCE_MARK)
                headers.append((name, value))
        kept = _Kept(
            generation=written,
            etag=response.get("ETag", ""),
            headers=tuple(headers),
            parts=parts,
        )
        size = sum(len(part) for part in parts)
        store.put(key, kept, size=size, limit=settings.PUBLIC_PAGE_MEMORY_MB * 1024 * 1024)

    def _answer(self, request: HttpRequest, kept: _Kept) -> HttpResponseBase:
        if kept.etag and kept.etag in parse_etags(request.headers.get("If-None-Match", "")):
            # Only what RFC 9110 asks of a 304: a policy header here would replace the
            # policy, and so the nonce, of the copy the reader keeps.
            not_modified = HttpResponseNotModified()
            not_modified["ETag"] = kept.etag
            for name, value in kept.headers:
                if name.lower() in ("vary", "cache-control"):
                    not_modified[name] = value
            return not_modified
        nonce = secrets.token_urlsafe(16)
        token = b""
        if _TOKEN in kept.parts:
            self.csrf.process_request(request)
            token = get_token(request).encode()
        pieces = list(kept.parts)
        # The split puts the marks at the odd places.
        for place in range(1, len(pieces), 2):
            pieces[place] = nonce.encode() if pieces[place] == _NONCE else token
        body = b"".join(pieces)
        response = HttpResponse(body)
        for name, value in kept.headers:
            response[name] = value.replace(NONCE_MARK, nonce)
        response["Content-Length"] = str(len(body))
        if token:
            self.csrf.process_response(request, response)
        return response
