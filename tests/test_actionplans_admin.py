"""actionplans.admin: activities in the admin raise their version, refuse a form opened
before another save, and are read-only where the plan's workflow locks them."""

import pytest
from django.urls import reverse

from actionplans.models import Activity, BudgetLine, Risk, SubGoal
from tests.admin_helpers import admin_form_data, change_url, coordinator_in_admin
from tests.factories import PROJECT, UserFactory, plan_project_make, published_content_make
from tests.test_actionplans_services_activities import post_data


@pytest.fixture
def draft_activity(programme):
    return Activity.objects.get(pk=plan_project_make(programme.draft_plan).pk)


@pytest.fixture
def published_activity(programme):
    return published_content_make(programme).secure


@pytest.fixture
def coordinator(client, programme):
    user = coordinator_in_admin(programme)
    client.force_login(user)
    return user


@pytest.fixture
def superuser(client, db):
    user = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_an_admin_save_raises_the_version_so_a_form_opened_before_gets_a_conflict(
    client, programme, coordinator, draft_activity
):
    plan = programme.draft_plan
    stale = post_data(plan, draft_activity, title="Min version")
    url = change_url(draft_activity)
    assert client.post(url, admin_form_data(client, url, title="Rättat i admin")).status_code == 302
    stored = Activity.objects.get(pk=draft_activity.pk)
    assert (stored.title, stored.version) == ("Rättat i admin", 2)
    response = client.post(draft_activity.get_edit_url(), stale)
    conflict = response.context["conflict"]
    assert ("titel", PROJECT, "Rättat i admin") in {
        (c.field, c.before, c.after) for c in conflict.changes
    }
    assert conflict.changed_by == coordinator
    assert Activity.objects.get(pk=draft_activity.pk).title == "Rättat i admin"


def test_an_admin_form_opened_before_another_save_is_refused(
    client, programme, coordinator, draft_activity
):
    url = change_url(draft_activity)
    opened = admin_form_data(client, url, title="Rättat i admin")
    plan = programme.draft_plan
    saved = post_data(plan, draft_activity, title="Sparat i portalen")
    assert client.post(draft_activity.get_edit_url(), saved).status_code == 302
    response = client.post(url, opened)
    assert response.status_code == 200
    html = response.content.decode()
    assert "efter att du öppnade" in html and "titel" in html
    assert Activity.objects.get(pk=draft_activity.pk).title == "Sparat i portalen"
    # The form now carries the stored version: saving it again is a deliberate overwrite.
    again = admin_form_data(client, url) | {
        "title": "Rättat i admin",
        "opened_version": "2",
    }
    assert client.post(url, again).status_code == 302
    stored = Activity.objects.get(pk=draft_activity.pk)
    assert (stored.title, stored.version) == ("Rättat i admin", 3)


@pytest.mark.parametrize("who", ["coordinator", "superuser"])
def test_an_activity_of_a_plan_past_its_draft_is_read_only(
    client, programme, published_activity, who, request
):
    request.getfixturevalue(who)
    activity = published_activity
    SubGoal.objects.create(activity=activity, title="Ett delmål", order=1)
    url = change_url(activity)
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="_save"' not in html
    assert 'name="title"' not in html and 'name="sub_goals-0-title"' not in html
    data = {"title": "Ändrat i admin", "plan": str(activity.plan_id)}
    assert client.post(url, data).status_code == 403
    opts = Activity._meta
    delete = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[activity.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    # Nor through the list's delete action.
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    action = {"action": "delete_selected", "_selected_action": [activity.pk], "post": "yes"}
    assert client.post(changelist, action).status_code == 403
    # Nor by reverting to an earlier version from its history.
    record = activity.history.earliest("history_date")
    revert = reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history",
        args=[activity.pk, record.history_id],
    )
    assert client.post(revert, {"title": "Återställt"}).status_code == 403
    assert Activity.objects.filter(pk=activity.pk, title=activity.title, version=1).exists()


def test_an_activity_is_not_moved_or_added_into_a_plan_past_its_draft(
    client, programme, coordinator, draft_activity
):
    published = programme.published_plan
    url = change_url(draft_activity)
    response = client.post(url, admin_form_data(client, url, plan=str(published.pk)))
    assert response.status_code == 200
    assert "utkast" in response.content.decode()
    assert Activity.objects.get(pk=draft_activity.pk).plan == programme.draft_plan
    opts = Activity._meta
    add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    new = {
        "title": "Ny aktivitet",
        "kind": Activity.Kind.ACTIVITY,
        "status": Activity.Status.PLANNED,
        "collaboration_area": str(draft_activity.collaboration_area_id),
        "lead_organisation": str(programme.region.pk),
    }
    response = client.post(add, admin_form_data(client, add, plan=str(published.pk), **new))
    assert response.status_code == 200
    assert "utkast" in response.content.decode()
    assert not published.activities.exists()
    # Into the draft, the same form adds it.
    draft = str(programme.draft_plan.pk)
    response = client.post(add, admin_form_data(client, add, plan=draft, **new))
    assert response.status_code == 302
    assert programme.draft_plan.activities.filter(title="Ny aktivitet").exists()


def test_reverting_from_the_history_raises_the_version(
    client, programme, coordinator, draft_activity
):
    url = change_url(draft_activity)
    client.post(url, admin_form_data(client, url, title="Rättat i admin"))
    record = draft_activity.history.earliest("history_date")
    opts = Activity._meta
    revert = reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history",
        args=[draft_activity.pk, record.history_id],
    )
    assert client.post(revert, admin_form_data(client, revert)).status_code == 302
    stored = Activity.objects.get(pk=draft_activity.pk)
    assert (stored.title, stored.version) == (PROJECT, 3)


@pytest.mark.parametrize("model", [SubGoal, BudgetLine, Risk], ids=lambda m: m.__name__)
def test_an_activity_s_children_change_on_its_page_only(
    client, programme, coordinator, draft_activity, model
):
    """Where the plan's lock and the activity's version apply."""
    child = model.objects.filter(activity=draft_activity).first() or Risk.objects.create(
        activity=draft_activity, description="Kommunerna hinner inte"
    )
    url = change_url(child)
    html = client.get(url).content.decode()
    assert 'name="_save"' not in html
    assert client.post(url, {"activity": str(draft_activity.pk)}).status_code == 403
    opts = model._meta
    assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 403
    inline = client.get(change_url(draft_activity)).content.decode()
    assert f'name="{model._meta.get_field("activity").remote_field.related_name}-0-id"' in inline


def test_the_plan_s_page_lists_its_activities_without_editing_them(
    client, programme, coordinator, draft_activity
):
    html = client.get(change_url(programme.draft_plan)).content.decode()
    assert draft_activity.title in html
    assert 'name="activities-0-title"' not in html
    assert change_url(draft_activity) in html
