"""followup.pdf.indicators: the indicators of the round's report and of the round's page,
with values fetched from Kolada beside values entered: the whole country's are not the
strategy's, and 'Källa: Kolada' stands under Kolada's."""

from decimal import Decimal

import pytest

from followup.models import IndicatorValue
from followup.pdf.indicators import indicator_groups
from followup.pdf.render import render_html
from strategy.models import Indicator
from tests.factories import activities_make


@pytest.fixture
def round_(programme, programme_round):
    activities_make(programme)
    return programme_round(programme.published_plan)


@pytest.fixture
def indicators(programme):
    kolada = Indicator.objects.create(
        strategy=programme.strategy,
        focus_area=programme.focus_area,
        title="Bredband 1 Gbit/s",
        unit="%",
        kolada_kpi="N07918",
        order=1,
    )
    kolada.targets.create(year=2023, value=90)
    IndicatorValue.objects.create(
        indicator=kolada, year=2023, value=Decimal("91.2"), source="kolada"
    )
    IndicatorValue.objects.create(
        indicator=kolada, year=2023, value=Decimal("77.7"), source="kolada", scope="country"
    )
    entered = Indicator.objects.create(
        strategy=programme.strategy, focus_area=programme.focus_area, title="Handräknat", order=2
    )
    IndicatorValue.objects.create(indicator=entered, year=2023, value=5)
    return kolada, entered


def test_the_country_is_not_the_strategy_s_value(round_, indicators):
    (group,) = indicator_groups(round_)
    kolada, entered = group.entries
    assert [(row.year, row.target, row.value) for row in kolada.rows] == [
        (2023, Decimal("90.00"), Decimal("91.20"))
    ]
    assert (kolada.from_kolada, entered.from_kolada) == (True, False)


def test_the_country_alone_is_no_value_of_the_strategy_s(round_, indicators):
    kolada, _ = indicators
    IndicatorValue.objects.filter(indicator=kolada, scope="strategy").delete()
    (group,) = indicator_groups(round_)
    assert [row.value for row in group.entries[0].rows] == [None]
    assert not group.entries[0].from_kolada


def test_the_report_and_the_round_page_name_kolada(client, programme, round_, indicators):
    html = render_html(round_, version=1)
    # Once in the overview (followup.dashboard) and once in the indicators' chapter, each
    # time under the Kolada indicator, not under the one entered by hand.
    overview, chapters = html.split('<section class="chapter" id="summary">', 1)
    for part in (overview, chapters):
        assert part.count("Källa: Kolada") == 1
        kolada = part.index("Bredband 1 Gbit/s")
        assert kolada < part.index("Källa: Kolada") < part.index("Handräknat", kolada)
    client.force_login(programme.coordinator)
    page = client.get(round_.get_absolute_url()).content.decode()
    assert page.count("Källa: Kolada") == 1
