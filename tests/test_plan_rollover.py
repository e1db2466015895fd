"""Next year's plan starts from the chosen activities of this year's."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from actionplans.models import ActionPlan
from actionplans.services import plans as plan_services


def test_rollover_copies_the_chosen_activities(published_plan, as_user):
    user, access = as_user("samordnare", published_plan)
    ActionPlan.objects.filter(strategy=published_plan.strategy, year=2024).delete()
    chosen = list(published_plan.activities.order_by("pk")[:3])
    new_plan = plan_services.plan_rollover(
        plan=published_plan,
        user=user,
        access=access,
        activity_ids=[a.pk for a in chosen],
        title="",
    )
    assert (new_plan.year, new_plan.state, new_plan.title) == (2024, "draft", "Aktiviteter 2024")
    copies = list(new_plan.activities.all())
    assert sorted(a.title for a in copies) == sorted(a.title for a in chosen)
    original = chosen[0]
    copy = new_plan.activities.get(title=original.title)
    assert set(copy.focus_areas.all()) == set(original.focus_areas.all())
    assert copy.collaboration_area == original.collaboration_area
    assert new_plan.events.get().comment.startswith(("Carried over 3", "Förde över 3", "3"))
    published_plan.refresh_from_db()
    assert published_plan.activities.count() == 10  # the old plan is untouched


def test_one_plan_per_year(published_plan, as_user):
    user, access = as_user("samordnare", published_plan)
    with pytest.raises(ValidationError):  # 2024 exists in the demo
        plan_services.plan_rollover(
            plan=published_plan, user=user, access=access, activity_ids=[], title=""
        )


def test_only_coordinators_roll_over(published_plan, as_user):
    user, access = as_user("styrgrupp", published_plan)
    with pytest.raises(PermissionDenied):
        plan_services.plan_rollover(
            plan=published_plan, user=user, access=access, activity_ids=[], title=""
        )


def test_activities_of_another_plan_are_refused(published_plan, draft_plan, as_user):
    user, access = as_user("samordnare", draft_plan)
    with pytest.raises(ValidationError):
        plan_services.plan_rollover(
            plan=draft_plan,
            user=user,
            access=access,
            activity_ids=[published_plan.activities.first().pk],
            title="",
        )
    assert not ActionPlan.objects.filter(year=2025).exists()
