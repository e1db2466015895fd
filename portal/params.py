"""Reading ids, years, names and choices from a request by hand: the one way for every view
that reads a value outside a form (a filter in the query string, a button's value).

A number is ASCII digits only, within a range the database's integer holds:
``str.isdigit()`` is true of "²", which ``int()`` refuses, and ``int()`` reads "١٢" and
" 12 " as 12 and takes numbers no column holds (an OverflowError on SQLite, a DataError on
PostgreSQL). A name (a slug) is a slug; text has no NUL, which PostgreSQL refuses in a
query.

A filter that is missing or garbled reads as None (or ""), and the page shows what it
shows without that filter, as a reader expects of a filter. A value the request cannot do
without raises ``BadParameter``: a 400 whose message the page shows
(``portal.views.bad_request``).
"""

import re
from collections.abc import Collection

from django.core.exceptions import BadRequest
from django.http import HttpRequest
from django.utils.translation import gettext as _

#: The largest id: a bigint's (the default auto field), also within SQLite's integer.
ID_MAX = 2**63 - 1
#: The years the portal has any use for, in a query string and in a form's dates
#: (portal.forms.DateField, DateTimeField): year 1 or 9999 overflows on conversion to UTC.
YEAR_MIN = 1900
YEAR_MAX = 2200
#: A slug as Django's ``slug`` path converter takes it; no slug of the portal is longer.
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,200}")
#: An optional minus sign and at most 19 ASCII digits (a bigint has 19).
INTEGER = re.compile(r"-?[0-9]{1,19}")
#: Characters a query's text may not keep: NUL (PostgreSQL refuses it) and the other
#: control characters, which no one types into a search box.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class BadParameter(BadRequest):
    """A value the request needs and does not have in a form the portal reads; its message,
    for the reader, is shown on the 400 page."""


def parse_int(value: str | None, *, minimum: int, maximum: int) -> int | None:
    """``value`` as an integer within [minimum, maximum], or None for anything else."""
    if value is None or not INTEGER.fullmatch(value):
        return None
    number = int(value)
    return number if minimum <= number <= maximum else None


def query_int(request: HttpRequest, name: str, *, minimum: int, maximum: int) -> int | None:
    """The query string's ``name`` as an integer within [minimum, maximum]; None if it is
    missing or anything else."""
    return parse_int(request.GET.get(name), minimum=minimum, maximum=maximum)


def query_id(request: HttpRequest, name: str) -> int | None:
    """The query string's ``name`` as an object's id, or None."""
    return query_int(request, name, minimum=1, maximum=ID_MAX)


def query_year(request: HttpRequest, name: str) -> int | None:
    """The query string's ``name`` as a year the portal has a use for, or None."""
    return query_int(request, name, minimum=YEAR_MIN, maximum=YEAR_MAX)


def query_slug(request: HttpRequest, name: str) -> str:
    """The query string's ``name`` if it is a slug, else ""."""
    value = request.GET.get(name, "")
    return value if SLUG.fullmatch(value) else ""


def query_choice(request: HttpRequest, name: str, choices: Collection[str]) -> str:
    """The query string's ``name`` if it is one of ``choices``, else ""."""
    value = request.GET.get(name, "")
    return value if value in choices else ""


def query_text(request: HttpRequest, name: str, *, max_length: int) -> str:
    """The query string's ``name`` as text to search for: without control characters,
    stripped, at most ``max_length`` characters."""
    return CONTROL.sub("", request.GET.get(name, "")).strip()[:max_length]


def posted_choice(request: HttpRequest, name: str, choices: Collection[str]) -> str:
    """The posted ``name``, which must be one of ``choices`` (a button's value): anything
    else is a BadParameter."""
    value = request.POST.get(name, "")
    if value not in choices:
        raise BadParameter(
            _("The form sent no valid “%(name)s”: open the page again and use its buttons.")
            % {"name": name}
        )
    return value
