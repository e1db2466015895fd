"""The plan page's activity list is rendered once per version of its content."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actionplans.models import Activity
from tests.factories import SECURE, plan_project_make, published_content_make


@pytest.fixture
def content(programme):
    """The programme's published plan with ten activities."""
    return published_content_make(programme)


@pytest.fixture
def _get(programme, content):
    """``_get(client)``: the published plan's page and the queries it took."""

    def get(client):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(programme.published_plan.get_absolute_url())
        assert response.status_code == 200
        return response.content.decode(), len(queries)

    return get


def test_second_view_is_served_from_the_cache(client, _get):
    first, cold = _get(client)
    second, warm = _get(client)
    main = slice(first.index("<main"), first.index("</main>"))
    assert first[main] == second[main]  # the header differs only by its CSRF token
    assert warm < cold


def test_an_edit_shows_at_once(client, _get, content):
    _get(client)
    activity = Activity.objects.get(pk=content.secure.pk)
    activity.title = "TSK – säker kommunikation i hela länet"
    activity.save()
    html, _ = _get(client)
    assert "TSK – säker kommunikation i hela länet" in html


def test_a_renamed_focus_area_shows_at_once(client, _get, content):
    _get(client)
    area = content.security
    area.title = "Digital säkerhet och trygghet"
    area.save()
    assert "Digital säkerhet och trygghet" in _get(client)[0]


def test_a_deleted_activity_disappears(client, _get, content):
    assert SECURE in _get(client)[0]
    Activity.objects.get(pk=content.secure.pk).delete()
    assert SECURE not in _get(client)[0]


def test_each_language_has_its_own_copy(client, _get):
    swedish, _ = _get(client)
    client.cookies["django_language"] = "en"
    english, _ = _get(client)
    assert "Fokusområden" in swedish and "Focus areas" in english


def test_an_edited_sub_goal_or_budget_line_shows_at_once(client, programme):
    from actionplans.models import ActionPlan, BudgetLine, SubGoal

    plan = programme.draft_plan
    plan_project_make(plan)
    ActionPlan.objects.filter(pk=plan.pk).update(state=ActionPlan.State.PUBLISHED)
    url = plan.get_absolute_url()
    client.get(url)
    sub_goal = SubGoal.objects.get(activity__plan=plan, order=4)
    sub_goal.title = "Genomföra en årlig länsgemensam digitaliseringsdag i Kumla"
    sub_goal.save()
    assert "digitaliseringsdag i Kumla" in client.get(url).content.decode()
    line = BudgetLine.objects.get(activity__plan=plan, label="Egen personal", year=2025)
    line.amount = 999_001
    line.save()
    assert "999\xa0001" in client.get(url).content.decode()


def test_the_page_is_rendered_without_the_cache_while_redis_is_down(
    client, programme, content, settings, caplog, monkeypatch
):
    """Redis unreachable costs the page its cache, never a 500, and one log line."""
    import logging

    from portal import cache as portal_cache

    monkeypatch.setattr(portal_cache, "_outages", {})
    settings.CACHES = {
        "default": {"BACKEND": "portal.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    url = programme.published_plan.get_absolute_url()
    with caplog.at_level(logging.INFO):
        for _ in range(20):
            response = client.get(url)
            assert response.status_code == 200
            assert SECURE in response.content.decode()
    cache_records = [r for r in caplog.records if r.name == "portal.cache"]
    assert [r.levelname for r in cache_records] == ["WARNING"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
