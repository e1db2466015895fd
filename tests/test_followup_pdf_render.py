"""The round's report: its structure (headings, tables), what it says of activities not
reported, a fixed number of queries, the charts and the memory cap. The demo year's report,
its content and PDF/UA, is tested in test_seed_demo."""

import itertools
import re
import resource
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from actionplans.models import Activity
from bench.followup_data import sample_plan, sample_round
from followup.charts import indicator_chart
from followup.models import ActivityReport
from followup.pdf.content import SubGoalRow, paragraphs, report_context
from followup.pdf.render import TEMPLATE, render_html
from portal.pdf.render import ReportTooLarge, memory_limit


@pytest.fixture
def published_plan(db):
    """A published plan of ten activities under a strategy of its own (as many as the demo's
    Aktiviteter 2023, whose own report is tested in test_seed_demo), and organisations to
    answer its offer."""
    from tests.factories import OrganisationFactory

    for name in ("Norrby kommun", "Söderby kommun"):
        OrganisationFactory(name=name)
    return sample_plan(10, slug="rapport-html", year=2023)


def test_the_html_is_structured(published_plan):
    round = sample_round(published_plan)

    html = render_html(round, version=1)

    assert '<html lang="sv">' in html
    assert re.search(r"<title>[^<]*Aktiviteter 2023[^<]*</title>", html)
    levels = [int(level) for level in re.findall(r"<h([1-6])[\s>]", html)]
    assert set(levels) == {1, 2, 3}
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))
    headers = re.findall(r"<th\b[^>]*>", html)
    assert headers and all('scope="' in th for th in headers)
    # Real tables for the summaries, budget, participation and indicators; an activity is a
    # heading and paragraphs (tables are WeasyPrint's most expensive layout).
    assert html.count("<table") == html.count("</table>") >= 9
    activities = re.findall(r'<section class="activity">(.*?)</section>', html, re.S)
    assert len(activities) == 10
    assert all(a.startswith("<h3>") and "<table" not in a for a in activities)
    # The table of contents points at sections that exist, with their page numbers (CSS).
    for anchor in re.findall(r'<a href="#([^"]+)">', html):
        assert f'id="{anchor}"' in html


def test_activities_without_a_submitted_report_show_as_not_reported(published_plan):
    round = sample_round(published_plan, reported=1.0)
    first, second, removed = list(published_plan.activities.order_by("pk")[:3])
    ActivityReport.objects.filter(round=round, activity=first).delete()
    ActivityReport.objects.filter(round=round, activity=second).update(state="draft")
    Activity.objects.filter(pk=removed.pk).update(removed_at=timezone.now())

    context = report_context(round)
    html = render_html(round)

    entries = {entry.activity.pk: entry for entry in context["entries"]}
    assert removed.pk not in entries and removed.title not in html
    assert entries[first.pk].report is None and not entries[first.pk].draft
    assert entries[second.pk].report is None and entries[second.pk].draft
    assert context["overall"].progress.total == 9
    assert context["overall"].not_reported == 2
    with translation.override("sv"):
        assert _("Not reported.") in html
        assert _("Not reported: the report is a draft that has not been submitted.") in html


def _queries(activities: int) -> tuple[int, dict]:
    round = sample_round(sample_plan(activities, slug=f"fragor-{activities}"))
    with CaptureQueriesContext(connection) as queries:
        context = report_context(round)
    return len(queries), context


def test_the_content_takes_a_fixed_number_of_queries_and_the_template_none(db):
    few, _ = _queries(5)
    many, large = _queries(50)

    assert few == many
    assert len(large["entries"]) == 50 and large["indicator_groups"] and large["participation"]

    def blocker(execute, sql, params, many, context):
        raise AssertionError(f"query while rendering the report: {sql}")

    with connection.execute_wrapper(blocker):
        render_to_string(
            TEMPLATE, {**large, "version": 1, "generated_at": timezone.now(), "language": "sv"}
        )


def test_an_activitys_details_as_text():
    row = SubGoalRow(title="Rådsmöten.", planned=4, period="per år", performed=2, comment="")
    missing = SubGoalRow(title="Utbildning", planned=None, period="", performed=None, comment="")
    with translation.override("sv"):
        assert (row.name, row.outcome_text) == ("Rådsmöten", "2\u00a0av\u00a04\u00a0per\u00a0år")
        assert missing.outcome_text == "–\u00a0av\u00a0–"
    assert paragraphs("Ett.\nTvå.\n\n  \nTre.\n") == ["Ett.\nTvå.", "Tre."]
    assert paragraphs("") == []


def test_the_chart_is_an_accessible_svg_with_escaped_text():
    chart = indicator_chart(
        title='Andel <script>alert("x")</script> & mer',
        unit="%",
        years=[2021, 2022, 2023],
        targets={2021: Decimal("10"), 2023: Decimal("30")},
        values={2021: Decimal("12.5"), 2022: Decimal("-3")},
    )

    svg = ET.fromstring(chart.svg)  # noqa: S314 - our own output, checked to be well-formed
    namespace = "{http://www.w3.org/2000/svg}"
    assert svg.find(f"{namespace}title").text == 'Andel <script>alert("x")</script> & mer (%)'
    assert "<script>" not in chart.svg
    assert svg.get("role") == "img"
    assert chart.data_url.startswith("data:image/svg+xml;base64,")
    assert indicator_chart(title="t", unit="", years=[2021], targets={}, values={}) is None


def test_the_memory_cap_turns_running_out_into_a_clear_error():
    before = resource.getrlimit(resource.RLIMIT_AS)

    with pytest.raises(ReportTooLarge, match="50 MB"), memory_limit(50):
        bytearray(400 * 2**20)

    assert resource.getrlimit(resource.RLIMIT_AS) == before
    assert len(bytearray(100 * 2**20)) == 100 * 2**20  # and memory is usable again
