"""What every API endpoint shares (portal.api): keys, problem details, conditional GET,
CORS on anonymous reads, throttling, and a problem for an unknown path."""

import pytest
from django.utils import timezone

from portal import writes
from portal.models import ApiToken
from portal.services import api_token_revoke
from tests.factories import activities_make, api_key_make, programme_make

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


@pytest.fixture
def programme():
    p = programme_make()
    activities_make(p)
    return p


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def plans_url(programme) -> str:
    # The test database holds the demo too: each test reads its own strategy's rows.
    return f"/api/v1/plans/?strategy={programme.strategy.slug}"


def activities(client, programme, **params):
    return client.get("/api/v1/activities/", {"strategy": programme.strategy.slug, **params})


def test_anonymous_reads_are_open_to_any_origin(client, programme):
    response = client.get(plans_url(programme))
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Authorization" in response["Vary"]
    assert [plan["year"] for plan in response.json()["results"]] == [2023]


def test_a_key_shows_its_users_plans_and_no_cors(client, programme):
    key = api_key_make(programme.coordinator)
    response = client.get(plans_url(programme), **bearer(key))
    assert response.status_code == 200
    assert sorted(plan["year"] for plan in response.json()["results"]) == [2023, 2024]
    assert "Access-Control-Allow-Origin" not in response
    assert response["Cache-Control"] == "private, no-cache"
    assert ApiToken.objects.get().last_used_at is not None


def test_a_key_without_rights_sees_what_the_public_sees(client, programme):
    key = api_key_make(programme.outsider)
    response = client.get(plans_url(programme), **bearer(key))
    assert [plan["year"] for plan in response.json()["results"]] == [2023]


@pytest.mark.parametrize(
    ("header", "detail"),
    [
        ("Bearer dsp_unknown", "Unknown API key."),
        ("Token dsp_x", "Give the key as 'Authorization: Bearer <key>'."),
        ("Bearer not-a-key", "Give the key as 'Authorization: Bearer <key>'."),
    ],
)
def test_a_bad_key_is_a_401_problem(client, programme, header, detail):
    response = client.get(plans_url(programme), HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json() == {
        "type": "about:blank",
        "title": "Not signed in",
        "status": 401,
        "detail": detail,
    }


def test_a_revoked_key_stops_at_once(client, programme):
    key = api_key_make(programme.coordinator)
    token = ApiToken.objects.get()
    assert api_token_revoke(user=programme.coordinator, token=token)
    response = client.get(plans_url(programme), **bearer(key))
    assert response.status_code == 401
    assert response.json()["detail"] == "The API key has been revoked."


def test_a_closed_account_key_is_refused(client, programme):
    key = api_key_make(programme.coordinator)
    programme.coordinator.is_active = False
    programme.coordinator.save()
    response = client.get(plans_url(programme), **bearer(key))
    assert response.json()["detail"] == "The key's user account is closed."


def test_a_bad_filter_names_the_parameter(client, programme):
    response = activities(client, programme, year="²", status="nope")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert set(body["errors"]) == {"year", "status"}
    assert body["detail"] == "The request has errors: see `errors`."


def test_an_unchanged_resource_is_a_304(client, programme):
    first = client.get(f"/api/v1/plans/{programme.published_plan.pk}/")
    assert first.status_code == 200
    etag, last_modified = first["ETag"], first["Last-Modified"]

    again = client.get(f"/api/v1/plans/{programme.published_plan.pk}/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    since = client.get(
        f"/api/v1/plans/{programme.published_plan.pk}/", HTTP_IF_MODIFIED_SINCE=last_modified
    )
    assert since.status_code == 304


def test_a_change_gives_a_new_etag(client, programme):
    url = f"/api/v1/plans/{programme.published_plan.pk}/"
    etag = client.get(url)["ETag"]
    activity = programme.published_plan.activities.first()
    activity.title = "Ett nytt namn"
    activity.save()

    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag
    assert "Ett nytt namn" in response.content.decode()


def test_anonymous_requests_are_throttled_per_address(client, programme, settings):
    settings.API_RATE_PER_ADDRESS = "2/minute"
    assert [client.get(plans_url(programme)).status_code for _ in range(3)] == [200, 200, 429]
    refused = client.get(plans_url(programme))
    assert refused["Content-Type"] == PROBLEM
    assert int(refused["Retry-After"]) > 0
    # A key has its own allowance.
    key = api_key_make(programme.coordinator)
    assert client.get(plans_url(programme), **bearer(key)).status_code == 200


def test_keys_are_throttled_each_on_its_own(client, programme, settings):
    settings.API_RATE_PER_TOKEN = "1/minute"
    first, second = api_key_make(programme.coordinator), api_key_make(programme.coordinator)
    assert client.get(plans_url(programme), **bearer(first)).status_code == 200
    assert client.get(plans_url(programme), **bearer(first)).status_code == 429
    assert client.get(plans_url(programme), **bearer(second)).status_code == 200


def test_an_unknown_path_is_a_problem(client, db):
    response = client.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert response.json()["title"] == "Not found"


def test_an_unknown_object_is_a_problem(client, db):
    response = client.get("/api/v1/plans/999999/")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


def test_a_cross_origin_preflight_is_refused(client, programme):
    """No OPTIONS: a page on another site cannot send a key (a preflighted request)."""
    response = client.options(
        plans_url(programme),
        HTTP_ORIGIN="https://elsewhere.example",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )
    assert response.status_code == 405
    assert "Access-Control-Allow-Headers" not in response


def test_lists_are_paged_by_cursor(client, programme):
    first = activities(client, programme, limit=2).json()
    assert len(first["results"]) == 2
    second = client.get(first["next"]).json()
    ids = [a["id"] for a in first["results"] + second["results"]]
    assert len(ids) == len(set(ids)) == 3
    assert second["next"] is None


@pytest.mark.parametrize("limit", ["201", "0", "-1", "²", "null", ""])
def test_a_page_size_out_of_range_is_refused(client, programme, limit):
    response = activities(client, programme, limit=limit)
    assert response.status_code == 400
    assert response.json()["errors"]["limit"] == ["Give a whole number from 1 to 200."]


def test_changed_since_filters_on_history(client, programme):
    later = timezone.now()
    activity = programme.published_plan.activities.first()
    activity.status = "ongoing"
    activity.save()
    found = activities(client, programme, changed_since=later.isoformat()).json()
    assert [a["id"] for a in found["results"]] == [activity.pk]


def test_an_anonymous_list_is_built_once_per_content_version(client, programme):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = activities(client, programme)
    writes.versions.clear()  # as after a write in another process
    with CaptureQueriesContext(connection) as again:
        second = activities(client, programme)
    assert second.content == first.content
    # The version, and nothing of the list itself.
    assert len(again) == 1
    activity = programme.published_plan.activities.order_by("pk").first()
    activity.sub_goals.create(title="Ett nytt delmål")
    changed = activities(client, programme)
    assert "Ett nytt delmål" in changed.content.decode()
    assert changed["ETag"] != first["ETag"]


def test_a_keys_reads_are_never_served_from_the_anonymous_cache(client, programme):
    public = client.get(plans_url(programme)).json()["results"]
    key = api_key_make(programme.coordinator)
    own = client.get(plans_url(programme), **bearer(key)).json()["results"]
    assert len(own) == len(public) + 1  # the draft


@pytest.mark.parametrize("name", ["plan", "collaboration_area", "focus_area"])
def test_an_id_beyond_a_bigint_is_a_400(client, programme, name):
    """schemathesis found it: plan=6558161453900176705414957372681486336 was a 500."""
    response = activities(client, programme, **{name: "6558161453900176705414957372681486336"})
    assert response.status_code == 400
    assert name in response.json()["errors"]


@pytest.mark.parametrize("position", ["abc", "1" * 30])
def test_a_forged_cursor_is_a_404_problem(client, programme, position):
    """A cursor whose position is no id reached the query: a 500 on PostgreSQL."""
    import base64

    cursor = base64.b64encode(f"p={position}".encode()).decode()
    response = activities(client, programme, cursor=cursor)
    assert response.status_code == 404
    assert response.json()["detail"] == "Ogiltig cursor."  # DRF's message, in Swedish


def test_a_key_name_longer_than_its_field_is_refused(programme):
    from django.core.exceptions import ValidationError

    from portal.services import api_token_create

    with pytest.raises(ValidationError, match="högst 100 tecken"):
        api_token_create(user=programme.coordinator, name="n" * 101)
    assert not ApiToken.objects.filter(user=programme.coordinator).exists()
