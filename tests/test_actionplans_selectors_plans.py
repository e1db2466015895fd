"""The public plan page: filters, grouping by focus area, uncovered directions, totals."""

import pytest

from actionplans.models import Activity
from tests.factories import PROJECT_TOTAL, SECURE, plan_project_make, published_content_make


@pytest.fixture
def published_plan(programme):
    """The programme's published plan with ten activities."""
    published_content_make(programme)
    return programme.published_plan


@pytest.fixture
def _page(published_plan):
    """``_page(client, **filters)``: the published plan's page with those filters."""

    def get(client, **params):
        response = client.get(published_plan.get_absolute_url(), params)
        assert response.status_code == 200
        return response.content.decode()

    return get


def test_all_activities_by_collaboration_area(client, published_plan, _page):
    html = _page(client)
    assert "10 av 10" in html or "10 of 10" in html
    assert html.count('<article class="activity panel"') == 10


def test_filter_by_kind_and_status(client, published_plan, _page):
    Activity.objects.filter(plan=published_plan, title=SECURE).update(status=Activity.Status.DONE)
    html = _page(client, status="done")
    assert html.count('<article class="activity panel"') == 1
    assert SECURE in html
    assert 'value="done" selected' in html


def test_filter_by_focus_area_and_organisation(client, published_plan, _page):
    focus = published_plan.activities.first().focus_areas.first()
    expected = published_plan.activities.filter(focus_areas=focus).count()
    html = _page(client, fokusomrade=focus.slug)
    assert html.count('<article class="activity panel"') == expected
    assert expected < 10  # the filter leaves some out
    org = published_plan.activities.first().lead_organisation
    expected = published_plan.activities.filter(lead_organisation=org).count()
    assert expected < 10
    assert _page(client, organisation=org.slug).count('<article class="activity panel"') == expected


def test_unknown_filter_values_are_ignored_or_match_nothing(client, published_plan, _page):
    assert _page(client, status="<script>").count('<article class="activity panel"') == 10
    html = _page(client, organisation="finns-inte")
    assert '<article class="activity panel"' not in html
    assert "Ingen aktivitet matchar" in html or "No activity matches" in html


def test_grouped_by_focus_area_with_unique_ids(client, published_plan, _page):
    html = _page(client, visa="fokusomraden")
    focus_titles = {fa.title for a in published_plan.activities.all() for fa in a.focus_areas.all()}
    for title in focus_titles:
        assert f">{title}</h2>" in html
    ids = [part.split('"')[0] for part in html.split(' id="')[1:]]
    assert len(ids) == len(set(ids))


def test_directions_without_an_activity(client, published_plan, _page):
    from strategy.models import StrategicDirection

    linked = StrategicDirection.objects.filter(activities__plan=published_plan).distinct()
    unlinked = StrategicDirection.objects.filter(
        focus_area__strategy=published_plan.strategy
    ).exclude(pk__in=linked)
    html = _page(client)
    assert unlinked.exists()
    for direction in unlinked:
        assert f"{direction.focus_area.title}: {direction.title}" in html
    for direction in linked:
        assert f"<li>{direction.focus_area.title}: {direction.title}</li>" not in html


def test_budget_totals_per_year_and_source(client, programme):
    from actionplans.models import ActionPlan

    draft_plan = programme.draft_plan
    plan_project_make(draft_plan)
    ActionPlan.objects.filter(pk=draft_plan.pk).update(state="published")
    html = client.get(draft_plan.get_absolute_url()).content.decode()
    section = html[html.index('id="budget-heading"') :]
    assert PROJECT_TOTAL in section.replace("\xa0", " ")
