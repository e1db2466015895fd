"""The API's endpoints of each app (strategy.api, actionplans.api, followup.api,
portal.api.views): what each reader sees, the filters, the write of indicator values, and
query counts that do not grow with the page size."""

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from followup.models import IndicatorValue
from portal import writes
from portal.models import Decision
from strategy.models import Indicator, Strategy
from tests.factories import (
    activities_make,
    api_key_make,
    programme_make,
    published_content_make,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    return programme_make()


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


# --- strategy.api ----------------------------------------------------------------------------


def test_the_strategy_tree(client, programme):
    response = client.get(f"/api/v1/strategies/{programme.strategy.slug}/")
    assert response.status_code == 200
    tree = response.json()
    assert tree["owner"] == programme.region.slug
    (focus_area,) = tree["focus_areas"]
    assert focus_area["title"] == "Digital förmåga"
    assert [d["title"] for d in focus_area["directions"]] == ["Stärka den digitala förmågan"]
    assert {a["name"] for a in tree["collaboration_areas"]} == {
        "Digital infrastruktur",
        "Öppna data",
    }


def test_a_strategy_names_its_workflow_state(client, programme):
    url = f"/api/v1/strategies/{programme.strategy.slug}/"
    tree = client.get(url).json()
    assert (tree["state"], tree["state_label"]) == ("in_force", "Gällande")
    # The anonymous answer is kept per language: the English reader gets English labels.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get(url).json()["state_label"] == "In force"
    Strategy.objects.filter(pk=programme.strategy.pk).update(state=Strategy.State.CONSULTATION)
    listed = client.get("/api/v1/strategies/").json()["results"]
    (found,) = [s for s in listed if s["slug"] == programme.strategy.slug]
    assert (found["state"], found["state_label"]) == ("consultation", "On consultation")


def test_a_strategy_that_is_not_public_is_seen_by_its_coordinators_only(client, programme):
    programme.strategy.is_public = False
    programme.strategy.save()
    url = f"/api/v1/strategies/{programme.strategy.slug}/"
    assert client.get(url).status_code == 404
    assert client.get(url, **bearer(api_key_make(programme.outsider))).status_code == 404
    assert client.get(url, **bearer(api_key_make(programme.coordinator))).status_code == 200
    listed = client.get("/api/v1/strategies/").json()["results"]
    assert programme.strategy.slug not in {s["slug"] for s in listed}


def test_indicators_with_their_targets(client, programme):
    indicator = Indicator.objects.create(
        strategy=programme.strategy, focus_area=programme.focus_area, title="Andel e-tjänster"
    )
    indicator.targets.create(year=2026, value=Decimal("75"))
    found = client.get("/api/v1/indicators/", {"strategy": programme.strategy.slug}).json()
    assert found["results"] == [
        {
            "id": indicator.pk,
            "strategy": programme.strategy.slug,
            "focus_area": programme.focus_area.pk,
            "effect_goal": None,
            "order": 0,
            "title": "Andel e-tjänster",
            "description": "",
            "unit": "",
            "direction": indicator.direction,
            "per_organisation": False,
            "kolada_kpi": "",
            "targets": [{"year": 2026, "value": 75.0}],
        }
    ]


# --- actionplans.api --------------------------------------------------------------------------


def test_a_draft_plan_is_a_404_to_the_public_and_seen_with_a_workers_key(client, programme):
    url = f"/api/v1/plans/{programme.draft_plan.pk}/"
    assert client.get(url).status_code == 404
    assert client.get(url, **bearer(api_key_make(programme.member))).status_code == 404
    for worker in (programme.coordinator, programme.lead):
        response = client.get(url, **bearer(api_key_make(worker)))
        assert response.status_code == 200
        assert response.json()["state"] == "draft"


def test_a_whole_plan_with_its_activities(client, programme):
    made = activities_make(programme)
    made[0].sub_goals.create(title="Kartlägga bredbandet", planned_count=3)
    plan = client.get(f"/api/v1/plans/{programme.published_plan.pk}/").json()
    assert [a["title"] for a in plan["activities"]] == [a.title for a in made]
    first = plan["activities"][0]
    assert first["collaboration_area"] == programme.area.pk
    assert first["lead_organisation"] == programme.region.slug
    assert first["sub_goals"][0]["title"] == "Kartlägga bredbandet"


def test_removed_activities_are_not_listed(client, programme):
    first, *_ = activities_make(programme)
    first.removed_at = timezone.now()
    first.save()
    found = client.get("/api/v1/activities/", {"strategy": programme.strategy.slug}).json()
    assert first.pk not in {a["id"] for a in found["results"]}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"collaboration_area": "area"}, 4),
        ({"focus_area": "security"}, 2),
        ({"organisation": "municipality"}, 2),
        ({"year": 2023}, 10),
        ({"year": 2024}, 0),
        ({"status": "done"}, 0),
    ],
)
def test_activity_filters(client, programme, filters, expected):
    content = published_content_make(programme)
    values = {
        "area": content.overall_area.pk,
        "security": content.security.pk,
        "municipality": programme.municipality.slug,
    }
    params = {name: values.get(value, value) for name, value in filters.items()}
    found = client.get(
        "/api/v1/activities/", {"strategy": programme.strategy.slug, "limit": 200, **params}
    ).json()
    assert len(found["results"]) == expected


def test_the_activity_list_costs_the_same_queries_for_any_page_size(client, programme):
    published_content_make(programme)

    def queries(limit: int) -> int:
        writes.versions.clear()  # each reads its content version, as after a write
        with CaptureQueriesContext(connection) as captured:
            response = client.get(
                "/api/v1/activities/", {"strategy": programme.strategy.slug, "limit": limit}
            )
        assert len(response.json()["results"]) == limit
        return len(captured)

    assert queries(2) == queries(10)


def test_the_plan_costs_the_same_queries_for_any_number_of_activities(client, programme):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(f"/api/v1/plans/{programme.published_plan.pk}/")
        return len(captured)

    activities_make(programme)
    few = queries()
    published_content_make(programme)
    assert queries() == few


# --- portal.api.views ---------------------------------------------------------------------------


def test_decisions_that_are_not_public_need_a_members_key(client, programme):
    Decision.objects.create(
        body=programme.steering_group, decided_on=date(2026, 3, 1), title="Öppet", is_public=True
    )
    Decision.objects.create(
        body=programme.steering_group, decided_on=date(2026, 3, 2), title="Internt", is_public=False
    )
    params = {"body": programme.steering_group.slug}
    public = client.get("/api/v1/decisions/", params).json()["results"]
    assert [d["title"] for d in public] == ["Öppet"]
    member = client.get("/api/v1/decisions/", params, **bearer(api_key_make(programme.steering)))
    assert sorted(d["title"] for d in member.json()["results"]) == ["Internt", "Öppet"]


# --- followup.api ---------------------------------------------------------------------------------


@pytest.fixture
def indicator(programme):
    return Indicator.objects.create(
        strategy=programme.strategy, title="Andel e-tjänster", per_organisation=True
    )


def post_value(client, key, **data):
    headers = bearer(key) if key else {}
    return client.post(
        "/api/v1/indicator-values/", data, content_type="application/json", **headers
    )


def test_a_coordinators_writing_key_creates_then_replaces_a_value(client, programme, indicator):
    key = api_key_make(programme.coordinator, can_write_indicator_values=True)
    given = {"indicator": indicator.pk, "year": 2025, "organisation": programme.municipality.slug}

    created = post_value(client, key, **given, value="41.5")
    assert created.status_code == 201, created.json()
    assert created.json()["value"] == 41.5
    replaced = post_value(client, key, **given, value="42")
    assert replaced.status_code == 200
    stored = IndicatorValue.objects.get(indicator=indicator)
    assert (stored.value, stored.organisation, stored.entered_by) == (
        Decimal("42.00"),
        programme.municipality,
        programme.coordinator,
    )
    listed = client.get("/api/v1/indicator-values/", {"indicator": indicator.pk}).json()
    assert [v["value"] for v in listed["results"]] == [42.0]


@pytest.mark.parametrize(
    ("who", "may_write", "status", "detail"),
    [
        (None, False, 403, "Entering values needs an API key that may enter indicator values."),
        ("coordinator", False, 403, "Entering values needs an API key"),
        ("member", True, 403, "Only the strategy's coordinators enter an indicator's values."),
        ("outsider", True, 403, "Only the strategy's coordinators enter an indicator's values."),
    ],
)
def test_who_may_not_write_values(client, programme, indicator, who, may_write, status, detail):
    key = api_key_make(getattr(programme, who), can_write_indicator_values=may_write) if who else ""
    response = post_value(client, key, indicator=indicator.pk, year=2025, value="1")
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"].startswith(detail)
    assert not IndicatorValue.objects.filter(indicator=indicator).exists()


def test_a_value_the_service_refuses_is_a_400_with_its_message(client, programme, indicator):
    indicator.kolada_kpi = "N00945"
    indicator.save()
    key = api_key_make(programme.coordinator, can_write_indicator_values=True)
    response = post_value(client, key, indicator=indicator.pk, year=2025, value="1")
    assert response.status_code == 400
    assert "Kolada" in response.json()["errors"]["non_field_errors"][0]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"year": 1066, "value": "1"}, "year"),
        ({"year": 2025, "value": "1e400"}, "value"),
        ({"year": 2025, "value": "abc"}, "value"),
        ({"year": 2025, "value": "1", "organisation": "ingen-sadan"}, "organisation"),
        ({"value": "1"}, "year"),
    ],
)
def test_bad_values_name_the_field(client, programme, indicator, data, field):
    key = api_key_make(programme.coordinator, can_write_indicator_values=True)
    response = post_value(client, key, indicator=indicator.pk, **data)
    assert response.status_code == 400
    assert field in response.json()["errors"]


# --- participations (actionplans.api) and activity reports (followup.api) -------------------------


def _answer(programme, plan, organisation):
    from datetime import timedelta

    from actionplans.models import Offer, OfferRecipient, Participation

    activity = activities_make(programme, plan)[0]
    offer = Offer.objects.create(
        plan=plan,
        title="Erbjudande",
        deadline=timezone.localdate() + timedelta(days=5),
        sent_by=programme.coordinator,
    )
    offer.activities.set([activity])
    OfferRecipient.objects.create(offer=offer, organisation=organisation)
    return Participation.objects.create(
        offer=offer,
        activity=activity,
        organisation=organisation,
        answer=Participation.Answer.YES,
        answered_by=programme.contact,
    )


def _participation_ids(client, programme, key=None):
    headers = bearer(key) if key else {}
    found = client.get(
        "/api/v1/participations/", {"strategy": programme.strategy.slug}, **headers
    ).json()
    return {p["id"] for p in found["results"]}


def test_answers_to_a_published_plan_are_public(client, programme):
    answer = _answer(programme, programme.published_plan, programme.municipality)
    assert _participation_ids(client, programme) == {answer.pk}


def test_answers_before_publication_are_seen_by_the_plan_and_the_organisation(client, programme):
    from actionplans.models import ActionPlan

    ActionPlan.objects.filter(pk=programme.draft_plan.pk).update(state=ActionPlan.State.APPROVED)
    answer = _answer(programme, programme.draft_plan, programme.municipality)
    assert _participation_ids(client, programme) == set()
    assert _participation_ids(client, programme, api_key_make(programme.outsider)) == set()
    for reader in (programme.contact, programme.coordinator):
        assert _participation_ids(client, programme, api_key_make(reader)) == {answer.pk}


def test_a_reports_results_are_public_once_the_round_report_is_approved(
    client, programme, programme_round
):
    from followup.models import ActivityReport, Report

    activities_make(programme)
    followup_round = programme_round(programme.published_plan)
    first, *_ = followup_round.reports.order_by("pk")
    ActivityReport.objects.filter(pk=first.pk).update(
        state=ActivityReport.State.SUBMITTED, progress=60, traffic_light="yellow"
    )

    def ids(key=None):
        headers = bearer(key) if key else {}
        found = client.get(
            "/api/v1/activity-reports/", {"strategy": programme.strategy.slug}, **headers
        ).json()
        return {r["id"] for r in found["results"]}

    assert ids() == set()
    everything = set(followup_round.reports.values_list("pk", flat=True))
    assert ids(api_key_make(programme.coordinator)) == everything
    Report.objects.create(
        round=followup_round, version=1, state=Report.State.DONE, review=Report.Review.APPROVED
    )
    assert ids() == {first.pk}
    assert ids(api_key_make(programme.outsider)) == {first.pk}
