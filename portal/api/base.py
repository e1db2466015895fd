"""The base of every API view: conditional GET (an ETag on every read, a Last-Modified
where the view knows when its rows last changed, and 304 for an unchanged resource), CORS
for anonymous reads only, and Vary on what changes a response."""

from collections.abc import Sequence
from datetime import datetime

from django.db.models import Max, Model, QuerySet
from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag
from django.utils.http import http_date
from rest_framework import generics, mixins

from portal.api.filters import ListFilters

READS = ("GET", "HEAD")


class ApiView(generics.GenericAPIView):
    """Subclasses may set ``self.last_modified`` while they build a response: the newest
    change of everything the response shows (from the rows' history), or None."""

    last_modified: datetime | None = None

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
