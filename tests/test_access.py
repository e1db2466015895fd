"""Who may do what with plans: object permissions granted from body memberships."""

import pytest

from actionplans.access import plan_access
from actionplans.selectors.plans import plans_for_user
from actionplans.services.permissions import access_sync
from portal.models import Body, Membership
from strategy.models import CollaborationArea
from tests.conftest import demo_user
from tests.factories import UserFactory

LEAD = "insatsledare-digital-infrastruktur"


@pytest.mark.parametrize(
    ("username", "edit", "comment", "approve", "areas"),
    [
        ("samordnare", True, True, False, set()),
        ("styrgrupp", False, True, True, set()),
        ("strategigrupp", False, True, False, set()),
        ("rad", False, True, False, set()),
        (LEAD, False, False, False, {"Digital infrastruktur"}),
        ("kontakt-kumla", False, False, False, set()),
    ],
)
def test_demo_roles(draft_plan, username, edit, comment, approve, areas):
    access = plan_access(demo_user(username), draft_plan)
    assert access.can_edit_plan is edit
    assert access.can_comment is comment
    assert access.can_approve is approve
    names = set(
        CollaborationArea.objects.filter(pk__in=access.area_ids).values_list("name", flat=True)
    )
    assert names == areas
    assert access.can_work_on is (username != "kontakt-kumla")


def test_guardian_answers_the_same(draft_plan):
    """The grants are django-guardian object permissions (direct foreign-key tables)."""
    strategy = draft_plan.strategy
    assert demo_user("samordnare").has_perm("strategy.edit_plans", strategy)
    assert not demo_user("styrgrupp").has_perm("strategy.edit_plans", strategy)
    assert demo_user("styrgrupp").has_perm("strategy.approve_plans", strategy)
    area = CollaborationArea.objects.get(strategy=strategy, name="Digital infrastruktur")
    assert demo_user(LEAD).has_perm("strategy.edit_area_activities", area)
    other = CollaborationArea.objects.get(strategy=strategy, name="Öppna data")
    assert not demo_user(LEAD).has_perm("strategy.edit_area_activities", other)


def test_no_permission_on_another_strategy(demo):
    from actionplans.models import ActionPlan
    from strategy.models import Strategy

    other = Strategy.objects.get(slug="region-vastmanland-digitaliseringsstrategi")
    plan = ActionPlan.objects.create(strategy=other, year=2024, title="Västmanland 2024")
    assert not plan_access(demo_user("samordnare"), plan).can_work_on
    assert plan not in plans_for_user(demo_user("samordnare"))


def test_leaving_a_body_takes_the_access_away(draft_plan):
    Membership.objects.filter(user__username="samordnare", body__slug="programledning").delete()
    result = access_sync(strategy=draft_plan.strategy)
    assert result["removed"] == 2  # edit and comment
    assert not plan_access(demo_user("samordnare"), draft_plan).can_work_on


def test_joining_a_body_gives_access(draft_plan):
    newcomer = UserFactory()
    Membership.objects.create(user=newcomer, body=Body.objects.get(slug="strategigruppen"))
    assert not plan_access(newcomer, draft_plan).can_comment
    access_sync(strategy=draft_plan.strategy)
    assert plan_access(newcomer, draft_plan).can_comment


def test_a_second_sync_changes_nothing(draft_plan):
    assert access_sync(strategy=draft_plan.strategy) == {"added": 0, "removed": 0}


def test_a_grant_by_hand_is_replaced_by_the_memberships(draft_plan):
    from guardian.shortcuts import assign_perm

    stranger = UserFactory()
    assign_perm("strategy.edit_plans", stranger, draft_plan.strategy)
    assert plan_access(stranger, draft_plan).can_edit_plan
    access_sync(strategy=draft_plan.strategy)
    assert not plan_access(stranger, draft_plan).can_edit_plan


def test_anonymous_and_inactive_users_get_nothing(draft_plan):
    from django.contrib.auth.models import AnonymousUser

    assert not plan_access(AnonymousUser(), draft_plan).can_work_on
    user = demo_user("samordnare")
    user.is_active = False
    assert not plan_access(user, draft_plan).can_work_on


def test_plans_for_user(draft_plan, published_plan):
    assert {draft_plan, published_plan} <= set(plans_for_user(demo_user(LEAD)))
    assert plans_for_user(demo_user("kontakt-kumla")) == []
