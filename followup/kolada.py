"""A small client of Kolada's API v3, for the values of the indicators linked to a KPI.

    GET {KOLADA_BASE_URL}/data/kpi/{kpi}/municipality/{id,id,...}/year/{year,year,...}

answers ``{"count": N, "values": [...], "next_url": "..." | null}``; each entry of
``values`` is one municipality's year (``"period"``) with a value per gender: T (total), K
and M. We take T. A value Kolada does not have is ``null`` and stays missing (None), never 0.

Server errors, timeouts and lost connections are retried with a doubling wait; anything
else (an unknown KPI, a malformed answer) fails at once with ``KoladaError``. The pages of
an answer are followed by their ``next_url``, on Kolada's own host only.
"""

import logging
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings

log = logging.getLogger(__name__)

#: The whole country, as a municipality id.
COUNTRY = "0000"
#: Kolada refuses longer lists of municipalities or years in one request.
MAX_IDS = 25
PER_PAGE = 5000
#: A guard against a loop of next_urls.
MAX_PAGES = 200
#: The longest wait between two tries, in seconds.
MAX_BACKOFF = 60.0
KPI_ID = re.compile(r"^[NU]\d{5}$")
MUNICIPALITY_ID = re.compile(r"^\d{4}$")


class KoladaError(Exception):
    """A KPI's values could not be fetched."""


@dataclass(frozen=True)
class KoladaValue:
    kpi: str
    municipality: str
    year: int
    #: None: Kolada has no value (missing, never 0).
    value: Decimal | None


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _total(entry: dict[str, Any]) -> Decimal | None:
    for figure in entry.get("values") or []:
        if figure.get("gender") == "T":
            value = figure.get("value")
            if value is None:
                return None
            if isinstance(value, bool) or not isinstance(value, int | float | str):
                raise KoladaError(f"not a number: {value!r}")
            try:
                number = Decimal(str(value))
            except InvalidOperation:
                raise KoladaError(f"not a number: {value!r}") from None
            return number if number.is_finite() else None
    return None


def parse_values(payload: Any) -> list[KoladaValue]:
    """The total values of one page of an answer."""
    if not isinstance(payload, dict) or not isinstance(payload.get("values"), list):
        raise KoladaError("the answer has no list of values")
    values = []
    for entry in payload["values"]:
        try:
            values.append(
                KoladaValue(
                    kpi=str(entry["kpi"]),
                    municipality=str(entry["municipality"]),
                    year=int(entry["period"]),
                    value=_total(entry),
                )
            )
        except (KeyError, TypeError, ValueError) as error:
            raise KoladaError(f"an entry without kpi, municipality or period: {error}") from None
    return values


class KoladaClient:
    """``with KoladaClient() as kolada: kolada.kpi_values("N07918", ["1880"], [2023])``."""

    def __init__(
        self,
        *,
        base_url: str | None = None,
        timeout: float | None = None,
        retries: int | None = None,
        backoff: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = (base_url or settings.KOLADA_BASE_URL).rstrip("/")
        self.retries = settings.KOLADA_RETRIES if retries is None else retries
        self.backoff = settings.KOLADA_BACKOFF if backoff is None else backoff
        self.sleep = sleep
        self._host = urlsplit(self.base_url).netloc
        self._http = httpx.Client(
            timeout=settings.KOLADA_TIMEOUT if timeout is None else timeout,
            headers={"Accept": "application/json"},
            transport=transport,
            follow_redirects=False,
        )

    def __enter__(self) -> "KoladaClient":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def kpi_values(
        self, kpi: str, municipalities: Sequence[str], years: Sequence[int]
    ) -> list[KoladaValue]:
        """The KPI's total per municipality and year asked for, with None where Kolada has
        no value. Raises KoladaError when any page cannot be fetched."""
        wanted = set(municipalities)
        if not KPI_ID.match(kpi):
            raise KoladaError(f"not a Kolada KPI: {kpi!r}")
        if not all(MUNICIPALITY_ID.match(m) for m in wanted):
            raise KoladaError(f"not Kolada municipality ids: {sorted(wanted)}")
        values: list[KoladaValue] = []
        for ids in _chunks(sorted(wanted), MAX_IDS):
            for period in _chunks(sorted(set(years)), MAX_IDS):
                url = (
                    f"{self.base_url}/data/kpi/{kpi}/municipality/{','.join(ids)}"
                    f"/year/{','.join(str(y) for y in period)}"
                )
                values.extend(self._pages(url))
        return [v for v in values if v.kpi == kpi and v.municipality in wanted]

    def _pages(self, url: str) -> Iterator[KoladaValue]:
        params: dict[str, Any] | None = {"per_page": PER_PAGE}
        next_url: str | None = url
        seen: set[str] = set()
        for _page in range(MAX_PAGES):
            if next_url is None:
                return
            seen.add(next_url)
            payload = self._get(next_url, params)
            yield from parse_values(payload)
            next_url = payload.get("next_url") or None
            if next_url is not None and urlsplit(next_url).netloc != self._host:
                raise KoladaError(f"a next_url on another host: {next_url}")
            if next_url in seen:
                raise KoladaError(f"a next_url asked for before: {next_url}")
            params = None  # the next_url carries its own
        raise KoladaError(f"more than {MAX_PAGES} pages at {url}")

    def _get(self, url: str, params: dict[str, Any] | None) -> Any:
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                response = self._http.get(url, params=params)
            except httpx.TransportError as error:  # timeouts and lost connections
                if last:
                    raise KoladaError(f"{url}: {error.__class__.__name__}: {error}") from error
                reason = error.__class__.__name__
            else:
                if response.status_code < 500 and response.status_code != 429:
                    if response.status_code != 200:
                        raise KoladaError(f"{url}: HTTP {response.status_code}")
                    try:
                        return response.json()
                    except ValueError:
                        raise KoladaError(f"{url}: the answer is not JSON") from None
                if last:
                    raise KoladaError(f"{url}: HTTP {response.status_code}")
                reason = f"HTTP {response.status_code}"
            wait = min(self.backoff * 2**attempt, MAX_BACKOFF)
            log.warning("Kolada: %s at %s, trying again in %.1f s", reason, url, wait)
            self.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover
