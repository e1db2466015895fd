"""The programme dashboard (followup.dashboard, followup.views.dashboard): who sees which
rounds, its sections in order, the deviations, and charts whose figures are the tables'."""

import base64
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from html import unescape

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actionplans.models import ActionPlan
from bench.followup_data import sample_plan, sample_round
from followup.access import DashboardAccess, dashboard_access
from followup.dashboard.selectors import programme_overview
from followup.models import ActivityReport, FollowUpRound, IndicatorValue, Report
from followup.pdf.render import render_html
from portal import writes
from strategy.models import Indicator
from tests.factories import ActivityFactory, OrganisationFactory

SVG = "{http://www.w3.org/2000/svg}"


def _url(strategy) -> str:
    return f"/strategier/{strategy.slug}/uppfoljning/oversikt/"


def _round(plan, *, year=None, term="", approved=False) -> FollowUpRound:
    followup_round = FollowUpRound.objects.create(
        plan=plan, year=year or plan.year, term=term, deadline="2099-12-31"
    )
    if approved:
        Report.objects.create(
            round=followup_round, version=1, state=Report.State.DONE, review="approved"
        )
    return followup_round


def _report(followup_round, activity, *, light="green", comment="", progress=50):
    return ActivityReport.objects.create(
        round=followup_round,
        activity=activity,
        state=ActivityReport.State.SUBMITTED,
        status="ongoing",
        traffic_light=light,
        traffic_light_comment=comment,
        progress=progress,
    )


# --- Who sees what ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("plan_state", "approved", "public", "programme"),
    [
        (ActionPlan.State.PUBLISHED, True, True, True),
        (ActionPlan.State.CLOSED, True, True, True),
        (ActionPlan.State.PUBLISHED, False, False, True),
        (ActionPlan.State.APPROVED, True, False, True),
        (ActionPlan.State.DRAFT, False, False, False),
        (ActionPlan.State.REVIEW, True, False, False),
    ],
)
def test_the_public_sees_approved_rounds_of_published_plans_the_programme_more(
    plan_state, approved, public, programme
):
    shown = DashboardAccess(works_on_programme=False).shows_round
    assert shown(plan_state=plan_state, approved=approved) is public
    shown = DashboardAccess(works_on_programme=True).shows_round
    assert shown(plan_state=plan_state, approved=approved) is programme


def test_those_who_work_on_the_programme_are_its_bodies_and_leads(programme):
    p = programme
    for user in (p.coordinator, p.steering, p.commenter, p.lead):
        assert dashboard_access(user, p.strategy).works_on_programme, user.username
    for user in (p.member, p.contact, p.outsider, AnonymousUser()):
        assert not dashboard_access(user, p.strategy).works_on_programme, str(user)


def test_the_current_round_is_shown_to_the_programme_only(client, programme):
    p = programme
    approved = _round(p.published_plan, approved=True)
    current = _round(p.published_plan, year=2024)
    for followup_round in (approved, current):
        _report(followup_round, ActivityFactory(plan=p.published_plan, collaboration_area=p.area))

    public = client.get(_url(p.strategy))
    client.force_login(p.steering)
    inside = client.get(_url(p.strategy))

    assert public.context["overview"].rounds == [approved]
    assert inside.context["overview"].rounds == [approved, current]
    assert "2024" not in public.context["overview"].periods


def test_the_overview_is_drawn_once_per_content_version_and_view(client, programme):
    p = programme
    approved = _round(p.published_plan, approved=True)
    activity = ActivityFactory(plan=p.published_plan, collaboration_area=p.area)
    report = _report(approved, activity, light="yellow", comment="Försenad upphandling.")
    with CaptureQueriesContext(connection) as drawn:
        client.get(_url(p.strategy))
    writes.versions.clear()  # as after a write in another process
    with CaptureQueriesContext(connection) as captured:
        again = client.get(_url(p.strategy))
    assert again.content.decode().count("Försenad upphandling.") == 1
    # Kept: the strategy and the content version are all that is read.
    assert len(captured) == 2 < len(drawn)
    # A new comment shows at once; the programme's view is its own.
    report.traffic_light_comment = "Upphandlingen klar i mars."
    report.save()
    html = client.get(_url(p.strategy)).content.decode()
    assert "Upphandlingen klar i mars." in html
    assert "Försenad upphandling." not in html
    # The programme's view is drawn for itself: it shows the round still under way.
    current = _round(p.published_plan, year=2024)
    _report(current, activity, light="red", comment="Ny leverantör behövs.")
    assert "Ny leverantör behövs." not in client.get(_url(p.strategy)).content.decode()
    client.force_login(p.steering)
    assert "Ny leverantör behövs." in client.get(_url(p.strategy)).content.decode()


def test_a_strategy_that_is_not_public_is_a_404_outside_the_programme(client, programme):
    p = programme
    type(p.strategy).objects.filter(pk=p.strategy.pk).update(is_public=False)

    assert client.get(_url(p.strategy)).status_code == 404
    client.force_login(p.member)
    assert client.get(_url(p.strategy)).status_code == 404
    client.force_login(p.coordinator)
    assert client.get(_url(p.strategy)).status_code == 200


def test_an_entered_value_is_public_only_for_a_year_the_public_sees(programme):
    p = programme
    _round(p.published_plan, approved=True)  # 2023
    indicator = Indicator.objects.create(strategy=p.strategy, title="Andel e-tjänster")
    IndicatorValue.objects.create(indicator=indicator, year=2023, value=10)
    IndicatorValue.objects.create(indicator=indicator, year=2024, value=20)
    IndicatorValue.objects.create(indicator=indicator, year=2024, value=30, scope="country")
    IndicatorValue.objects.create(indicator=indicator, year=2022, value=5, source="kolada")

    public = programme_overview(p.strategy, DashboardAccess(works_on_programme=False))
    inside = programme_overview(p.strategy, DashboardAccess(works_on_programme=True))

    (trend,) = public.indicators
    assert [(row.year, row.value, row.country) for row in trend.years] == [
        (2022, Decimal(5), None),
        (2023, Decimal(10), None),
    ]
    assert trend.from_kolada
    (trend,) = inside.indicators
    assert [(row.year, row.value, row.country) for row in trend.years][-1] == (
        2024,
        Decimal(20),
        Decimal(30),
    )


# --- The page's sections ------------------------------------------------------------------------


def test_deviations_come_first_newest_round_first_red_before_yellow(client, programme):
    p = programme
    older = _round(p.published_plan, approved=True)
    newer = _round(p.published_plan, year=2024, approved=True)
    late, stuck, fine = (
        ActivityFactory(plan=p.published_plan, collaboration_area=p.area, title=title)
        for title in ("Sen aktivitet", "Fast aktivitet", "Bra aktivitet")
    )
    _report(older, stuck, light="red", comment="Leverantören gick i konkurs.")
    _report(newer, late, light="yellow", comment="Försenad upphandling.")
    _report(newer, stuck, light="red", comment="Fortfarande stopp.")
    _report(newer, fine, light="green", comment="Allt väl.")

    html = client.get(_url(p.strategy)).content.decode()

    sections = re.findall(r'<h2 id="([a-z-]+)-heading"', html)
    assert sections == [
        "deviations",
        "focus-progress",
        "area-progress",
        "lights",
        "indicators",
        "participation",
        "budget",
    ]
    assert html.index("Fortfarande stopp.") < html.index("Försenad upphandling.")
    assert html.index("Försenad upphandling.") < html.index("Leverantören gick i konkurs.")
    assert "Allt väl." not in html


# --- Charts: the figures are the tables' ------------------------------------------------------


def _figures(html: str) -> list[tuple[ET.Element, list[tuple[str, list[str]]]]]:
    """Each chart beside its table: the SVG and the table's body rows (header, cells)."""
    found = []
    for block in re.findall(r'<div class="chart-and-table">(.*?)</table>', html, re.S):
        image = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', block)
        if image is None:
            continue
        svg = ET.fromstring(base64.b64decode(image.group(1)))  # noqa: S314 (our own SVG)
        body = block.split("<tbody>", 1)[1]
        rows = [
            (
                re.search(r'<th scope="row">(.*?)</th>', row).group(1),  # type: ignore[union-attr]
                re.findall(r'<td class="number">(.*?)</td>', row),
            )
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
        ]
        found.append((svg, rows))
    return found


def _elements(svg: ET.Element, tag: str, **attributes: str) -> list[ET.Element]:
    return [
        element
        for element in svg.iter(f"{SVG}{tag}")
        if all(element.get(name) == value for name, value in attributes.items())
    ]


def _number(text: str) -> float:
    return float(text.replace("%", "").replace("\xa0", "").replace(" ", "").replace(",", "."))


def _one_scale(ratios: list[float]) -> bool:
    return bool(ratios) and max(ratios) - min(ratios) <= 0.01 * max(ratios)


@pytest.fixture
def reported_strategy(db):
    """A published plan of 30 activities under its own strategy with a round whose report is
    approved, and the answers, budget and indicators sample_round makes."""
    for name in ("Norrby kommun", "Söderby kommun"):
        OrganisationFactory(name=name)
    plan = sample_plan(30, slug="oversikt", year=2023)
    followup_round = sample_round(plan)
    Report.objects.create(round=followup_round, version=1, state="done", review="approved")
    return plan.strategy


def test_each_bar_charts_labels_and_lengths_are_its_tables_figures(client, reported_strategy):
    html = client.get(_url(reported_strategy)).content.decode()

    bar_charts = [
        (svg, rows) for svg, rows in _figures(html) if _elements(svg, "rect", **{"class": "bar"})
    ]
    # The table columns each chart's series draw, in the page's order: progress per focus
    # area and per collaboration area (one period), lights (green, yellow, red; not "no
    # light"), participation (takes part), budget (the lines reported, the outcome).
    columns = [[0], [0], [0, 1, 2], [0], [1, 2]]
    assert len(bar_charts) == len(columns)
    for (svg, rows), drawn in zip(bar_charts, columns, strict=True):
        categories = [t.text for t in _elements(svg, "text", **{"class": "category"})]
        assert len(categories) == len(rows)
        for category, (header, _cells) in zip(categories, rows, strict=True):
            assert unescape(header).startswith((category or "").rstrip("…"))
        ratios = []
        for series, column in enumerate(drawn):
            labels = _elements(svg, "text", **{"class": "value", "data-series": str(series)})
            assert [t.text for t in labels] == [cells[column] for _, cells in rows]
            bars = _elements(svg, "rect", **{"class": "bar", "data-series": str(series)})
            figures = [_number(cells[column]) for _, cells in rows if cells[column] != "–"]
            assert len(bars) == len(figures)
            ratios += [
                float(bar.get("width") or 0) / f for bar, f in zip(bars, figures, strict=True) if f
            ]
        # Every bar's length is its figure on one scale.
        assert _one_scale(ratios)


def test_an_indicators_bars_are_its_values_and_the_countrys(client, reported_strategy):
    indicator = Indicator.objects.filter(strategy=reported_strategy).first()
    IndicatorValue.objects.update_or_create(
        indicator=indicator, year=2023, scope="country", defaults={"value": Decimal(40)}
    )

    html = client.get(_url(reported_strategy)).content.decode()

    charts = [
        (svg, rows)
        for svg, rows in _figures(html)
        if _elements(svg, "rect", **{"class": "comparison"})
    ]
    assert charts
    svg, rows = charts[0]
    table = dict(rows)  # year -> target, value, whole country
    ratios = []
    for kind, column in (("value", 1), ("comparison", 2)):
        bars = _elements(svg, "rect", **{"class": kind})
        assert sorted(bar.get("data-year") for bar in bars) == sorted(
            year for year, cells in table.items() if cells[column] != "–"
        )
        ratios += [
            float(bar.get("height") or 0) / _number(table[bar.get("data-year")][column])
            for bar in bars
        ]
    assert _one_scale(ratios)


# --- The PDF report -----------------------------------------------------------------------------


def test_the_pdf_report_opens_with_the_overview(reported_strategy):
    followup_round = FollowUpRound.objects.get(plan__strategy=reported_strategy)
    stuck = followup_round.reports.filter(state="submitted").first()
    ActivityReport.objects.filter(pk=stuck.pk).update(
        traffic_light="red", traffic_light_comment="Stopp i leveransen."
    )

    html = render_html(followup_round, version=1)

    chapters = re.findall(r'<section class="chapter" id="([a-z-]+)"', html)
    assert chapters[0] == "overview"
    overview = html.split('id="overview"', 1)[1].split('<section class="chapter"', 1)[0]
    assert overview.index("overview-deviations") < overview.index("overview-progress")
    assert overview.index("overview-progress") < overview.index("overview-indicators")
    assert "Stopp i leveransen." in overview
    assert overview.count("data:image/svg+xml") >= 3


def test_a_made_up_round_is_said_to_be_example_data(client, programme):
    p = programme
    real = _round(p.published_plan, approved=True)
    _report(real, ActivityFactory(plan=p.published_plan, collaboration_area=p.area))
    assert "example-note" not in client.get(_url(p.strategy)).content.decode()
    # Saved as the demo saves it: with a history row, so the kept overview is drawn again.
    real.example = True
    real.save()
    html = client.get(_url(p.strategy)).content.decode()
    assert "example-note" in html
    assert "Exempeldata" in html
