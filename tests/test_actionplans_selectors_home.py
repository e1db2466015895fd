"""What the home page asks of the action plans app: the plans awaiting a person's comment or
approval, the initiatives that need them, the year's plan steps and offers."""

from datetime import timedelta

from actionplans.access import initiative_accesses, plan_access, plan_accesses
from actionplans.models import ActionPlan, Initiative
from actionplans.selectors.initiatives import initiatives_awaiting
from actionplans.selectors.offers import offers_of_year
from actionplans.selectors.plans import plan_steps_of_year, plans_awaiting_review
from actionplans.services.offers import offer_send
from actionplans.services.plans import plan_transition
from portal.dates import today
from tests.factories import UserFactory, activities_make, programme_make


def _submitted(programme):
    plan = programme.draft_plan
    plan_transition(
        plan=plan,
        name="submit",
        user=programme.coordinator,
        access=programme.access(programme.coordinator),
    )
    plan.refresh_from_db()
    return plan


def test_a_plan_under_review_awaits_the_steering_group_and_the_commenters(programme):
    plan = _submitted(programme)
    steering = plans_awaiting_review(programme.steering)
    assert [(p, a.can_approve) for p, a in steering] == [(plan, True)]
    assert [p for p, _a in plans_awaiting_review(programme.commenter)] == [plan]
    # The coordinator submitted it and waits; the others have no say in it.
    for user in (programme.coordinator, programme.lead, programme.member, programme.outsider):
        assert plans_awaiting_review(user) == [], user


def test_a_draft_awaits_nobody(programme):
    assert plans_awaiting_review(programme.steering) == []


def test_another_strategys_plan_under_review_is_not_listed(programme):
    other = programme_make(name="Annanlän")
    _submitted(other)
    assert plans_awaiting_review(programme.steering) == []


def test_plan_accesses_answer_as_plan_access(programme):
    plans = [programme.draft_plan, programme.published_plan]
    for user in (programme.coordinator, programme.steering, programme.lead, programme.outsider):
        batch = plan_accesses(user, plans)
        assert batch == {plan.pk: plan_access(user, plan) for plan in plans}, user


def _initiative(programme, **fields):
    return Initiative.objects.create(
        strategy=programme.strategy,
        title=fields.pop("title", "Gemensam e-tjänstplattform"),
        problem="Varje kommun bygger sin egen.",
        expected_benefit="Lägre kostnader.",
        proposed_kind="prestudy",
        organisation=programme.municipality,
        submitted_by=programme.contact,
        **fields,
    )


def _scored():
    return dict.fromkeys(Initiative.CRITERIA, 3)


def test_a_submitted_initiative_awaits_a_preparer_from_those_who_prepare(programme):
    initiative = _initiative(programme)
    for user in (programme.commenter, programme.coordinator):
        found = initiatives_awaiting(user)
        assert [(i, a.awaits_preparer) for i, a in found] == [(initiative, True)], user
    # The steering group decides later; the submitter and the others have nothing to do.
    for user in (programme.steering, programme.contact, programme.member, programme.outsider):
        assert initiatives_awaiting(user) == [], user


def test_an_initiative_under_analysis_awaits_its_preparer_then_the_steering_group(programme):
    initiative = _initiative(
        programme, state=Initiative.State.ANALYSIS, preparer=programme.commenter
    )
    assert [i for i, a in initiatives_awaiting(programme.commenter) if a.awaits_analysis] == [
        initiative
    ]
    assert initiatives_awaiting(programme.coordinator) == []
    assert initiatives_awaiting(programme.steering) == []
    Initiative.objects.filter(pk=initiative.pk).update(**_scored())
    assert [(i, a.can_decide) for i, a in initiatives_awaiting(programme.steering)] == [
        (initiative, True)
    ]
    assert initiatives_awaiting(programme.commenter) == []


def test_a_decided_initiative_awaits_nobody(programme):
    _initiative(programme, state=Initiative.State.DECIDED, outcome="parked", **_scored())
    for user in (programme.commenter, programme.steering, UserFactory(is_superuser=True)):
        assert initiatives_awaiting(user) == [], user


def test_initiative_accesses_answer_as_initiative_access(programme):
    from actionplans.access import initiative_access

    initiatives = [
        _initiative(programme),
        _initiative(programme, title="Analys", state="analysis", preparer=programme.commenter),
    ]
    for user in (programme.commenter, programme.steering, programme.contact, programme.outsider):
        batch = initiative_accesses(user, initiatives)
        assert batch == {i.pk: initiative_access(user, i) for i in initiatives}, user


def test_plan_steps_of_year_for_those_who_work_on_the_plan(programme):
    _submitted(programme)
    year = today().year
    for user in (programme.coordinator, programme.steering, programme.lead):
        steps = plan_steps_of_year(user, year)
        assert [(s.plan, s.to_state) for s in steps] == [
            (programme.draft_plan, ActionPlan.State.REVIEW)
        ], user
    assert plan_steps_of_year(programme.outsider, year) == []
    assert plan_steps_of_year(programme.steering, year - 1) == []


def test_offers_of_year_for_the_plan_and_the_recipients_contacts(programme):
    activities = activities_make(programme)
    plan = programme.published_plan
    offer = offer_send(
        plan=plan,
        user=programme.coordinator,
        access=programme.access(programme.coordinator, plan),
        title="Erbjudande 2023",
        text="",
        deadline=today() + timedelta(days=20),
        reminder_days=5,
        activities=activities,
        organisations=[programme.municipality],
    )
    year = today().year
    for user in (programme.coordinator, programme.steering, programme.contact):
        assert offers_of_year(user, year) == [offer], user
    for user in (programme.member, programme.outsider):
        assert offers_of_year(user, year) == [], user
    assert offers_of_year(programme.contact, year - 1) == []
