"""followup.selectors: which indicators an activity's report asks for, whom Kolada's values
are fetched for, and the table of an indicator's values."""

from decimal import Decimal

from followup.models import IndicatorValue
from followup.selectors import indicator_values, kolada_places, report_indicators
from strategy.models import Indicator
from tests.factories import OrganisationFactory, activities_make


def test_the_report_does_not_ask_for_values_that_come_from_kolada(programme):
    activity = activities_make(programme)[0]
    activity.focus_areas.add(programme.focus_area)
    entered = Indicator.objects.create(
        strategy=programme.strategy, focus_area=programme.focus_area, title="Handräknat"
    )
    Indicator.objects.create(
        strategy=programme.strategy,
        focus_area=programme.focus_area,
        title="Från Kolada",
        kolada_kpi="N07918",
    )
    assert list(report_indicators(activity)) == [entered]


def test_kolada_places_are_the_owner_and_its_county_s_municipalities(programme):
    region = programme.region
    assert kolada_places(programme.strategy).overall is None  # no Kolada id yet
    region.county, region.kolada_id = "Provlän", "0097"
    region.save()
    south = OrganisationFactory(name="Söderby kommun", county="Provlän", kolada_id="9702")
    north = OrganisationFactory(name="Norrby kommun", county="Provlän", kolada_id="9701")
    OrganisationFactory(name="Provläns universitet", county="Provlän", kind="university")
    OrganisationFactory(name="Utan id kommun", county="Provlän")
    OrganisationFactory(name="Annat läns kommun", county="Annat län", kolada_id="9801")
    places = kolada_places(programme.strategy)
    assert places.overall == region
    assert places.municipalities == [north, south]


def test_the_table_of_values(programme):
    indicator = Indicator.objects.create(
        strategy=programme.strategy,
        focus_area=programme.focus_area,
        title="Bredband",
        per_organisation=True,
    )
    indicator.targets.create(year=2025, value=95)
    IndicatorValue.objects.create(indicator=indicator, year=2023, value=Decimal("90"))
    IndicatorValue.objects.create(indicator=indicator, year=2023, value=80, scope="country")
    IndicatorValue.objects.create(
        indicator=indicator, year=2024, value=70, organisation=programme.municipality
    )
    table = indicator_values(indicator, years=[2024])
    assert table.years == [2023, 2024, 2025]
    assert table.targets == [None, None, Decimal("95.00")]
    assert [row.label for row in table.rows] == [
        "Strategin som helhet",
        programme.municipality.name,
        "Hela riket",
    ]
    cells = [[cell.value if cell else None for cell in row.cells] for row in table.rows]
    assert cells == [
        [Decimal("90.00"), None, None],
        [None, Decimal("70.00"), None],
        [Decimal("80.00"), None, None],
    ]
    assert table.rows[-1].is_country and not table.from_kolada
