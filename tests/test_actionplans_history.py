"""An activity's history reads as field, before, after, who and when; any version can be
brought back, children included."""

import pytest

from actionplans.access import plan_access
from actionplans.history import activity_history
from actionplans.models import Activity, SubGoal
from actionplans.services import activities as activity_services
from tests.factories import PROJECT, plan_project_make
from tests.test_actionplans_services_activities import post_data, save


@pytest.fixture
def draft_plan(programme):
    """The programme's draft, with its one project (five sub-goals, one focus area)."""
    plan_project_make(programme.draft_plan)
    return programme.draft_plan


def test_the_diff_names_field_before_after_and_who(programme, draft_plan):
    activity = draft_plan.activities.get()
    first_sub_goal = activity.sub_goals.order_by("pk").first()
    data = post_data(draft_plan, activity, title="Nytt namn", status=Activity.Status.ONGOING)
    data["sub_goals-0-planned_count"] = "7"
    save(draft_plan, programme.coordinator, data, instance=activity)

    entries = activity_history(activity)
    newest = next(e for e in entries if e.action == "Changed" or e.action == "Ändrad")
    changes = {c.field: (c.before, c.after) for c in newest.changes}
    assert changes["titel"] == (PROJECT, "Nytt namn")
    assert changes["status"] == ("Planerad", "Pågående")
    assert newest.who == programme.coordinator
    assert "fokusområden" not in changes  # the links were posted back unchanged
    sub_goal = next(e for e in entries if e.history_id is None and e.changes)
    before = str(first_sub_goal.planned_count or "–")
    assert ("planerat antal", before, "7") in {
        (c.field, c.before, c.after) for c in sub_goal.changes
    }
    # The first version can be restored; the current one is what is there already.
    assert not newest.restorable
    created = [e for e in entries if e.history_id is not None][-1]
    assert created.restorable


def test_restoring_a_version_brings_back_fields_links_and_children(programme, draft_plan):
    activity = draft_plan.activities.get()
    first = activity.history.order_by("history_date").last()  # the newest: as made
    focus_before = set(activity.focus_areas.values_list("pk", flat=True))
    data = post_data(draft_plan, activity, title="Fel titel", focus_areas=[])
    data["sub_goals-0-DELETE"] = "on"
    save(draft_plan, programme.coordinator, data, instance=activity)
    activity.refresh_from_db()
    assert activity.sub_goals.count() == 4 and not activity.focus_areas.exists()

    user = programme.coordinator
    access = plan_access(user, draft_plan)
    activity_services.activity_revert(
        activity=activity, history_id=first.history_id, user=user, access=access
    )
    activity.refresh_from_db()
    assert activity.title == PROJECT
    assert set(activity.focus_areas.values_list("pk", flat=True)) == focus_before
    assert activity.sub_goals.count() == 5
    assert SubGoal.objects.filter(activity=activity, order=1).exists()
    assert activity.version == 3
    assert activity.history.first().history_user == user


def test_history_queries_do_not_grow_with_its_length(
    programme, draft_plan, django_assert_max_num_queries
):
    activity = draft_plan.activities.get()
    for n in range(6):
        fresh = Activity.objects.get(pk=activity.pk)
        save(
            draft_plan,
            programme.coordinator,
            post_data(draft_plan, fresh, title=f"Titel {n}"),
            instance=fresh,
        )
    with django_assert_max_num_queries(12):
        entries = activity_history(activity)
    assert len(entries) >= 7
