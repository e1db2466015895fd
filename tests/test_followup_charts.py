"""The hand-drawn SVG bar chart (followup.charts.bar_chart): escaped text, series told apart
without colour, long names cut short, and no chart of nothing but zeros."""

import xml.etree.ElementTree as ET
from decimal import Decimal

from followup.charts import Series, bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def _chart(series, categories=("Öppna <data>",)):
    return bar_chart(
        title="Titel & <mer>", description="Beskrivning", categories=list(categories), series=series
    )


def test_text_is_escaped_and_the_svg_well_formed():
    chart = _chart([Series(label="2023 <vår>", values=[Decimal(3)])])

    svg = ET.fromstring(chart.svg)  # noqa: S314 - our own output, checked to be well-formed
    assert svg.find(f"{SVG}title").text == "Titel & <mer>"
    assert [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "category"] == [
        "Öppna <data>"
    ]
    assert chart.data_url.startswith("data:image/svg+xml;base64,")


def test_each_series_has_a_fill_of_its_own_with_a_pattern_beyond_the_first():
    chart = _chart(
        [Series(label=str(year), values=[Decimal(year - 2019)]) for year in range(2020, 2024)]
    )

    svg = ET.fromstring(chart.svg)  # noqa: S314 - our own output
    fills = [r.get("fill") for r in svg.iter(f"{SVG}rect") if r.get("class") == "bar"]
    assert len(set(fills)) == 4
    assert all(fill.startswith("url(#p-") for fill in fills[1:])
    patterns = {p.get("id") for p in svg.iter(f"{SVG}pattern")}
    assert {fill[5:-1] for fill in fills[1:]} <= patterns


def test_a_long_name_is_cut_short_in_the_chart():
    name = "Digital infrastruktur och bredband i hela länet"
    svg = ET.fromstring(_chart([Series(label="x", values=[Decimal(1)])], [name]).svg)  # noqa: S314

    (label,) = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "category"]
    assert label.endswith("…") and name.startswith(label[:-1]) and len(label) < len(name)


def test_nothing_but_zeros_or_no_figures_draws_no_chart():
    assert _chart([Series(label="x", values=[Decimal(0)])]) is None
    assert _chart([Series(label="x", values=[None])]) is None
    assert _chart([]) is None
