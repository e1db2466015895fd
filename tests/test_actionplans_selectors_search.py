"""Searching activities across plans and years: words in title and description, and only
in the plans the reader may see."""

import pytest

from actionplans.selectors.plans import search_activities
from tests.factories import (
    PROJECT,
    SECURE,
    ActivityFactory,
    plan_project_make,
    published_content_make,
)


@pytest.fixture
def published_plan(programme):
    """The programme's published plan with ten activities, ``SECURE`` among them."""
    published_content_make(programme)
    return programme.published_plan


def _titles(client, query):
    html = client.get("/handlingsplaner/sok/", {"q": query}).content.decode()
    return html


def test_finds_published_activities_by_a_word_in_the_description(client, published_plan):
    activity = published_plan.activities.get(title=SECURE)
    word = "meddelandeflöden"
    assert word in activity.description and word not in activity.title
    html = _titles(client, word)
    assert activity.title in html
    assert f"{published_plan.get_absolute_url()}#activity-{activity.pk}" in html


def test_drafts_only_for_those_who_work_on_them(client, programme):
    draft_plan = programme.draft_plan
    plan_project_make(draft_plan)
    assert PROJECT not in _titles(client, "digitaliseringsutveckling")
    client.force_login(programme.contact)
    assert PROJECT not in _titles(client, "digitaliseringsutveckling")
    client.force_login(programme.coordinator)
    html = _titles(client, "digitaliseringsutveckling")
    assert PROJECT in html and draft_plan.get_edit_url() in html


def test_removed_activities_are_not_found(published_plan):
    activity = published_plan.activities.get(title=SECURE)
    assert activity in search_activities(query="TSK", plan_ids=None)
    activity.removed_at = "2024-01-01T00:00:00Z"
    activity.save()
    results = search_activities(query="TSK", plan_ids=None)
    assert activity not in results


def test_every_word_must_match_on_any_database(published_plan):
    either = search_activities(query="säkra", plan_ids=None)
    assert {a.title for a in either if a.plan_id == published_plan.pk} == {
        SECURE,
        "Säkra digitala videomöten",
    }
    results = search_activities(query="TSK säkra", plan_ids=None)
    assert [a.title for a in results] == [SECURE]
    assert search_activities(query="TSK ingenting-sådant", plan_ids=None) == []


def test_an_empty_query_shows_the_form_only(client, db):
    response = client.get("/handlingsplaner/sok/", {"q": "   "})
    assert response.status_code == 200
    assert 'role="search"' in response.content.decode()


def test_a_swedish_inflection_is_found_on_postgresql(published_plan):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("substring matching on other databases; PostgreSQL stems Swedish words")
    # "kommunikationen" stems to the same lexeme as "kommunikation" in the title.
    titles = [a.title for a in search_activities(query="kommunikationen", plan_ids=None)]
    assert SECURE in titles


def _postgresql_only():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the stored text vectors are PostgreSQL's (migration 0017)")


def test_an_edited_activity_is_found_by_its_new_words_at_once(published_plan):
    _postgresql_only()
    activity = published_plan.activities.get(title=SECURE)
    assert search_activities(query="fiberutbyggnad", plan_ids=None) == []
    activity.description = "Samordnad fiberutbyggnad på landsbygden."
    activity.save()
    assert search_activities(query="fiberutbyggnad", plan_ids=None) == [activity]
    # A new activity too, made outside the ORM's save as a bulk insert is.
    [made] = type(activity).objects.bulk_create(
        [
            type(activity)(
                plan=published_plan,
                title="Fiberutbyggnad i glesbygd",
                order=99,
                lead_organisation=activity.lead_organisation,
                collaboration_area=activity.collaboration_area,
            )
        ]
    )
    assert {a.pk for a in search_activities(query="fiberutbyggnad", plan_ids=None)} == {
        activity.pk,
        made.pk,
    }


def test_only_the_newest_matches_are_ranked(published_plan, monkeypatch):
    """A word found in thousands of activities is ranked among the newest SEARCH_RANKED."""
    _postgresql_only()
    from actionplans.selectors import plans

    monkeypatch.setattr(plans, "SEARCH_RANKED", 3)
    template = published_plan.activities.get(title=SECURE)
    made = [
        ActivityFactory(
            plan=published_plan,
            title=f"Bredband etapp {n}",
            collaboration_area=template.collaboration_area,
        )
        for n in range(5)
    ]
    found = search_activities(query="bredband", plan_ids=None)
    assert {a.pk for a in found} == {a.pk for a in made[-3:]}
