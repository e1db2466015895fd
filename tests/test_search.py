"""Searching activities across plans and years: words in title and description, and only
in the plans the reader may see."""

import pytest

from actionplans.selectors.plans import search_activities
from tests.conftest import demo_user

DRAFT_PROJECT = "Regional digitaliseringsutveckling"


def _titles(client, query):
    html = client.get("/handlingsplaner/sok/", {"q": query}).content.decode()
    return html


def test_finds_published_activities_by_a_word_in_the_description(client, published_plan):
    activity = published_plan.activities.get(title__startswith="SDK")
    word = "kommunikation"
    assert word in (activity.title + activity.description).lower()
    html = _titles(client, word)
    assert activity.title in html
    assert f"{published_plan.get_absolute_url()}#activity-{activity.pk}" in html


def test_drafts_only_for_those_who_work_on_them(client, draft_plan):
    assert DRAFT_PROJECT not in _titles(client, "digitaliseringsutveckling")
    client.force_login(demo_user("kontakt-kumla"))
    assert DRAFT_PROJECT not in _titles(client, "digitaliseringsutveckling")
    client.force_login(demo_user("samordnare"))
    html = _titles(client, "digitaliseringsutveckling")
    assert DRAFT_PROJECT in html and draft_plan.get_edit_url() in html


def test_removed_activities_are_not_found(published_plan):
    activity = published_plan.activities.get(title__startswith="SDK")
    activity.removed_at = "2024-01-01T00:00:00Z"
    activity.save()
    results = search_activities(query="SDK", plan_ids=None)
    assert activity not in results


def test_every_word_must_match_on_any_database(published_plan):
    results = search_activities(query="SDK säker", plan_ids=None)
    assert [a.title for a in results] == ["SDK (Säker Digital Kommunikation)"]
    assert search_activities(query="SDK ingenting-sådant", plan_ids=None) == []


def test_an_empty_query_shows_the_form_only(client, demo):
    response = client.get("/handlingsplaner/sok/", {"q": "   "})
    assert response.status_code == 200
    assert 'role="search"' in response.content.decode()


def test_a_swedish_inflection_is_found_on_postgresql(published_plan):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("substring matching on other databases; PostgreSQL stems Swedish words")
    # "kommunikationen" stems to the same lexeme as "Kommunikation" in the title.
    titles = [a.title for a in search_activities(query="kommunikationen", plan_ids=None)]
    assert "SDK (Säker Digital Kommunikation)" in titles
