"""Searching activities across plans and years: words in title and description, and only
in the plans the reader may see."""

import pytest
from django.contrib.auth.models import AnonymousUser

from actionplans.selectors.plans import readable_plan_ids, search_activities
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


def _search(query):
    """What an anonymous reader finds."""
    return search_activities(query=query, plan_ids=readable_plan_ids(AnonymousUser()))


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
    assert activity in _search("TSK").activities
    activity.removed_at = "2024-01-01T00:00:00Z"
    activity.save()
    results = _search("TSK").activities
    assert activity not in results


def test_every_word_must_match_on_any_database(published_plan):
    either = _search("säkra").activities
    assert {a.title for a in either if a.plan_id == published_plan.pk} == {
        SECURE,
        "Säkra digitala videomöten",
    }
    results = _search("TSK säkra").activities
    assert [a.title for a in results] == [SECURE]
    assert _search("TSK ingenting-sådant").activities == []


def test_an_empty_query_shows_the_form_only(client, db):
    response = client.get("/handlingsplaner/sok/", {"q": "   "})
    assert response.status_code == 200
    assert 'role="search"' in response.content.decode()


def test_a_swedish_inflection_is_found_on_postgresql(published_plan):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("substring matching on other databases; PostgreSQL stems Swedish words")
    # "kommunikationen" stems to the same lexeme as "kommunikation" in the title.
    titles = [a.title for a in _search("kommunikationen").activities]
    assert SECURE in titles


def _postgresql_only():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the stored text vectors are PostgreSQL's (migration 0017)")


def test_an_edited_activity_is_found_by_its_new_words_at_once(published_plan):
    _postgresql_only()
    activity = published_plan.activities.get(title=SECURE)
    assert _search("fiberutbyggnad").activities == []
    activity.description = "Samordnad fiberutbyggnad på landsbygden."
    activity.save()
    assert _search("fiberutbyggnad").activities == [activity]
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
    assert {a.pk for a in _search("fiberutbyggnad").activities} == {
        activity.pk,
        made.pk,
    }


def _made(plan, count, title="Fiberlyft etapp {n}"):
    template = plan.activities.get(title=SECURE)
    return [
        ActivityFactory(
            plan=plan, title=title.format(n=n), collaboration_area=template.collaboration_area
        )
        for n in range(count)
    ]


def test_only_the_newest_matches_are_ranked(published_plan, monkeypatch):
    """A word found in thousands of activities is ranked among the newest SEARCH_RANKED,
    on any database, and the results say that more matched than were ranked."""
    from actionplans.selectors import plans

    monkeypatch.setattr(plans, "SEARCH_RANKED", 3)
    made = _made(published_plan, 5)
    results = _search("fiberlyft")
    assert {a.pk for a in results.activities} == {a.pk for a in made[-3:]}
    # Counted only as far as one past the ranked: never all the matches.
    assert results.matched == 4
    assert results.newest_only


def test_the_best_are_shown_and_the_rest_counted(published_plan, monkeypatch):
    from actionplans.selectors import plans

    monkeypatch.setattr(plans, "SEARCH_SHOWN", 2)
    made = _made(published_plan, 5)
    results = _search("fiberlyft")
    assert len(results.activities) == 2
    assert set(results.activities) <= set(made)
    assert results.matched == 5
    assert not results.newest_only


def test_a_word_in_the_title_ranks_first_on_postgresql(published_plan):
    _postgresql_only()
    [in_description] = _made(published_plan, 1, title="Samordnad utbyggnad")
    in_description.description = "Samordnad fiberlyft på landsbygden."
    in_description.save()
    [in_title] = _made(published_plan, 1, title="Fiberlyft till alla")
    later = _made(published_plan, 1, title="Uppföljning")[0]
    later.description = "Fiberlyft nämns här också."
    later.save()
    # The newest match has the word in its description only: ranked below the title.
    found = _search("fiberlyft").activities
    assert found[0] == in_title
    assert set(found) == {in_description, in_title, later}


def test_the_page_says_how_many_matched_beyond_those_shown(client, published_plan, monkeypatch):
    from actionplans.selectors import plans

    monkeypatch.setattr(plans, "SEARCH_SHOWN", 2)
    _made(published_plan, 5)
    html = _titles(client, "fiberlyft")
    assert "De 2 bästa av 5 aktiviteter som matchar ”fiberlyft”." in html
    assert html.count('class="result-title"') == 2


def test_the_page_says_more_than_were_ranked_without_a_count(client, published_plan, monkeypatch):
    from actionplans.selectors import plans

    monkeypatch.setattr(plans, "SEARCH_SHOWN", 2)
    monkeypatch.setattr(plans, "SEARCH_RANKED", 3)
    _made(published_plan, 5)
    html = _titles(client, "fiberlyft")
    assert "Fler än 3 aktiviteter matchar ”fiberlyft”." in html
    assert "de 2 bästa av de 3 nyaste" in html
    assert "5 aktiviteter" not in html


def test_all_matches_shown_are_counted_as_before(client, published_plan):
    _made(published_plan, 2)
    html = _titles(client, "fiberlyft")
    assert "2 aktiviteter matchar ”fiberlyft”." in html


def test_a_search_takes_a_fixed_number_of_queries(published_plan, django_assert_num_queries):
    """The readable plans' ids, the ranked ids (two steps by substring on other databases)
    and the rows shown, however many match."""
    from django.db import connection

    _made(published_plan, 30)
    queries = 3 if connection.vendor == "postgresql" else 4
    with django_assert_num_queries(queries):
        results = _search("fiberlyft")
        for activity in results.activities:
            str(activity.plan.get_absolute_url()), activity.plan.is_public
            str(activity.collaboration_area), str(activity.lead_organisation)
            str(activity.plan.strategy.title), activity.get_kind_display()
    with django_assert_num_queries(2):
        assert _search("ingenting-sådant").activities == []


def test_a_kept_result_list_changes_with_any_edit(client, published_plan):
    """The page keeps its result list per content version: an edit shows at once."""
    first, second = _made(published_plan, 2)
    assert "2 aktiviteter matchar ”fiberlyft”." in _titles(client, "fiberlyft")
    second.title = "Ett annat namn"
    second.save()
    html = _titles(client, "fiberlyft")
    assert "1 aktivitet matchar ”fiberlyft”." in html
    assert first.title in html and "Ett annat namn" not in html


def test_a_kept_result_list_is_never_shown_to_a_reader_with_other_plans(client, programme):
    """Kept per the plans the reader may see: the coordinator's list, with a draft's
    activity, is not the anonymous reader's."""
    plan_project_make(programme.draft_plan)
    client.force_login(programme.coordinator)
    assert PROJECT in _titles(client, "digitaliseringsutveckling")
    client.logout()
    assert PROJECT not in _titles(client, "digitaliseringsutveckling")


def test_a_kept_result_list_is_not_searched_again(client, published_plan):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _made(published_plan, 3)
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert "3 aktiviteter" in _titles(client, "fiberlyft")
        counts.append(sum("actionplans_activity" in q["sql"] for q in queries))
    # The readable plans' ids and the content version (from the history tables) are read
    # every time; the activities are searched and read only the first time.
    assert counts[0] >= 2
    assert counts[1] == 0
