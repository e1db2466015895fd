"""The base of every API view: conditional GET (an ETag on every read, a Last-Modified
where the view knows when its rows last changed, and 304 for an unchanged resource), CORS
for anonymous reads only, and Vary on what changes a response."""

import hashlib
from collections.abc import Callable, Sequence
from datetime import datetime

from django.core.cache import cache
from django.db.models import Max, Model, QuerySet
from django.http import HttpResponse, HttpResponseBase
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag
from django.utils.http import http_date
from rest_framework import generics, mixins
from rest_framework.response import Response

from portal.api.filters import ListFilters

READS = ("GET", "HEAD")


#: How long an anonymous answer is kept; its key holds the content version, so a change
#: is seen at once and this only bounds the memory an unread version holds.
CACHE_SECONDS = 24 * 60 * 60


class ApiView(generics.GenericAPIView):
    """Subclasses may set ``self.last_modified`` while they build a response: the newest
    change of everything the response shows (from the rows' history), or None."""

    last_modified: datetime | None = None

    def cached(self, request, version: str, build: Callable[[], Response]) -> HttpResponseBase:
        """An anonymous read is the same for everyone: its rendered body is kept under the
        content version it shows (and the full path with its query, and the language its
        labels are in), so serialising a whole plan is paid once per change, not once per
        request. A key's reads differ by user and are built each time."""
        if request.auth is not None or request.user.is_authenticated:
            return build()
        shown = f"{version}|{translation.get_language()}|{request.get_full_path()}"
        key = "api:" + hashlib.sha256(shown.encode()).hexdigest()
        kept = cache.get(key)
        if kept is not None:
            content, modified = kept
            self.last_modified = modified
            return HttpResponse(content, content_type="application/json")
        response = build()
        if response.status_code == 200:
            response = self.finalize_rendering(request, response)
            cache.set(key, (response.content, self.last_modified), CACHE_SECONDS)
        return response

    def finalize_rendering(self, request, response: Response) -> Response:
        # What finalize_response would give it, so it can be rendered now.
        response.accepted_renderer = request.accepted_renderer
        response.accepted_media_type = request.accepted_media_type
        response.renderer_context = self.get_renderer_context()
        response.render()
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ["Authorization", "Accept-Language"])
        is_read = request.method in READS
        if is_read and request.auth is None:
            # Public data, readable from any web page; a key never leaves through CORS:
            # no credentials and no Authorization header allowed across origins.
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Expose-Headers"] = "ETag, Last-Modified"
        if not is_read or response.status_code != 200:
            return response
        response["Cache-Control"] = "private, no-cache" if request.auth else "no-cache"
        if isinstance(response, Response) and not response.is_rendered:
            response.render()
        return conditional(request, response, self.last_modified)


def conditional(request, response, modified: datetime | None):
    """A rendered 200 with its ETag and Last-Modified, or a 304 if the client's copy is
    still current. The open-data files answer through here too."""
    set_response_etag(response)
    # Whole seconds, as the header carries them: else a copy fetched this second would
    # never count as unchanged.
    last_modified = int(modified.timestamp()) if modified else None
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    return get_conditional_response(
        request, etag=response["ETag"], last_modified=last_modified, response=response
    )


def newest_change(model: type[Model], rows) -> datetime | None:
    """The newest history date of these rows (every write leaves one), in one query."""
    ids = [row.pk for row in rows]
    if not ids:
        return None
    return model.history.filter(id__in=ids).aggregate(newest=Max("history_date"))["newest"]  # type: ignore[attr-defined]


def changed_since(rows: QuerySet, since: datetime | None) -> QuerySet:
    """The rows written at or after ``since``: those with a history row that new."""
    if since is None:
        return rows
    history = rows.model.history  # type: ignore[attr-defined]
    return rows.filter(pk__in=history.filter(history_date__gte=since).values("id"))


class ApiList(mixins.ListModelMixin, ApiView):
    """A list read through the app's selectors: ``get_queryset()`` narrows what the reader
    may see by ``self.filters`` (the query parameters, read and checked by
    ``filters_class``); pages are cut by cursor, and Last-Modified is the newest change of
    the rows on the page (``last_changed``)."""

    filters_class: type[ListFilters] = ListFilters
    filters: dict

    def list(self, request, *args, **kwargs):
        self.filters = self.filters_class.read(request)
        rows = changed_since(self.get_queryset(), self.filters.get("changed_since"))
        page = self.paginate_queryset(rows)
        self.last_modified = self.last_changed(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def last_changed(self, page: Sequence[Model]) -> datetime | None:
        return newest_change(self.get_serializer_class().Meta.model, page)

    def narrowed(self, rows: QuerySet, lookups: dict[str, str]) -> QuerySet:
        """The rows that match each filter given: its name and the lookup it makes."""
        for name, lookup in lookups.items():
            if name in self.filters:
                rows = rows.filter(**{lookup: self.filters[name]})
        return rows
