"""strategy.views.editor and strategy.views.workflow: the editor's pages and posts per role
(the owner's coordinator, a member with no role, an outsider), in place with htmx and as
plain forms, and what the public pages show of each state."""

from datetime import timedelta

import pytest

from portal.dates import today
from strategy.access import strategy_access
from strategy.models import FocusArea, StrategicDirection, Strategy
from strategy.services import strategies
from strategy.services.strategies import NewStrategy

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def draft(programme) -> Strategy:
    new = NewStrategy("Digitaliseringsstrategi 2027–2030", "strategi-2027", 2027, 2030)
    return strategies.strategy_copy(
        source=programme.strategy,
        new=new,
        user=programme.coordinator,
        access=strategy_access(programme.coordinator, programme.strategy),
    )


def _editor(draft) -> str:
    return f"/strategier/{draft.slug}/redigera/"


def test_the_coordinator_starts_a_copy_from_the_new_strategy_page(client, programme):
    client.force_login(programme.coordinator)
    assert client.get("/strategier/ny/").status_code == 200
    response = client.post(
        "/strategier/ny/",
        {
            "source": programme.strategy.pk,
            "start": "copy",
            "title": "Nästa strategi",
            "slug": "nasta",
            "period_start": 2027,
            "period_end": 2030,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/strategier/nasta/redigera/"
    assert FocusArea.objects.filter(strategy__slug="nasta", title="Digital förmåga").exists()


def test_a_taken_address_comes_back_with_its_message(client, programme):
    client.force_login(programme.coordinator)
    data = {"source": programme.strategy.pk, "start": "empty", "title": "X"}
    response = client.post("/strategier/ny/", {**data, "slug": programme.strategy.slug})
    assert response.status_code == 200
    assert "En annan strategi har redan den adressen." in response.content.decode()


@pytest.mark.parametrize(("role", "expected"), [("member", 403), ("outsider", 403)])
def test_others_cannot_start_a_strategy(client, programme, role, expected):
    client.force_login(getattr(programme, role))
    assert client.get("/strategier/ny/").status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"), [("coordinator", 200), ("member", 404), ("outsider", 404)]
)
def test_a_drafts_editor_is_the_coordinators_and_others_do_not_learn_of_it(
    client, programme, draft, role, expected
):
    client.force_login(getattr(programme, role))
    assert client.get(_editor(draft)).status_code == expected
    # Nor does the public page show it, to anyone but its insiders.
    assert client.get(f"/strategier/{draft.slug}/").status_code == (
        200 if role == "coordinator" else 404
    )


def test_the_editor_of_a_strategy_in_force_is_read_only(client, programme):
    client.force_login(programme.coordinator)
    page = client.get(f"/strategier/{programme.strategy.slug}/redigera/").content.decode()
    assert "/ta-bort/" not in page
    assert f"/strategier/{programme.strategy.slug}/revidera/" in page


def test_a_focus_area_is_changed_in_place(client, programme, draft):
    client.force_login(programme.coordinator)
    area = FocusArea.objects.get(strategy=draft)
    url = f"{_editor(draft)}fokusomraden/{area.pk}/"
    form = client.get(url, **HTMX)
    assert form.status_code == 200
    assert 'name="version" value="1"' in form.content.decode()
    assert "<html" not in form.content.decode()
    data = {"title": area.title, "goal": "Ett nytt mål.", "description": "", "version": 1}
    response = client.post(url, data, **HTMX)
    assert response.status_code == 200
    assert "Ett nytt mål." in response.content.decode()
    assert response["Vary"].count("HX-Request") == 1
    area.refresh_from_db()
    assert (area.goal, area.version) == ("Ett nytt mål.", 2)


def test_a_stale_form_is_refused_with_what_changed_and_the_text_kept(client, programme, draft):
    client.force_login(programme.coordinator)
    area = FocusArea.objects.get(strategy=draft)
    url = f"{_editor(draft)}fokusomraden/{area.pk}/"
    client.post(url, {"title": area.title, "goal": "Först", "version": 1})
    response = client.post(url, {"title": area.title, "goal": "Min text", "version": 1})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Först" in page and "Min text" in page
    assert 'name="version" value="2"' in page
    area.refresh_from_db()
    assert area.goal == "Först"


def test_a_direction_is_added_and_moved_without_javascript(client, programme, draft):
    client.force_login(programme.coordinator)
    area = FocusArea.objects.get(strategy=draft)
    response = client.post(
        f"{_editor(draft)}inriktningar/ny/", {"parent": area.pk, "title": "Ny inriktning"}
    )
    assert response.status_code == 302
    added = StrategicDirection.objects.get(focus_area=area, title="Ny inriktning")
    client.post(f"{_editor(draft)}inriktningar/{added.pk}/flytta/", {"direction": "up"})
    first = area.directions.order_by("order").first()
    assert first is not None and first.title == "Ny inriktning"


def test_an_add_without_a_parent_or_a_move_without_a_direction_is_a_400(client, programme, draft):
    client.force_login(programme.coordinator)
    assert client.post(f"{_editor(draft)}inriktningar/ny/", {"title": "X"}).status_code == 400
    area = FocusArea.objects.get(strategy=draft)
    url = f"{_editor(draft)}fokusomraden/{area.pk}/flytta/"
    assert client.post(url, {"direction": "sideways"}).status_code == 400


def test_a_row_is_removed_in_place(client, programme, draft):
    client.force_login(programme.coordinator)
    direction = StrategicDirection.objects.get(focus_area__strategy=draft)
    response = client.post(f"{_editor(draft)}inriktningar/{direction.pk}/ta-bort/", **HTMX)
    assert response.status_code == 200
    assert 'id="tree"' in response.content.decode()
    assert not StrategicDirection.objects.filter(pk=direction.pk).exists()


@pytest.mark.parametrize("role", ["member", "outsider", "steering"])
def test_others_cannot_change_the_draft(client, programme, draft, role):
    client.force_login(getattr(programme, role))
    area = FocusArea.objects.get(strategy=draft)
    response = client.post(f"{_editor(draft)}fokusomraden/{area.pk}/ta-bort/")
    assert response.status_code == 404
    assert FocusArea.objects.filter(pk=area.pk).exists()


def test_the_bare_consult_step_points_to_the_send_form(client, programme, draft):
    client.force_login(programme.coordinator)
    editor = client.get(_editor(draft)).content.decode()
    assert f'href="/strategier/{draft.slug}/remiss/skicka/"' in editor
    assert f'action="/strategier/{draft.slug}/steg/consult/"' not in editor
    response = client.post(f"/strategier/{draft.slug}/steg/consult/", follow=True)
    assert "skicka det med formuläret ”Skicka på remiss”" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == Strategy.State.DRAFT


def test_on_consultation_the_draft_is_public_and_marked(client, programme, draft):
    client.force_login(programme.coordinator)
    client.post(
        f"/strategier/{draft.slug}/remiss/skicka/",
        {
            "organisations": [programme.municipality.pk],
            "deadline": (today() + timedelta(days=14)).isoformat(),
            "reminder_days": 7,
        },
    )
    client.logout()
    page = client.get(f"/strategier/{draft.slug}/").content.decode()
    assert "Utkast på remiss" in page
    area = FocusArea.objects.get(strategy=draft)
    assert "Utkast på remiss" in client.get(area.get_absolute_url()).content.decode()
    assert draft.slug in client.get("/strategier/").content.decode()
    assert client.get(f"/api/v1/strategies/{draft.slug}/").status_code == 200


def test_the_strategys_page_sends_the_steering_group_to_its_meeting(client, programme, draft):
    """The decision is taken at a meeting (tests/test_strategy_views_decision.py)."""
    Strategy.objects.filter(pk=draft.pk).update(state=Strategy.State.REVISION)
    client.force_login(programme.steering)
    page = client.get(f"/strategier/{draft.slug}/").content.decode()
    assert f'href="/strategier/{draft.slug}/beslut/"' in page
    response = client.post(f"/strategier/{draft.slug}/steg/decide/", follow=True)
    assert "Styrgruppen beslutar strategin vid ett möte" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == Strategy.State.REVISION


def test_an_ended_strategy_stays_readable_and_marked(client, programme):
    Strategy.objects.filter(pk=programme.strategy.pk).update(state=Strategy.State.ENDED)
    page = client.get(f"/strategier/{programme.strategy.slug}/").content.decode()
    assert "Strategin är avslutad" in page
    assert client.get(f"/api/v1/strategies/{programme.strategy.slug}/").status_code == 200


def test_a_draft_is_not_in_the_api(client, programme, draft):
    assert client.get(f"/api/v1/strategies/{draft.slug}/").status_code == 404
    slugs = [s["slug"] for s in client.get("/api/v1/strategies/").json()["results"]]
    assert draft.slug not in slugs and programme.strategy.slug in slugs
