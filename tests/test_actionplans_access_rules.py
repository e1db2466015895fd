"""The rules of actionplans.access that combine the plan's state with the user's
permissions: the workspace's buttons ask these, and nothing else decides them."""

import pytest

from actionplans.access import APPROVE, COMMENT, EDIT, PlanAccess, plan_access
from actionplans.models import ActionPlan, Activity
from tests.factories import ActionPlanFactory, UserFactory

State = ActionPlan.State
EDITOR = frozenset({EDIT, COMMENT})
APPROVER = frozenset({APPROVE, COMMENT})
OWN_AREA, OTHER_AREA = 1, 2


def _access(state: str, perms=frozenset(), areas=frozenset()) -> PlanAccess:
    return PlanAccess(strategy_perms=perms, area_ids=frozenset(areas), plan_state=state)


@pytest.mark.parametrize(
    ("access", "expected"),
    [
        (_access(State.DRAFT, EDITOR), True),
        (_access(State.DRAFT, areas={OWN_AREA}), True),
        (_access(State.DRAFT, APPROVER), False),
        (_access(State.REVIEW, EDITOR), False),
        (_access(State.PUBLISHED, areas={OWN_AREA}), False),
        (PlanAccess(is_superuser=True, plan_state=State.DRAFT), True),
    ],
)
def test_activities_are_added_in_a_draft_by_its_editors_and_leads(access, expected):
    assert access.can_edit_activities is expected


@pytest.mark.parametrize(
    ("access", "edits_own", "edits_other"),
    [
        (_access(State.DRAFT, EDITOR), True, True),
        (_access(State.DRAFT, areas={OWN_AREA}), True, False),
        (_access(State.DRAFT, APPROVER), False, False),
        (_access(State.REVIEW, EDITOR), False, False),
        (_access(State.PUBLISHED, areas={OWN_AREA}), False, False),
    ],
)
def test_an_activity_is_edited_in_a_draft_by_an_editor_or_its_areas_lead(
    access, edits_own, edits_other
):
    own = Activity(collaboration_area_id=OWN_AREA)
    other = Activity(collaboration_area_id=OTHER_AREA)
    assert access.for_activity(own).can_edit is edits_own
    assert access.for_activity(other).can_edit is edits_other


@pytest.mark.parametrize("state", list(State.values))
def test_revisions_and_offers_are_for_editors_of_an_approved_or_published_plan(state):
    after_approval = state in (State.APPROVED, State.PUBLISHED)
    assert _access(state, EDITOR).can_revise is after_approval
    assert _access(state, EDITOR).can_offer is after_approval
    for others in (_access(state, APPROVER), _access(state, areas={OWN_AREA})):
        assert not others.can_revise and not others.can_offer


def test_the_access_holds_the_plans_state(db):
    plan = ActionPlanFactory(state=State.REVIEW)
    assert plan_access(UserFactory(is_superuser=True), plan).plan_state == State.REVIEW
    assert plan_access(UserFactory(), plan).plan_state == State.REVIEW
