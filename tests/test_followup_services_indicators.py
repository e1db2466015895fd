"""followup.services.indicators: a value entered by hand, and the fetch of the indicators
linked to a Kolada KPI (against recorded answers in the v3 shape, through respx): what it
stores, that a second fetch changes nothing, that missing stays missing, and that one
failing KPI does not stop the others."""

from datetime import date
from decimal import Decimal

import httpx
import pytest
import respx
from django.core.exceptions import PermissionDenied, ValidationError

from followup.models import IndicatorValue
from followup.services.indicators import (
    indicator_value_set,
    kolada_fetch_all,
    kolada_fetch_one,
    kolada_years,
)
from portal.models import Organisation
from strategy.access import strategy_access
from strategy.models import Indicator
from tests.factories import OrganisationFactory
from tests.kolada_responses import BASE, entry, page


@pytest.fixture(autouse=True)
def _kolada(settings):
    settings.KOLADA_BASE_URL = BASE
    settings.KOLADA_RETRIES = 1
    settings.KOLADA_BACKOFF = 0


@pytest.fixture
def county(programme):
    """The programme's region as a county with two municipalities in Kolada (ids no demo
    organisation has), and one municipality of another county."""
    region = programme.region
    region.county, region.kolada_id = "Provlän", "0098"
    region.save()
    north = OrganisationFactory(name="Norrby kommun", county="Provlän", kolada_id="9801")
    south = OrganisationFactory(name="Söderby kommun", county="Provlän", kolada_id="9802")
    OrganisationFactory(name="Bortby kommun", county="Annat län", kolada_id="9901")
    OrganisationFactory(name="Utan id kommun", county="Provlän")
    return {"0098": None, "9801": north, "9802": south}


@pytest.fixture
def broadband(programme, county):
    # The demo's own Kolada indicator (followup.demo) would be fetched too: these tests
    # count what one fetch of this one does.
    Indicator.objects.exclude(kolada_kpi="").update(kolada_kpi="")
    indicator = Indicator.objects.create(
        strategy=programme.strategy,
        focus_area=programme.focus_area,
        title="Bredband 1 Gbit/s",
        unit="%",
        kolada_kpi="N07918",
    )
    indicator.targets.create(year=2019, value=80)
    return indicator


def kolada_answer(kpi: str, *entries, status: int = 200):
    """A route for the KPI's data, whatever municipalities and years are asked for."""
    route = respx.get(url__startswith=f"{BASE}/data/kpi/{kpi}/municipality/")
    if status != 200:
        return route.mock(return_value=httpx.Response(status))
    return route.mock(return_value=httpx.Response(200, json=page(*entries)))


def stored(indicator) -> dict:
    return {
        (v.organisation.name if v.organisation else v.scope, v.year): (v.value, v.source)
        for v in IndicatorValue.objects.filter(indicator=indicator).select_related("organisation")
    }


def test_the_years_fetched(broadband, programme, monkeypatch):
    monkeypatch.setattr("followup.services.indicators.today", lambda: date(2025, 3, 1))
    # The strategy runs 2021–2026 and a target is set for 2019: 2019 to this year.
    assert kolada_years(broadband) == list(range(2019, 2026))


@respx.mock
def test_the_county_the_municipalities_and_the_country_are_stored(broadband, county):
    route = kolada_answer(
        "N07918",
        entry("0098", 2023, 91.234, genders=True),
        entry("9801", 2023, 95.5),
        entry("9802", 2023, None),  # missing in Kolada
        entry("0000", 2023, 88.0),
        entry("0000", 2022, 85.0),
    )
    summary = kolada_fetch_all()
    assert (summary.fetched, summary.failed, summary.created) == (1, 0, 4)
    asked = str(route.calls.last.request.url)
    assert "/municipality/0000,0098,9801,9802/year/2019," in asked
    assert stored(broadband) == {
        # The county's value is the strategy's (no organisation), rounded to cents.
        ("strategy", 2023): (Decimal("91.23"), "kolada"),
        ("Norrby kommun", 2023): (Decimal("95.50"), "kolada"),
        ("country", 2023): (Decimal("88.00"), "kolada"),
        ("country", 2022): (Decimal("85.00"), "kolada"),
    }
    broadband.refresh_from_db()
    assert broadband.kolada_fetched_at is not None
    assert broadband.kolada_error == ""


@respx.mock
def test_a_second_fetch_changes_nothing(broadband):
    answer = (entry("0098", 2023, 91.2), entry("0000", 2023, 88.0))
    kolada_answer("N07918", *answer)
    kolada_fetch_all()
    rows = IndicatorValue.history.count()
    summary = kolada_fetch_all()
    assert (summary.fetched, summary.created, summary.updated, summary.deleted) == (1, 0, 0, 0)
    assert IndicatorValue.history.count() == rows  # not even a history row
    assert IndicatorValue.objects.filter(indicator=broadband).count() == 2


@respx.mock
def test_kolada_s_changes_replace_and_remove_what_it_stored(broadband):
    route = kolada_answer("N07918", entry("0098", 2023, 91.2), entry("9801", 2023, 90))
    kolada_fetch_all()
    # Kolada revises 2023 for the county and no longer has Norrby's figure.
    route.mock(
        return_value=httpx.Response(
            200, json=page(entry("0098", 2023, 92.0), entry("9801", 2023, None))
        )
    )
    summary = kolada_fetch_all()
    assert (summary.created, summary.updated, summary.deleted) == (0, 1, 1)
    assert stored(broadband) == {("strategy", 2023): (Decimal("92.00"), "kolada")}


@respx.mock
def test_a_value_entered_by_hand_is_replaced_only_by_one_of_kolada_s(broadband, county):
    IndicatorValue.objects.create(indicator=broadband, year=2023, value=1, comment="gissat")
    IndicatorValue.objects.create(
        indicator=broadband, year=2022, organisation=county["9801"], value=2
    )
    kolada_answer("N07918", entry("0098", 2023, 91.2), entry("9801", 2022, None))
    kolada_fetch_all()
    assert stored(broadband) == {
        ("strategy", 2023): (Decimal("91.20"), "kolada"),
        # Kolada has no value: the one entered stays.
        ("Norrby kommun", 2022): (Decimal("2.00"), "entered"),
    }
    assert IndicatorValue.objects.get(indicator=broadband, year=2023).comment == ""


@respx.mock
def test_one_failing_kpi_does_not_stop_the_others(broadband, programme, caplog):
    unknown = Indicator.objects.create(
        strategy=programme.strategy,
        focus_area=programme.focus_area,
        title="Okänt nyckeltal",
        kolada_kpi="N99999",
    )
    down = Indicator.objects.create(
        strategy=programme.strategy,
        focus_area=programme.focus_area,
        title="Nere",
        kolada_kpi="N00001",
    )
    kolada_answer("N99999", status=404)
    failing = kolada_answer("N00001", status=503)
    kolada_answer("N07918", entry("0098", 2023, 91.2))
    summary = kolada_fetch_all()
    assert (summary.fetched, summary.failed, summary.created) == (1, 2, 1)
    assert failing.call_count == 2  # tried again once (KOLADA_RETRIES), then given up
    assert stored(broadband) == {("strategy", 2023): (Decimal("91.20"), "kolada")}
    unknown.refresh_from_db()
    down.refresh_from_db()
    assert "HTTP 404" in unknown.kolada_error
    assert "HTTP 503" in down.kolada_error
    assert "were not fetched" in caplog.text
    # The next night it works: the error is gone.
    kolada_answer("N99999", entry("0000", 2023, 1))
    kolada_answer("N00001", entry("0000", 2023, 1))
    assert kolada_fetch_all().failed == 0
    unknown.refresh_from_db()
    assert unknown.kolada_error == ""


@respx.mock
def test_one_indicator_s_first_fetch(broadband):
    kolada_answer("N07918", entry("0000", 2023, 88.0))
    assert kolada_fetch_one(indicator_id=broadband.pk).created == 1
    assert kolada_fetch_one(indicator_id=999_999) is None


@respx.mock
def test_an_indicator_linked_to_another_kpi_meanwhile_is_left_to_its_own_fetch(
    broadband, monkeypatch
):
    kolada_answer("N07918", entry("0000", 2023, 88.0))
    from followup.services import indicators

    original = indicators.KoladaClient.kpi_values

    def relink_while_fetching(self, *args, **kwargs):
        values = original(self, *args, **kwargs)
        Indicator.objects.filter(pk=broadband.pk).update(kolada_kpi="N00002")
        return values

    monkeypatch.setattr(indicators.KoladaClient, "kpi_values", relink_while_fetching)
    assert kolada_fetch_one(indicator_id=broadband.pk).created == 0
    assert not IndicatorValue.objects.filter(indicator=broadband).exists()


@pytest.fixture
def manual(programme):
    return Indicator.objects.create(
        strategy=programme.strategy, focus_area=programme.focus_area, title="Handpåläggning"
    )


def test_a_coordinator_enters_changes_and_removes_a_value(programme, manual):
    access = strategy_access(programme.coordinator, programme.strategy)
    kwargs = {"indicator": manual, "user": programme.coordinator, "access": access}
    assert indicator_value_set(year=2023, organisation=None, value=Decimal("5"), **kwargs)
    assert not indicator_value_set(year=2023, organisation=None, value=Decimal("5"), **kwargs)
    assert indicator_value_set(year=2023, organisation=None, value=Decimal("6"), **kwargs)
    value = IndicatorValue.objects.get(indicator=manual)
    assert (value.value, value.entered_by, value.scope) == (
        Decimal("6.00"),
        programme.coordinator,
        "strategy",
    )
    assert indicator_value_set(year=2023, organisation=None, value=None, **kwargs)
    assert not IndicatorValue.objects.filter(indicator=manual).exists()


def test_entering_values_is_refused_where_it_does_not_belong(programme, manual):
    access = strategy_access(programme.coordinator, programme.strategy)
    kwargs = {"indicator": manual, "user": programme.coordinator, "access": access}
    with pytest.raises(ValidationError, match="rapporteras inte per organisation"):
        indicator_value_set(
            year=2023, organisation=programme.municipality, value=Decimal(1), **kwargs
        )
    with pytest.raises(ValidationError, match="Ange ett år från 1990 till 2100"):
        indicator_value_set(year=1066, organisation=None, value=Decimal(1), **kwargs)
    Indicator.objects.filter(pk=manual.pk).update(kolada_kpi="N07918")
    with pytest.raises(ValidationError, match="hämtas från Kolada"):
        indicator_value_set(year=2023, organisation=None, value=Decimal(1), **kwargs)
    steering = strategy_access(programme.steering, programme.strategy)
    with pytest.raises(PermissionDenied, match="Only the strategy's coordinators"):
        indicator_value_set(
            indicator=manual,
            year=2023,
            organisation=None,
            value=Decimal(1),
            user=programme.steering,
            access=steering,
        )


def test_the_country_s_value_belongs_to_no_organisation(manual):
    from django.db import IntegrityError, transaction

    organisation = Organisation.objects.create(name="Riket?", slug="riket", kind="region")
    with (
        pytest.raises(IntegrityError, match="indicatorvalue_country_without_organisation"),
        transaction.atomic(),
    ):
        IndicatorValue.objects.create(
            indicator=manual, year=2023, value=1, scope="country", organisation=organisation
        )
