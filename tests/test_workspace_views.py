"""The plan workspace pages: what each role sees, the no-JavaScript and htmx paths."""

import pytest

from actionplans.models import ActionPlan, Activity
from tests.factories import PROJECT, ActivityFactory, plan_project_make, published_content_make
from tests.test_actionplans_services_activities import post_data


@pytest.fixture
def draft_plan(programme):
    """The programme's draft, with its one project."""
    plan_project_make(programme.draft_plan)
    return programme.draft_plan


@pytest.fixture
def published_plan(programme):
    """The programme's published plan, with ten activities (two in the lead's area)."""
    published_content_make(programme)
    return programme.published_plan


def signed_in(client, user):
    client.force_login(user)
    return client


def test_coordinator_sees_the_steps_and_edit_buttons(client, programme, draft_plan):
    html = signed_in(client, programme.coordinator).get(draft_plan.get_edit_url()).content.decode()
    assert "/steg/submit/" in html
    assert "/steg/approve/" not in html
    assert "/ny-aktivitet/" in html
    assert "/andra/" in html


def test_steering_group_sees_no_edit_buttons(client, programme, draft_plan):
    html = signed_in(client, programme.steering).get(draft_plan.get_edit_url()).content.decode()
    assert "/ny-aktivitet/" not in html and "/andra/" not in html
    assert "/kommentar/" in html


def test_lead_edits_only_cards_of_their_area(client, programme, published_plan):
    plan = published_plan
    ActionPlan.objects.filter(pk=plan.pk).update(state=ActionPlan.State.DRAFT)
    html = signed_in(client, programme.lead).get(plan.get_edit_url()).content.decode()
    own = plan.activities.filter(collaboration_area__name="Digital infrastruktur")
    others = plan.activities.exclude(collaboration_area__name="Digital infrastruktur")
    assert (own.count(), others.count()) == (2, 8)
    assert all(f"/aktiviteter/{a.pk}/andra/" in html for a in own)
    assert not any(f"/aktiviteter/{a.pk}/andra/" in html for a in others)


def test_edit_without_javascript_redirects_to_the_card(client, programme, draft_plan):
    activity = draft_plan.activities.get()
    response = signed_in(client, programme.coordinator).post(
        activity.get_edit_url(), post_data(draft_plan, activity, title="Nytt namn")
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#activity-{activity.pk}")
    assert Activity.objects.get(pk=activity.pk).title == "Nytt namn"


def test_edit_in_place_with_htmx_returns_the_card(client, programme, draft_plan):
    activity = draft_plan.activities.get()
    signed_in(client, programme.coordinator)
    form = client.get(activity.get_edit_url(), headers={"HX-Request": "true"})
    assert form.status_code == 200
    assert b"<html" not in form.content and b'hx-post="' in form.content
    assert "HX-Request" in form["Vary"]
    card = client.post(
        activity.get_edit_url(),
        post_data(draft_plan, activity, title="Nytt namn"),
        headers={"HX-Request": "true"},
    )
    html = card.content.decode()
    assert "<article" in html and "Nytt namn" in html and "<html" not in html


def test_a_bad_form_keeps_what_was_typed(client, programme, draft_plan):
    activity = draft_plan.activities.get()
    data = post_data(
        draft_plan, activity, title="", description="Min långa text som inte får försvinna"
    )
    response = signed_in(client, programme.coordinator).post(activity.get_edit_url(), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Min långa text som inte får försvinna" in html
    assert 'role="alert"' in html
    assert Activity.objects.get(pk=activity.pk).title == PROJECT


def test_a_conflicting_save_shows_the_other_change(client, programme, draft_plan):
    activity = draft_plan.activities.get()
    stale = post_data(draft_plan, activity, title="Min version")
    signed_in(client, programme.coordinator).post(
        activity.get_edit_url(), post_data(draft_plan, activity, title="Deras version")
    )
    response = client.post(activity.get_edit_url(), stale)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Deras version" in html and "Min version" in html
    assert Activity.objects.get(pk=activity.pk).title == "Deras version"
    # Saving again from the conflict form is a deliberate overwrite.
    again = dict(stale, version=str(Activity.objects.get(pk=activity.pk).version))
    assert client.post(activity.get_edit_url(), again).status_code == 302
    assert Activity.objects.get(pk=activity.pk).title == "Min version"


def _conflict_alert(html: str) -> str:
    """The conflict's box above the form (the form below holds what was typed)."""
    start = html.index('class="error-summary conflict"')
    return html[start : html.index("</div>", start)]


@pytest.mark.parametrize("version", [None, "", "²"], ids=["missing", "empty", "²"])
def test_a_save_without_its_version_is_a_conflict(client, programme, draft_plan, version):
    activity = draft_plan.activities.get()
    data = post_data(draft_plan, activity, title="Min version", version=version)
    if version is None:
        del data["version"]
    response = signed_in(client, programme.coordinator).post(activity.get_edit_url(), data)
    assert response.status_code == 200
    html = response.content.decode()
    # Which version the form was opened at is not known: the box shows what is stored.
    assert PROJECT in _conflict_alert(html) and "Min version" in html
    stored = Activity.objects.get(pk=activity.pk)
    assert (stored.title, stored.version) == (PROJECT, 1)
    assert response.context["form"]["version"].value() == "1"


def test_the_conflict_shows_the_sub_goals_and_risks_they_changed(client, programme, draft_plan):
    activity = draft_plan.activities.get()
    stale = post_data(draft_plan, activity, title="Min version")
    council = activity.sub_goals.get(title="Driva digitaliseringsrådet")
    index = list(activity.sub_goals.all()).index(council)
    theirs = post_data(draft_plan, activity)
    theirs |= {
        f"sub_goals-{index}-planned_count": "4",
        "risks-TOTAL_FORMS": "1",
        "risks-0-description": "Kommunerna hinner inte",
        "risks-0-likelihood": "3",
        "risks-0-consequence": "2",
        "risks-0-mitigation": "",
    }
    signed_in(client, programme.coordinator)
    assert client.post(activity.get_edit_url(), theirs).status_code == 302
    response = client.post(activity.get_edit_url(), stale)
    changes = {(c.field, c.before, c.after) for c in response.context["conflict"].changes}
    assert changes == {
        ("Delmål Driva digitaliseringsrådet: planerat antal", "2", "4"),
        ("Risk", "–", "Kommunerna hinner inte"),
        ("Risk Kommunerna hinner inte: sannolikhet", "–", "3 – medel"),
        ("Risk Kommunerna hinner inte: konsekvens", "–", "2 – låg"),
    }
    assert "Kommunerna hinner inte" in _conflict_alert(response.content.decode())


def test_create_page_and_post(client, programme, draft_plan):
    signed_in(client, programme.coordinator)
    assert client.get(f"/planarbete/{draft_plan.pk}/ny-aktivitet/").status_code == 200
    response = client.post(f"/planarbete/{draft_plan.pk}/ny-aktivitet/", post_data(draft_plan))
    assert response.status_code == 302
    assert draft_plan.activities.filter(title="Gemensam bredbandskartläggning").exists()


def test_submit_then_comment_then_approve_through_the_pages(client, programme, draft_plan):
    signed_in(client, programme.coordinator).post(
        f"/planarbete/{draft_plan.pk}/steg/submit/", {"comment": ""}
    )
    signed_in(client, programme.commenter).post(
        f"/planarbete/{draft_plan.pk}/kommentar/", {"comment": "Lägg till mätetal."}
    )
    signed_in(client, programme.steering).post(f"/planarbete/{draft_plan.pk}/steg/approve/", {})
    draft_plan.refresh_from_db()
    assert draft_plan.state == ActionPlan.State.APPROVED
    html = client.get(draft_plan.get_edit_url()).content.decode()
    assert "Lägg till mätetal." in html


def test_remove_and_restore_with_htmx_return_the_list(client, programme, draft_plan):
    activity = draft_plan.activities.get()
    signed_in(client, programme.coordinator)
    response = client.post(f"/aktiviteter/{activity.pk}/ta-bort/", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert 'id="plan-activities"' in html and "/aterstall/" in html
    client.post(f"/aktiviteter/{activity.pk}/aterstall/")
    assert Activity.objects.get(pk=activity.pk).removed_at is None


def test_removed_activities_leave_the_public_page(client, published_plan):
    activity = published_plan.activities.first()
    Activity.objects.filter(pk=activity.pk).update(removed_at="2024-01-01T00:00:00Z")
    html = client.get(published_plan.get_absolute_url()).content.decode()
    assert f'id="activity-{activity.pk}"' not in html


def test_history_page_shows_the_diff(client, programme, draft_plan):
    activity = draft_plan.activities.get()
    signed_in(client, programme.coordinator).post(
        activity.get_edit_url(), post_data(draft_plan, activity, title="Nytt namn")
    )
    html = client.get(f"/aktiviteter/{activity.pk}/historik/").content.decode()
    assert PROJECT in html and "Nytt namn" in html
    assert "Återställ" in html or "Restore" in html


def test_the_cards_are_kept_per_content_version_and_rights(client, programme):
    """The cards are rendered once per version of what they show and per the reader's rights
    (actionplans.views.workspace._activities_html), each response with its own CSRF token."""
    import re

    from django.middleware.csrf import _unmask_cipher_token

    plan = programme.draft_plan
    own = ActivityFactory(plan=plan, title="Ledarens aktivitet", collaboration_area=programme.area)
    other = ActivityFactory(
        plan=plan, title="Annans aktivitet", collaboration_area=programme.other_area
    )
    edit = "/aktiviteter/{}/andra/"

    def cards(user) -> str:
        client.force_login(user)
        return client.get(plan.get_edit_url()).content.decode()

    coordinator_page = cards(programme.coordinator)
    lead_page = cards(programme.lead)
    # The lead's rights give their own cards: only their area's activity is editable.
    assert edit.format(own.pk) in lead_page and edit.format(other.pk) not in lead_page
    assert edit.format(other.pk) in coordinator_page
    # Kept cards carry this reader's CSRF secret, not that of whoever rendered them first.
    first_secret = client.cookies["csrftoken"].value
    del client.cookies["csrftoken"]
    again = cards(programme.coordinator)
    assert client.cookies["csrftoken"].value != first_secret
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"', again)
    assert len(tokens) > 2
    # The cookie holds the unmasked 32-letter secret.
    assert {_unmask_cipher_token(token) for token in tokens} == {client.cookies["csrftoken"].value}
    # A change shows at once.
    own.title = "Ledarens nya titel"
    own.save()
    assert "Ledarens nya titel" in cards(programme.coordinator)
