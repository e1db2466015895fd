"""Writes to the indicators' values: a coordinator's value entered by hand, and the nightly
fetch of the indicators linked to a Kolada KPI.

The fetch mirrors Kolada: for each linked indicator it stores Kolada's total for the
strategy's owner (the county, as the strategy's value), each municipality of the county and
the whole country, for the strategy's years; it creates or replaces the value of each
place and year, and removes the values it stored before that Kolada no longer has. A value
Kolada lacks stays missing (no row, never 0); a value entered by hand is replaced only by
a value of Kolada's. One KPI that cannot be fetched is logged and counted, and the others
are fetched all the same.
"""

import logging
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from followup import selectors
from followup.kolada import COUNTRY, KoladaClient, KoladaError
from followup.models import IndicatorValue
from portal import limits
from portal.dates import today
from portal.models import Organisation, User
from strategy.access import StrategyAccess
from strategy.models import Indicator
from strategy.services import FIRST_YEAR, LAST_YEAR

log = logging.getLogger(__name__)

#: What IndicatorValue.value holds: 14 digits, two of them decimals.
CENT = Decimal("0.01")
LIMIT = Decimal(10) ** 12

#: Where a value belongs: (organisation id or None, scope, year).
Key = tuple[int | None, str, int]


@transaction.atomic
def indicator_value_set(
    *,
    indicator: Indicator,
    year: int,
    organisation: Organisation | None,
    value: Decimal | None,
    comment: str = "",
    user: User,
    access: StrategyAccess,
) -> bool:
    """Enter the value of a year, for the strategy as a whole or (for an indicator reported
    per organisation) for one organisation; None removes it. Returns whether it changed."""
    if not access.can_manage_indicators:
        raise PermissionDenied("Only the strategy's coordinators enter an indicator's values.")
    stored = Indicator.objects.select_for_update().get(pk=indicator.pk)
    if stored.kolada_kpi:
        raise ValidationError(
            _("The indicator's values are fetched from Kolada. Remove the link to enter them.")
        )
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(
            {
                "year": _("Give a year from %(first)s to %(last)s.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            }
        )
    if organisation is not None and not stored.per_organisation:
        raise ValidationError(
            {"organisation": _("The indicator is not reported per organisation.")}
        )
    current = IndicatorValue.objects.filter(  # type: ignore[misc]  # None: IS NULL
        indicator=stored,
        year=year,
        organisation=organisation,
        scope=IndicatorValue.Scope.STRATEGY,
    ).first()
    comment = comment.strip()
    if value is None:
        if current is None:
            return False
        current._history_user = user
        current.delete()
        return True
    if current is None:
        current = IndicatorValue(indicator=stored, year=year, organisation=organisation)
    elif (
        current.value == value
        and current.comment == comment
        and current.source == IndicatorValue.Source.ENTERED
    ):
        return False
    current.value = value
    current.comment = comment
    current.source = IndicatorValue.Source.ENTERED
    current.entered_by = user
    current._history_user = user
    limits.check_lengths(current)  # full_clean leaves out a TextField's max_length
    current.full_clean()
    current.save()
    return True


# --- Kolada ----------------------------------------------------------------------------------


@dataclass
class KoladaResult:
    """What one fetch changed."""

    created: int = 0
    updated: int = 0
    deleted: int = 0


@dataclass
class KoladaSummary:
    """What a night's fetch did: the indicators fetched and those that failed."""

    fetched: int = 0
    failed: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0


def kolada_years(indicator: Indicator) -> list[int]:
    """The years to fetch: from the year before the strategy's period (a baseline) or the
    first year with a target, whichever is earlier, to this year (later ones have no values
    yet). Without a period, the last five years."""
    this_year = today().year
    strategy = indicator.strategy
    first = strategy.period_start - 1 if strategy.period_start else this_year - 5
    target_years = [target.year for target in indicator.targets.all()]
    if target_years:
        first = min(first, *target_years)
    first = min(max(first, FIRST_YEAR), this_year)
    return list(range(first, this_year + 1))


def _stored(value: Decimal) -> Decimal:
    value = value.quantize(CENT, rounding=ROUND_HALF_UP)
    if abs(value) >= LIMIT:
        raise KoladaError(f"a value too large to store: {value}")
    return value


def kolada_fetch_indicator(*, indicator: Indicator, client: KoladaClient) -> KoladaResult:
    """Fetch the linked KPI's values and store them. Raises KoladaError if they cannot be
    fetched; nothing is stored then."""
    kpi = indicator.kolada_kpi
    if not kpi:
        return KoladaResult()
    places = selectors.kolada_places(indicator.strategy)
    where: dict[str, tuple[int | None, str]] = {
        COUNTRY: (None, IndicatorValue.Scope.COUNTRY),
    }
    if places.overall is not None:
        where[places.overall.kolada_id] = (None, IndicatorValue.Scope.STRATEGY)
    for municipality in places.municipalities:
        where[municipality.kolada_id] = (municipality.pk, IndicatorValue.Scope.STRATEGY)
    # The request to Kolada, outside the transaction: no row is locked while it waits.
    fetched = client.kpi_values(kpi, list(where), kolada_years(indicator))
    wanted: dict[Key, Decimal] = {}
    for figure in fetched:
        if figure.value is None:  # missing in Kolada: missing here
            continue
        organisation_id, scope = where[figure.municipality]
        wanted[(organisation_id, scope, figure.year)] = _stored(figure.value)
    return _kolada_store(indicator=indicator, kpi=kpi, wanted=wanted)


@transaction.atomic
def _kolada_store(*, indicator: Indicator, kpi: str, wanted: dict[Key, Decimal]) -> KoladaResult:
    # The indicator's row lock orders two fetches of it (a night's and a first one).
    locked = Indicator.objects.select_for_update().get(pk=indicator.pk)
    if locked.kolada_kpi != kpi:  # linked to another KPI meanwhile: its own fetch follows
        return KoladaResult()
    result = KoladaResult()
    stored: dict[Key, IndicatorValue] = {
        (v.organisation_id, v.scope, v.year): v
        for v in IndicatorValue.objects.filter(indicator=locked)
    }
    for (organisation_id, scope, year), value in sorted(
        wanted.items(), key=lambda item: (item[0][1], item[0][0] or 0, item[0][2])
    ):
        current = stored.get((organisation_id, scope, year))
        if current is None:
            current = IndicatorValue(
                indicator=locked, organisation_id=organisation_id, scope=scope, year=year
            )
            result.created += 1
        elif current.from_kolada and current.value == value:
            continue
        else:
            result.updated += 1
        current.value = value
        current.comment = ""
        current.source = IndicatorValue.Source.KOLADA
        current.entered_by = None
        current._history_user = None
        current.save()
    for key, current in stored.items():
        if current.from_kolada and key not in wanted:
            current._history_user = None
            current.delete()
            result.deleted += 1
    # Kolada's own figures replace the demo's examples (seed_demo), and the note goes with them.
    Indicator.objects.filter(pk=locked.pk).update(
        kolada_fetched_at=timezone.now(), kolada_error="", example=False
    )
    return result


def kolada_fetch_one(*, indicator_id: int) -> KoladaResult | None:
    """Fetch one indicator's values (its first fetch, right after it is linked). None if it
    failed: the error is kept on the indicator for its page."""
    indicator = (
        Indicator.objects.select_related("strategy__owner")
        .prefetch_related("targets")
        .filter(pk=indicator_id)
        .first()
    )
    if indicator is None:
        return None
    with KoladaClient() as client:
        return _fetch_or_record(indicator, client)


def kolada_fetch_all() -> KoladaSummary:
    """Every indicator linked to a KPI, one after the other; one that fails does not stop
    the others."""
    summary = KoladaSummary()
    indicators = (
        Indicator.objects.exclude(kolada_kpi="")
        .select_related("strategy__owner")
        .prefetch_related("targets")
        .order_by("pk")
    )
    with KoladaClient() as client:
        for indicator in indicators:
            result = _fetch_or_record(indicator, client)
            if result is None:
                summary.failed += 1
                continue
            summary.fetched += 1
            summary.created += result.created
            summary.updated += result.updated
            summary.deleted += result.deleted
    log.info(
        "Kolada: %s indicators fetched, %s failed; %s values created, %s updated, %s removed",
        summary.fetched,
        summary.failed,
        summary.created,
        summary.updated,
        summary.deleted,
    )
    return summary


def _fetch_or_record(indicator: Indicator, client: KoladaClient) -> KoladaResult | None:
    try:
        return kolada_fetch_indicator(indicator=indicator, client=client)
    except KoladaError as error:
        log.warning(
            "Kolada: the values of indicator %s (%s) were not fetched: %s",
            indicator.pk,
            indicator.kolada_kpi,
            error,
        )
        Indicator.objects.filter(pk=indicator.pk).update(kolada_error=str(error)[:500])
        return None
