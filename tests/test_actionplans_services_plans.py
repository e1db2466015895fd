"""The plan's workflow: each step, who may take it, its timeline entry, revisions."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from actionplans.access import plan_access
from actionplans.models import ActionPlan, PlanEvent
from actionplans.services import plans as plan_services
from actionplans.workflow import TRANSITIONS, available_transitions
from tests.factories import council_member_make, published_content_make

State = ActionPlan.State


def step(plan, name, user, comment=""):
    return plan_services.plan_transition(
        plan=plan, name=name, user=user, access=plan_access(user, plan), comment=comment
    )


def test_the_whole_way_to_published(programme):
    p, draft_plan = programme, programme.draft_plan
    step(draft_plan, "submit", p.coordinator, "Klar för granskning")
    access = plan_access(p.commenter, draft_plan)
    plan_services.plan_comment(
        plan=draft_plan, user=p.commenter, access=access, comment="Ser bra ut."
    )
    step(draft_plan, "approve", p.steering)
    step(draft_plan, "publish", p.coordinator)
    draft_plan.refresh_from_db()
    assert draft_plan.state == State.PUBLISHED
    events = list(draft_plan.events.order_by("created_at", "pk"))
    assert [(e.kind, e.to_state, e.actor) for e in events] == [
        ("transition", "review", p.coordinator),
        ("comment", "", p.commenter),
        ("transition", "approved", p.steering),
        ("transition", "published", p.coordinator),
    ]
    assert events[0].comment == "Klar för granskning"
    # The state change is in the audit trail with who made it.
    assert draft_plan.history.first().history_user == p.coordinator


@pytest.mark.parametrize(
    ("state", "name", "role"),
    [
        (State.DRAFT, "submit", "steering"),
        (State.DRAFT, "submit", "lead"),
        (State.REVIEW, "approve", "coordinator"),
        (State.REVIEW, "approve", "commenter"),
        (State.APPROVED, "publish", "steering"),
        (State.PUBLISHED, "close", "council"),
    ],
)
def test_only_the_named_roles_may_take_a_step(programme, state, name, role):
    draft_plan = programme.draft_plan
    user = council_member_make(programme) if role == "council" else getattr(programme, role)
    ActionPlan.objects.filter(pk=draft_plan.pk).update(state=state)
    draft_plan.refresh_from_db()
    # The plan is in the step's own state, so only the rule on who takes it refuses.
    with pytest.raises(PermissionDenied, match="Only the roles the workflow step names"):
        step(draft_plan, name, user)
    assert not PlanEvent.objects.filter(plan=draft_plan).exists()
    assert ActionPlan.objects.get(pk=draft_plan.pk).state == state


def test_a_step_from_the_wrong_state_is_refused_with_a_message(programme):
    with pytest.raises(ValidationError, match="Planen är nu ”Utkast”"):
        step(programme.draft_plan, "approve", programme.steering)


def test_a_second_click_does_not_step_twice(programme):
    draft_plan = programme.draft_plan
    step(draft_plan, "submit", programme.coordinator)
    stale = ActionPlan.objects.get(pk=draft_plan.pk)
    stale.state = State.DRAFT  # what the page showed before the first click landed
    with pytest.raises(ValidationError, match="går inte längre"):
        step(stale, "submit", programme.coordinator)
    assert draft_plan.events.count() == 1


def test_sending_back_needs_a_comment(programme):
    draft_plan = programme.draft_plan
    step(draft_plan, "submit", programme.coordinator)
    with pytest.raises(ValidationError, match="Skriv en kommentar"):
        step(draft_plan, "send_back", programme.steering, "  ")
    step(draft_plan, "send_back", programme.steering, "Budgeten saknar 2026.")
    draft_plan.refresh_from_db()
    assert draft_plan.state == State.DRAFT


def test_available_steps_per_role(programme):
    draft_plan = programme.draft_plan
    names = {
        role: [
            t.name
            for t in available_transitions(
                draft_plan, plan_access(getattr(programme, role), draft_plan)
            )
        ]
        for role in ("coordinator", "steering", "commenter")
    }
    assert names == {"coordinator": ["submit"], "steering": [], "commenter": []}


def test_the_workflow_is_declared_once():
    assert set(TRANSITIONS) == {"submit", "send_back", "approve", "publish", "close"}
    targets = {t.target for t in TRANSITIONS.values()}
    assert targets == {State.REVIEW, State.DRAFT, State.APPROVED, State.PUBLISHED, State.CLOSED}


def test_only_commenters_comment(programme):
    draft_plan, user = programme.draft_plan, programme.contact
    access = plan_access(user, draft_plan)
    with pytest.raises(PermissionDenied, match="steering group comment on a plan"):
        plan_services.plan_comment(plan=draft_plan, user=user, access=access, comment="Hej")
    assert not draft_plan.events.exists()


def test_a_revision_keeps_the_approved_plan_until_it_is_published(programme):
    published_content_make(programme)
    published_plan, coordinator = programme.published_plan, programme.coordinator
    access = plan_access(coordinator, published_plan)
    revision = plan_services.plan_revise(plan=published_plan, user=coordinator, access=access)
    assert (revision.revision, revision.state, revision.revises) == (2, State.DRAFT, published_plan)
    original_titles = sorted(published_plan.activities.values_list("title", flat=True))
    assert len(original_titles) == 10
    assert sorted(revision.activities.values_list("title", flat=True)) == original_titles
    published_plan.refresh_from_db()
    assert published_plan.state == State.PUBLISHED

    with pytest.raises(ValidationError, match="redan under arbete"):  # one open revision at a time
        plan_services.plan_revise(plan=published_plan, user=coordinator, access=access)

    step(revision, "submit", coordinator)
    step(revision, "approve", programme.steering)
    step(revision, "publish", coordinator)
    published_plan.refresh_from_db()
    assert published_plan.state == State.REPLACED
    public = ActionPlan.objects.get(
        strategy=published_plan.strategy, year=2023, state__in=ActionPlan.PUBLIC_STATES
    )
    assert public == revision


def test_a_draft_cannot_be_revised(programme):
    draft_plan = programme.draft_plan
    access = plan_access(programme.coordinator, draft_plan)
    with pytest.raises(ValidationError, match="Bara en godkänd eller publicerad plan"):
        plan_services.plan_revise(plan=draft_plan, user=programme.coordinator, access=access)
