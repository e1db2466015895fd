"""The public plan page: filters, grouping by focus area, uncovered directions, totals."""

from actionplans.models import Activity

URL = "/handlingsplaner/orebro-lan-2021-2026/2023/"


def _page(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def test_all_activities_by_collaboration_area(client, published_plan):
    html = _page(client)
    assert "10 av 10" in html or "10 of 10" in html
    assert html.count('<article class="activity panel"') == 10


def test_filter_by_kind_and_status(client, published_plan):
    Activity.objects.filter(plan=published_plan, title__startswith="SDK").update(
        status=Activity.Status.DONE
    )
    html = _page(client, status="done")
    assert html.count('<article class="activity panel"') == 1
    assert "SDK (Säker Digital Kommunikation)" in html
    assert 'value="done" selected' in html


def test_filter_by_focus_area_and_organisation(client, published_plan):
    focus = published_plan.activities.first().focus_areas.first()
    expected = published_plan.activities.filter(focus_areas=focus).count()
    html = _page(client, fokusomrade=focus.slug)
    assert html.count('<article class="activity panel"') == expected
    org = published_plan.activities.first().lead_organisation
    expected = published_plan.activities.filter(lead_organisation=org).count()
    assert _page(client, organisation=org.slug).count('<article class="activity panel"') == expected


def test_unknown_filter_values_are_ignored_or_match_nothing(client, published_plan):
    assert _page(client, status="<script>").count('<article class="activity panel"') == 10
    html = _page(client, organisation="finns-inte")
    assert '<article class="activity panel"' not in html
    assert "Ingen aktivitet matchar" in html or "No activity matches" in html


def test_grouped_by_focus_area_with_unique_ids(client, published_plan):
    html = _page(client, visa="fokusomraden")
    focus_titles = {fa.title for a in published_plan.activities.all() for fa in a.focus_areas.all()}
    for title in focus_titles:
        assert f">{title}</h2>" in html
    ids = [part.split('"')[0] for part in html.split(' id="')[1:]]
    assert len(ids) == len(set(ids))


def test_directions_without_an_activity(client, published_plan):
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


def test_budget_totals_per_year_and_source(client, draft_plan):
    from actionplans.models import ActionPlan

    ActionPlan.objects.filter(pk=draft_plan.pk).update(state="published")
    html = client.get("/handlingsplaner/orebro-lan-2021-2026/2024/").content.decode()
    section = html[html.index('id="budget-heading"') :]
    assert "3 200 358" in section.replace("\xa0", " ")
