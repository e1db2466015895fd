"""Next year's plan starts from the chosen activities of this year's."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from actionplans.access import plan_access
from actionplans.models import ActionPlan
from actionplans.services import plans as plan_services
from tests.factories import published_content_make


@pytest.fixture
def published_plan(programme):
    """The programme's 2023 plan with ten activities (its 2024 draft exists too)."""
    published_content_make(programme)
    return programme.published_plan


def test_rollover_copies_the_chosen_activities(programme, published_plan):
    user = programme.coordinator
    access = plan_access(user, published_plan)
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


def test_one_plan_per_year(programme, published_plan):
    user = programme.coordinator
    access = plan_access(user, published_plan)
    with pytest.raises(ValidationError, match="Strategin har redan en plan för 2024"):
        plan_services.plan_rollover(  # the programme has its 2024 draft
            plan=published_plan, user=user, access=access, activity_ids=[], title=""
        )


def test_only_coordinators_roll_over(programme, published_plan):
    ActionPlan.objects.filter(strategy=published_plan.strategy, year=2024).delete()
    user = programme.steering
    access = plan_access(user, published_plan)
    assert access.can_approve  # a role of the strategy, but not the one that edits
    with pytest.raises(PermissionDenied, match="Only the plan's coordinators start next year's"):
        plan_services.plan_rollover(
            plan=published_plan, user=user, access=access, activity_ids=[], title=""
        )
    assert not ActionPlan.objects.filter(strategy=published_plan.strategy, year=2024).exists()


def test_activities_of_another_plan_are_refused(programme, published_plan):
    draft_plan = programme.draft_plan
    user = programme.coordinator
    access = plan_access(user, draft_plan)
    with pytest.raises(ValidationError, match="finns inte i den här planen"):
        plan_services.plan_rollover(
            plan=draft_plan,
            user=user,
            access=access,
            activity_ids=[published_plan.activities.first().pk],
            title="",
        )
    assert not ActionPlan.objects.filter(strategy=draft_plan.strategy, year=2025).exists()
