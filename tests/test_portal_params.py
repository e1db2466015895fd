"""portal.params: ids, years, names and choices read from a request by hand; the form's
bounded dates (portal.forms); and the 500s that bad input caused (regression tests)."""

from datetime import timedelta

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone

from portal.forms import MeetingForm
from portal.models import AgendaItem, Decision, Meeting
from portal.params import (
    ID_MAX,
    BadParameter,
    parse_int,
    posted_choice,
    query_choice,
    query_id,
    query_slug,
    query_text,
    query_year,
)
from tests.factories import activities_make


def _get(query: str):
    return RequestFactory().get(f"/?{query}")


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "²",
        "²²²²",
        "١٢",
        "١٢٣٤",
        "𝟚𝟘𝟚𝟞",
        " 12 ",
        "12\n",
        "+12",
        "1e3",
        "1.0",
        "0x1",
        "\x00",
    ],
)
def test_a_number_is_ascii_digits_only(value):
    assert parse_int(value, minimum=0, maximum=100) is None


def test_a_number_is_within_its_range():
    assert parse_int("12", minimum=1, maximum=12) == 12
    assert parse_int("-3", minimum=-5, maximum=5) == -3
    assert parse_int("13", minimum=1, maximum=12) is None
    assert parse_int("0", minimum=1, maximum=12) is None
    assert parse_int("9" * 40, minimum=1, maximum=ID_MAX) is None


def test_an_id_fits_a_bigint():
    assert query_id(_get(f"area={ID_MAX}"), "area") == ID_MAX
    assert query_id(_get(f"area={ID_MAX + 1}"), "area") is None
    assert query_id(_get("area=0"), "area") is None
    assert query_id(_get(""), "area") is None


def test_a_year_is_one_the_portal_has_a_use_for():
    assert query_year(_get("ar=2026"), "ar") == 2026
    assert query_year(_get("ar=0001"), "ar") is None
    assert query_year(_get("ar=9999"), "ar") is None
    assert query_year(_get("ar=%C2%B2%C2%B2%C2%B2%C2%B2"), "ar") is None  # ²²²²


def test_slugs_choices_and_text():
    assert query_slug(_get("organ=styrgruppen"), "organ") == "styrgruppen"
    assert query_slug(_get("organ=styr%00gruppen"), "organ") == ""
    assert query_slug(_get("organ=" + "a" * 201), "organ") == ""
    assert query_choice(_get("svar=yes"), "svar", ["yes", "no"]) == "yes"
    assert query_choice(_get("svar=ja"), "svar", ["yes", "no"]) == ""
    # NUL, which PostgreSQL refuses in a query, is dropped; the length is bounded.
    assert query_text(_get("q=%20digital%00%20"), "q", max_length=200) == "digital"
    assert query_text(_get("q=" + "x" * 300), "q", max_length=200) == "x" * 200


def test_a_posted_choice_must_be_one():
    request = RequestFactory().post("/", {"action": "close"})
    assert posted_choice(request, "action", ("close", "reopen")) == "close"
    with pytest.raises(BadParameter, match="action"):
        posted_choice(RequestFactory().post("/", {"action": "²"}), "action", ("close",))


@pytest.mark.parametrize("year", ["0001", "1899", "2201", "9999"])
def test_a_meeting_form_refuses_years_out_of_range(year):
    form = MeetingForm(
        {"title": "Möte", "starts_at": f"{year}-01-01T00:00", "ends_at": f"{year}-01-01T01:00"}
    )
    assert not form.is_valid()
    assert "1900" in str(form.errors["starts_at"])


# --- The 500s seen, by request ------------------------------------------------------------------


@pytest.fixture
def browser():
    """A client that answers a view's exception as the 500 a visitor would get."""
    return Client(raise_request_exception=False)


@pytest.fixture
def meeting(programme) -> Meeting:
    starts = timezone.now() + timedelta(days=3)
    return Meeting.objects.create(
        body=programme.steering_group,
        title="Styrgruppsmöte",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
    )


def test_the_decision_register_ignores_a_year_that_is_not_one(browser, programme):
    for year in ("²²²²", "١٢٣٤", "9" * 40, "%00"):
        response = browser.get(f"/beslut/?ar={year}")
        assert response.status_code == 200, year


def test_a_new_activity_ignores_an_area_that_is_not_an_id(browser, programme):
    browser.force_login(programme.coordinator)
    url = f"/planarbete/{programme.draft_plan.pk}/ny-aktivitet/"
    for area in ("²", "١٢", "9" * 40, "-1"):
        response = browser.get(url, {"area": area})
        assert response.status_code == 200, area
    response = browser.get(url, {"area": programme.area.pk})
    assert response.context["form"].initial["collaboration_area"] == programme.area.pk


def test_a_decision_with_an_agenda_item_that_is_not_one_is_a_form_error(
    browser, programme, meeting
):
    AgendaItem.objects.create(meeting=meeting, title="Punkt", order=1)
    browser.force_login(programme.coordinator)
    url = f"/organ/{meeting.body.slug}/moten/{meeting.pk}/beslut/"
    for item in ("abc", "²", "9" * 40, "\x00"):
        response = browser.post(url, {"decision-title": "Beslut", "decision-item": item})
        assert response.status_code == 200, item
        assert response.context["decision_form"].errors["item"], item
    assert not Decision.objects.filter(body=meeting.body).exists()


def test_a_meeting_in_year_1_is_a_form_error(browser, programme):
    browser.force_login(programme.coordinator)
    url = f"/organ/{programme.steering_group.slug}/moten/nytt/"
    for year in ("0001", "9999"):
        times = {"starts_at": f"{year}-12-31T22:00", "ends_at": f"{year}-12-31T23:00"}
        response = browser.post(url, {"title": "Möte i fel år", **times})
        assert response.status_code == 200, year
        assert "1900" in str(response.context["form"].errors["starts_at"])
    assert not Meeting.objects.filter(title="Möte i fel år").exists()


# --- What the walks (tests/test_walks.py) found --------------------------------------------------


def test_a_round_state_post_without_its_action_is_a_400_that_says_so(
    browser, programme, programme_round
):
    activities_make(programme)
    followup_round = programme_round(programme.published_plan)
    browser.force_login(programme.coordinator)
    response = browser.post(f"/uppfoljning/{followup_round.pk}/status/", {"action": "²"})
    assert response.status_code == 400
    assert "action" in response.content.decode()


def test_a_performed_count_no_column_holds_is_a_form_error(browser, programme, programme_round):
    from actionplans.models import SubGoal

    activity = activities_make(programme)[0]
    sub_goal = SubGoal.objects.create(activity=activity, title="Delmål", planned_count=2)
    followup_round = programme_round(programme.published_plan)
    report = followup_round.reports.get(activity=activity)
    browser.force_login(programme.coordinator)
    response = browser.post(
        f"/uppfoljning/rapport/{report.pk}/",
        {"version": report.version, f"outcome_{sub_goal.pk}": "9" * 30},
    )
    assert response.status_code == 200
    assert response.context["form"].errors[f"outcome_{sub_goal.pk}"]
    assert not report.outcomes.exists()


def test_a_retry_while_another_version_is_built_says_so(browser, programme, programme_round):
    from followup.models import Report

    activities_make(programme)
    followup_round = programme_round(programme.published_plan)
    failed = Report.objects.create(round=followup_round, version=1, state=Report.State.FAILED)
    Report.objects.create(round=followup_round, version=2, state=Report.State.RUNNING)
    browser.force_login(programme.coordinator)
    response = browser.post(f"/uppfoljning/pdf/{failed.pk}/forsok-igen/", follow=True)
    assert response.status_code == 200
    assert "En annan version håller på att skapas." in response.content.decode()
    failed.refresh_from_db()
    assert failed.state == Report.State.FAILED


def test_a_list_of_ids_with_one_no_column_holds_is_a_form_error(browser, programme):
    activities = activities_make(programme)
    browser.force_login(programme.coordinator)
    response = browser.post(
        f"/planarbete/{programme.published_plan.pk}/nytt-erbjudande/",
        {
            "title": "Erbjudande",
            "text": "Text",
            "deadline": "2030-01-01",
            "reminder_days": "7",
            "activities": [activities[0].pk, "9" * 30],
            "organisations": ["²", str(2**64)],
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "9" * 30 in str(errors["activities"]) and "²" in str(errors["organisations"])
