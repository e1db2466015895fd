"""Whole public pages for anonymous readers, rendered once per version of their content.

An anonymous reader of a public page (the start page, a strategy, a published plan) gets
the same HTML as every other anonymous reader of that page, in that language, on that day,
except for two values that must differ per response: the CSP nonce, which is worthless if
it repeats, and the CSRF token of the language form, which is tied to the reader's cookie.
So the first rendering is kept with both replaced by markers, and each later response
fills in a nonce and a token of its own. The key names the content version (the newest
history date of every table the page shows: every write leaves a history row), so a change
shows at once and nothing is ever invalidated by hand.

Only plain anonymous GETs are served from the cache: no signed-in user, no htmx request,
no pending message. A page is kept per address (the page shows its own address in the
language form), and only for the addresses it declares through ``variant``: by default none
with a query; a page with filters accepts its filters in their canonical form and answers
None for any other query, which is rendered as usual, so that made-up parameters cannot
fill the cache. An unreachable cache is a miss (``portal.cache``), never an error.

Conditional GET: the weak ETag names the key, so a reader whose copy is current gets a 304
without anything being read but the content version.
"""

import hashlib
import re
import sys
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import cache, wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache as django_cache
from django.db import connection
from django.db.models import Model
from django.http import HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from portal.dates import today
from portal.http import PortalRequest
from portal.memory import SizedLru
from portal.writes import remembered

NONCE_MARK = "@@portal-csp-nonce@@"
TOKEN_MARK = "@@portal-csrf-token@@"  # noqa: S105 (a marker, not a secret)
# Django's masked CSRF token: 64 letters and digits, in the hidden field of a form.
_TOKEN_FIELD = re.compile(r'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{64}(")')

View = Callable[..., HttpResponse]
#: Given the view's URL arguments, the version of everything the page shows. It may raise
#: Http404 (the page does not exist, or is not public), as the view would.
VersionSource = Callable[..., str]
#: The request's filter choice, or None where the page is not kept for this query.
Variant = Callable[[PortalRequest], str | None]

_SLUG = re.compile(r"[\w-]{1,100}")


def no_query(request: PortalRequest) -> str | None:
    return "" if not request.GET else None


def slug_params(*names: str) -> Variant:
    """A variant for pages filtered by slugs: only these parameters, each a short slug."""

    def variant(request: PortalRequest) -> str | None:
        if not set(request.GET) <= set(names):
            return None
        values = [(name, request.GET.getlist(name)) for name in sorted(request.GET)]
        if any(len(v) != 1 or not _SLUG.fullmatch(v[0]) for _, v in values):
            return None
        return "&".join(f"{name}={v[0]}" for name, v in values)

    return variant


def row_version(row: Iterable[datetime | str | None]) -> str:
    """A version from a row of newest history dates (None where a table has none yet)."""
    return "-".join(_version_part(value) for value in row)


def _version_part(value: datetime | str | None) -> str:
    if value is None:
        return "0"
    if isinstance(value, datetime):
        return f"{value.timestamp():.6f}"
    # SQLite hands the dates of a raw query back as text: its digits serve as well.
    return "".join(ch for ch in value if ch.isdigit())


@cache
def _tables_sql(tables: tuple[str, ...]) -> str:
    # Only table names from the models are formatted in.
    parts = ", ".join(f"(SELECT max(history_date) FROM {table})" for table in tables)  # noqa: S608
    return f"SELECT {parts}"


@cache
def history_table(model: type[Model]) -> str:
    """The table of the model's simple-history records."""
    # Looked up once: simple-history's `model.history` builds a new manager class on every
    # access (about 0.3 ms of inspect.getmembers), and a home page's version names 36 models.
    return model.history.model._meta.db_table  # type: ignore[attr-defined, no-any-return]


def history_version(models: Iterable[type[Model]]) -> str:
    """The newest write to any of these models (each a max() down its history_date index),
    in one statement: a version that changes whenever any of their rows changes. Kept in
    the process while nothing is written (portal.writes)."""
    tables = tuple(history_table(model) for model in models)

    def read() -> str:
        with connection.cursor() as cursor:
            cursor.execute(_tables_sql(tables))
            row = cursor.fetchone()
        return row_version(row)

    return remembered(("history", tables), read)


@cache
def _audited_models() -> tuple[type[Model], ...]:
    # Every model with a simple-history record, whichever app it is in: portal names none
    # of the apps above it, but their models are registered here when Django starts.
    from simple_history.models import registered_models

    found = {
        model
        for model in registered_models.values()
        if hasattr(model, "history") and hasattr(model.history, "model")
    }
    return tuple(sorted(found, key=lambda model: model._meta.label))


def everything_version() -> str:
    """A version that changes with any write to any audited table: for a page that shows a
    little of everything (a person's home page), whose own list of models would be easy to
    get wrong. One statement of a max() down each history_date index."""
    return history_version(_audited_models())


def _servable(request: PortalRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and not getattr(request, "htmx", False)
        and "messages" not in request.COOKIES
    )


def content_key(name: str, *parts: object) -> str:
    """A cache key for something kept per content version: its kind and a digest of every
    value that decides what it shows (so the key stays short whatever the values)."""
    plain = "|".join(str(part) for part in parts)
    return f"{name}:" + hashlib.sha256(plain.encode()).hexdigest()


def _key(name: str, request: PortalRequest, variant: str, version: str) -> str:
    # The day too: a page may say what is open or late today.
    parts = (name, request.get_full_path(), variant, get_language(), today().isoformat(), version)
    return content_key("page", *parts)


def _template(response: HttpResponse, request: PortalRequest) -> str:
    """The rendered page with its nonce and CSRF tokens replaced by markers."""
    return _marked(response.content.decode(response.charset), request)


def _marked(body: str, request: PortalRequest) -> str:
    return mark_page(body, getattr(request, "_csp_nonce", None))


def mark_page(body: str, nonce: object) -> str:
    """The page with the response's CSP nonce (if it made one) and its forms' CSRF tokens
    replaced by markers, ready to be filled for another response."""
    if isinstance(nonce, str):
        body = body.replace(nonce, NONCE_MARK)
    return _TOKEN_FIELD.sub(rf"\g<1>{TOKEN_MARK}\g<2>", body)


def kept_fragment(key: str, request: PortalRequest, render: Callable[[], str]) -> SafeString:
    """A part of a signed-in page, rendered once and kept under ``key`` (which must name
    everything the part shows and everything that decides how it is shown: its content
    version, the reader's rights, the language). Its forms' CSRF tokens and any nonce are
    this response's own, as for a whole public page."""
    kept = fragments.get(key, max_age=settings.PAGE_FRAGMENT_CACHE_SECONDS)
    if kept is None:
        kept = django_cache.get(key)
        if kept is not None:
            _remember(key, kept)
    if kept is not None:
        return mark_safe(_filled(kept, request))  # noqa: S308 - rendered by a template
    html = render()
    kept = _marked(html, request)
    django_cache.set(key, kept, timeout=settings.PAGE_FRAGMENT_CACHE_SECONDS)
    _remember(key, kept)
    return mark_safe(html)  # noqa: S308 - rendered by a template


#: Kept fragments also in this process's memory: the largest (a 300-activity workspace's
#: cards, an offer's matrix) are 400 KB, about 2 ms to fetch from Redis and unpickle. Their
#: keys name their content, so a copy here is as current as the one in Redis.
fragments = SizedLru()


def _remember(key: str, template: str) -> None:
    limit = settings.PAGE_FRAGMENT_MEMORY_MB * 1024 * 1024
    # The string's own size in memory: a character takes 1, 2 or 4 bytes, whichever its
    # widest character needs.
    fragments.put(key, template, size=sys.getsizeof(template), limit=limit)


def _filled(template: str, request: PortalRequest) -> str:
    """The kept page with this response's own nonce and token."""
    if NONCE_MARK in template:
        template = template.replace(NONCE_MARK, str(request.csp_nonce))  # type: ignore[attr-defined]
    if TOKEN_MARK in template:
        template = template.replace(TOKEN_MARK, get_token(request))
    return template


def _finish(response: HttpResponse, etag: str) -> HttpResponse:
    response["ETag"] = etag
    # The language is the reader's choice in a cookie (portal.middleware), as is the session.
    patch_vary_headers(response, ("Cookie",))
    if response.status_code == 304:
        # A policy header on a 304 would replace the policy, and so the nonce, of the copy
        # the reader keeps: its scripts would no longer run.
        response._csp_exempt = True  # type: ignore[attr-defined]
        response._csp_exempt_ro = True  # type: ignore[attr-defined]
    else:
        # portal.front_door keeps it in the process and answers the next reader itself.
        response.portal_kept_page = True  # type: ignore[attr-defined]
    return response


def public_page(version: VersionSource, *, variant: Variant = no_query) -> Callable[[View], View]:
    """Serve the view's page to anonymous readers from the cache, per content version."""

    def decorate(view: View) -> View:
        name = f"{view.__module__}.{view.__qualname__}"

        @wraps(view)
        def wrapper(request: PortalRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            choice = variant(request) if _servable(request) else None
            if choice is None:
                return view(request, *args, **kwargs)
            key = _key(name, request, choice, version(*args, **kwargs))
            etag = f'W/"{key[5:37]}"'
            if etag in parse_etags(request.headers.get("If-None-Match", "")):
                return _finish(HttpResponseNotModified(), etag)
            kept = django_cache.get(key)
            if kept is not None:
                template, content_type = kept
                return _finish(HttpResponse(_filled(template, request), content_type), etag)
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming or response.cookies:
                return response
            django_cache.set(
                key,
                (_template(response, request), response["Content-Type"]),
                timeout=settings.PAGE_FRAGMENT_CACHE_SECONDS,
            )
            return _finish(response, etag)

        return wrapper

    return decorate
