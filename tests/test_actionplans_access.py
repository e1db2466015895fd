"""Who may do what with plans: object permissions granted from body memberships."""

import pytest

from actionplans.access import plan_access
from actionplans.selectors.plans import plans_for_user
from actionplans.services.permissions import access_sync
from portal.models import Membership
from strategy.models import CollaborationArea
from tests.factories import StrategyFactory, UserFactory, council_member_make


@pytest.mark.parametrize(
    ("role", "edit", "comment", "approve", "areas"),
    [
        ("coordinator", True, True, False, set()),
        ("steering", False, True, True, set()),
        ("commenter", False, True, False, set()),
        ("council", False, True, False, set()),
        ("lead", False, False, False, {"Digital infrastruktur"}),
        ("contact", False, False, False, set()),
    ],
)
def test_roles(programme, role, edit, comment, approve, areas):
    user = council_member_make(programme) if role == "council" else getattr(programme, role)
    access = plan_access(user, programme.draft_plan)
    assert access.can_edit_plan is edit
    assert access.can_comment is comment
    assert access.can_approve is approve
    names = set(
        CollaborationArea.objects.filter(pk__in=access.area_ids).values_list("name", flat=True)
    )
    assert names == areas
    assert access.can_work_on is (role != "contact")


def test_guardian_answers_the_same(programme):
    """The grants are django-guardian object permissions (direct foreign-key tables)."""
    p = programme
    assert p.coordinator.has_perm("strategy.edit_plans", p.strategy)
    assert not p.steering.has_perm("strategy.edit_plans", p.strategy)
    assert p.steering.has_perm("strategy.approve_plans", p.strategy)
    assert p.lead.has_perm("strategy.edit_area_activities", p.area)
    assert not p.lead.has_perm("strategy.edit_area_activities", p.other_area)


def test_no_permission_on_another_strategy(programme):
    from actionplans.models import ActionPlan

    other = StrategyFactory(title="Region Västmanlands digitaliseringsstrategi")
    plan = ActionPlan.objects.create(strategy=other, year=2024, title="Västmanland 2024")
    assert not plan_access(programme.coordinator, plan).can_work_on
    assert plan not in plans_for_user(programme.coordinator)


def test_leaving_a_body_takes_the_access_away(programme):
    p = programme
    Membership.objects.filter(user=p.coordinator, body=p.coordinators).delete()
    result = access_sync(strategy=p.strategy)
    assert result["removed"] == 2  # edit and comment
    assert not plan_access(p.coordinator, p.draft_plan).can_work_on


def test_joining_a_body_gives_access(programme):
    newcomer = UserFactory()
    Membership.objects.create(user=newcomer, body=programme.strategy_group)
    assert not plan_access(newcomer, programme.draft_plan).can_comment
    access_sync(strategy=programme.strategy)
    assert plan_access(newcomer, programme.draft_plan).can_comment


def test_a_second_sync_changes_nothing(programme):
    assert access_sync(strategy=programme.strategy) == {"added": 0, "removed": 0}


def test_a_grant_by_hand_is_replaced_by_the_memberships(programme):
    from guardian.shortcuts import assign_perm

    stranger = UserFactory()
    assign_perm("strategy.edit_plans", stranger, programme.strategy)
    assert plan_access(stranger, programme.draft_plan).can_edit_plan
    access_sync(strategy=programme.strategy)
    assert not plan_access(stranger, programme.draft_plan).can_edit_plan


def test_anonymous_and_inactive_users_get_nothing(programme):
    from django.contrib.auth.models import AnonymousUser

    assert not plan_access(AnonymousUser(), programme.draft_plan).can_work_on
    user = programme.coordinator
    assert plan_access(user, programme.draft_plan).can_work_on
    user.is_active = False
    assert not plan_access(user, programme.draft_plan).can_work_on


def test_plans_for_user(programme):
    p = programme
    assert set(plans_for_user(p.lead)) == {p.draft_plan, p.published_plan}
    assert plans_for_user(p.contact) == []
