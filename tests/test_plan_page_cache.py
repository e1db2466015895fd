"""The plan page's activity list is rendered once per version of its content."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from actionplans.models import Activity

URL = "/handlingsplaner/orebro-lan-2021-2026/2023/"


def _get(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_second_view_is_served_from_the_cache(client, demo):
    first, cold = _get(client)
    second, warm = _get(client)
    main = slice(first.index("<main"), first.index("</main>"))
    assert first[main] == second[main]  # the header differs only by its CSRF token
    assert warm < cold


def test_an_edit_shows_at_once(client, demo):
    _get(client)
    activity = Activity.objects.get(plan__year=2023, title__startswith="SDK")
    activity.title = "SDK – säker digital kommunikation i hela länet"
    activity.save()
    html, _ = _get(client)
    assert "SDK – säker digital kommunikation i hela länet" in html


def test_a_renamed_focus_area_shows_at_once(client, demo):
    from strategy.models import FocusArea

    _get(client)
    area = FocusArea.objects.get(strategy__slug="orebro-lan-2021-2026", title="Digital trygghet")
    area.title = "Digital säkerhet och trygghet"
    area.save()
    assert "Digital säkerhet och trygghet" in _get(client)[0]


def test_a_deleted_activity_disappears(client, demo):
    _get(client)
    Activity.objects.get(plan__year=2023, title__startswith="SDK").delete()
    assert "SDK (Säker Digital Kommunikation)" not in _get(client)[0]


def test_each_language_has_its_own_copy(client, demo):
    swedish, _ = _get(client)
    client.cookies["django_language"] = "en"
    english, _ = _get(client)
    assert "Fokusområden" in swedish and "Focus areas" in english


def test_an_edited_sub_goal_or_budget_line_shows_at_once(client, demo):
    from actionplans.models import ActionPlan, BudgetLine, SubGoal

    ActionPlan.objects.filter(year=2024).update(state=ActionPlan.State.PUBLISHED)
    url = "/handlingsplaner/orebro-lan-2021-2026/2024/"
    client.get(url)
    sub_goal = SubGoal.objects.get(activity__plan__year=2024, order=4)
    sub_goal.title = "Genomföra en årlig länsgemensam digitaliseringsdag i Kumla"
    sub_goal.save()
    assert "digitaliseringsdag i Kumla" in client.get(url).content.decode()
    line = BudgetLine.objects.get(activity__plan__year=2024, label="Egen personal", year=2025)
    line.amount = 999_001
    line.save()
    assert "999\xa0001" in client.get(url).content.decode()
