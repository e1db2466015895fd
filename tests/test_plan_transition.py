"""The plan's workflow: each step, who may take it, its timeline entry, revisions."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from actionplans.models import ActionPlan, PlanEvent
from actionplans.services import plans as plan_services
from actionplans.workflow import TRANSITIONS, available_transitions

State = ActionPlan.State


def step(plan, name, username, as_user, comment=""):
    user, access = as_user(username, plan)
    return plan_services.plan_transition(
        plan=plan, name=name, user=user, access=access, comment=comment
    )


def test_the_whole_way_to_published(draft_plan, as_user):
    step(draft_plan, "submit", "samordnare", as_user, "Klar för granskning")
    user, access = as_user("strategigrupp", draft_plan)
    plan_services.plan_comment(plan=draft_plan, user=user, access=access, comment="Ser bra ut.")
    step(draft_plan, "approve", "styrgrupp", as_user)
    step(draft_plan, "publish", "samordnare", as_user)
    draft_plan.refresh_from_db()
    assert draft_plan.state == State.PUBLISHED
    events = list(draft_plan.events.order_by("created_at", "pk"))
    assert [(e.kind, e.to_state, e.actor.username) for e in events] == [
        ("transition", "review", "samordnare"),
        ("comment", "", "strategigrupp"),
        ("transition", "approved", "styrgrupp"),
        ("transition", "published", "samordnare"),
    ]
    assert events[0].comment == "Klar för granskning"
    # The state change is in the audit trail with who made it.
    assert draft_plan.history.first().history_user.username == "samordnare"


@pytest.mark.parametrize(
    ("state", "name", "username"),
    [
        (State.DRAFT, "submit", "styrgrupp"),
        (State.DRAFT, "submit", "insatsledare-digital-infrastruktur"),
        (State.REVIEW, "approve", "samordnare"),
        (State.REVIEW, "approve", "strategigrupp"),
        (State.APPROVED, "publish", "styrgrupp"),
        (State.PUBLISHED, "close", "rad"),
    ],
)
def test_only_the_named_roles_may_take_a_step(draft_plan, as_user, state, name, username):
    ActionPlan.objects.filter(pk=draft_plan.pk).update(state=state)
    draft_plan.refresh_from_db()
    with pytest.raises(PermissionDenied):
        step(draft_plan, name, username, as_user)
    assert not PlanEvent.objects.filter(plan=draft_plan).exists()


def test_a_step_from_the_wrong_state_is_refused_with_a_message(draft_plan, as_user):
    with pytest.raises(ValidationError, match="Utkast"):
        step(draft_plan, "approve", "styrgrupp", as_user)


def test_a_second_click_does_not_step_twice(draft_plan, as_user):
    step(draft_plan, "submit", "samordnare", as_user)
    stale = ActionPlan.objects.get(pk=draft_plan.pk)
    stale.state = State.DRAFT  # what the page showed before the first click landed
    with pytest.raises(ValidationError):
        step(stale, "submit", "samordnare", as_user)
    assert draft_plan.events.count() == 1


def test_sending_back_needs_a_comment(draft_plan, as_user):
    step(draft_plan, "submit", "samordnare", as_user)
    with pytest.raises(ValidationError):
        step(draft_plan, "send_back", "styrgrupp", as_user, "  ")
    step(draft_plan, "send_back", "styrgrupp", as_user, "Budgeten saknar 2026.")
    draft_plan.refresh_from_db()
    assert draft_plan.state == State.DRAFT


def test_available_steps_per_role(draft_plan, as_user):
    names = {
        username: [
            t.name for t in available_transitions(draft_plan, as_user(username, draft_plan)[1])
        ]
        for username in ("samordnare", "styrgrupp", "strategigrupp")
    }
    assert names == {"samordnare": ["submit"], "styrgrupp": [], "strategigrupp": []}


def test_the_workflow_is_declared_once():
    assert set(TRANSITIONS) == {"submit", "send_back", "approve", "publish", "close"}
    targets = {t.target for t in TRANSITIONS.values()}
    assert targets == {State.REVIEW, State.DRAFT, State.APPROVED, State.PUBLISHED, State.CLOSED}


def test_only_commenters_comment(draft_plan, as_user):
    user, access = as_user("kontakt-kumla", draft_plan)
    with pytest.raises(PermissionDenied):
        plan_services.plan_comment(plan=draft_plan, user=user, access=access, comment="Hej")


def test_a_revision_keeps_the_approved_plan_until_it_is_published(published_plan, as_user):
    user, access = as_user("samordnare", published_plan)
    revision = plan_services.plan_revise(plan=published_plan, user=user, access=access)
    assert (revision.revision, revision.state, revision.revises) == (2, State.DRAFT, published_plan)
    original_titles = sorted(published_plan.activities.values_list("title", flat=True))
    assert sorted(revision.activities.values_list("title", flat=True)) == original_titles
    published_plan.refresh_from_db()
    assert published_plan.state == State.PUBLISHED

    with pytest.raises(ValidationError):  # one open revision at a time
        plan_services.plan_revise(plan=published_plan, user=user, access=access)

    step(revision, "submit", "samordnare", as_user)
    step(revision, "approve", "styrgrupp", as_user)
    step(revision, "publish", "samordnare", as_user)
    published_plan.refresh_from_db()
    assert published_plan.state == State.REPLACED
    public = ActionPlan.objects.get(
        strategy=published_plan.strategy, year=2023, state__in=ActionPlan.PUBLIC_STATES
    )
    assert public == revision


def test_a_draft_cannot_be_revised(draft_plan, as_user):
    user, access = as_user("samordnare", draft_plan)
    with pytest.raises(ValidationError):
        plan_services.plan_revise(plan=draft_plan, user=user, access=access)
