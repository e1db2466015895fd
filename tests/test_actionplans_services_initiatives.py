"""The intake of initiatives (actionplans.services.initiatives, the rules in
actionplans.access): the preparation process from submission to decision."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from actionplans.access import initiative_access
from actionplans.models import ActionPlan, Initiative, InitiativeEvent
from actionplans.selectors import initiatives as initiative_selectors
from actionplans.services import initiatives as intake
from actionplans.tasks import send_initiative_notice
from portal.models import Decision, Meeting
from tests.factories import (
    FocusAreaFactory,
    OrganisationFactory,
    council_make,
    municipalities_make,
)

SCORES = dict.fromkeys(Initiative.CRITERIA, 4)


@pytest.fixture
def county(programme):
    """The programme's strategy with a second focus area and a steering group meeting to
    come."""
    FocusAreaFactory(strategy=programme.strategy, title="Digital kompetens")
    starts = timezone.now() + timedelta(days=30)
    Meeting.objects.create(
        body=programme.steering_group,
        title="Programstyrgruppens möte",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
    )
    return programme.strategy


@pytest.fixture
def people(programme, county):
    """Who is who in these tests: the programme's people (``contact``, a municipality's
    contact, submits), the council's chair, who prepares as the strategy group does, and a
    contact of another municipality, whom an initiative does not concern."""
    _council, chair = council_make(programme)
    (other_contact,) = municipalities_make(programme, "Norrby")
    return {
        "submitter": programme.contact,
        "commenter": programme.commenter,
        "council chair": chair,
        "coordinator": programme.coordinator,
        "steering": programme.steering,
        "lead": programme.lead,
        "other contact": other_contact,
    }


def _submit(county, user, **overrides):
    values = {
        "user": user,
        "strategy": county,
        "title": "Gemensam e-tjänst för bygglov",
        "problem": "Varje kommun bygger sin egen e-tjänst.",
        "expected_benefit": "Lägre kostnad och samma service i hela länet.",
        "focus_areas": list(county.focus_areas.all()[:2]),
        "proposed_kind": "prestudy",
        "rough_cost": Decimal(250000),
    } | overrides
    return intake.initiative_submit(**values).initiative


def _as(user, initiative):
    return user, initiative_access(user, initiative)


def _analysed(county, people):
    initiative = _submit(county, people["submitter"])
    user, access = _as(people["commenter"], initiative)
    intake.initiative_assign(initiative=initiative, user=user, access=access, preparer=user)
    user, access = _as(people["commenter"], Initiative.objects.get(pk=initiative.pk))
    return intake.initiative_score(
        initiative=initiative, user=user, access=access, scores=SCORES, analysis="Stark nytta."
    ).initiative


def test_a_contact_of_a_collaborating_organisation_submits(
    programme, county, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        initiative = _submit(county, programme.contact)
    assert initiative.organisation == programme.municipality
    assert initiative.state == Initiative.State.SUBMITTED
    assert initiative.focus_areas.count() == 2
    assert initiative.history.count() == 1
    assert initiative.events.get().kind == InitiativeEvent.Kind.SUBMITTED
    # The receipt to the submitter is the caller's to send (tests/test_initiative_views.py):
    # services never enqueue tasks.
    assert len(callbacks) == 0


def test_an_organisation_outside_the_collaboration_cannot_submit(programme, county):
    user = programme.contact
    user.organisation = OrganisationFactory(name="Region Utanför", collaborates=False)
    user.save()
    with pytest.raises(PermissionDenied, match="Only members of a collaborating organisation"):
        _submit(county, user)
    assert not Initiative.objects.filter(strategy=county).exists()


def test_the_form_says_what_is_missing(programme, county):
    with pytest.raises(ValidationError) as error:
        _submit(county, programme.contact, title=" ", problem="", expected_benefit="")
    assert set(error.value.error_dict) == {"title", "problem", "expected_benefit"}


def test_focus_areas_must_be_the_strategys(programme, county):
    other = FocusAreaFactory(title="En annan strategis fokusområde")
    assert other.strategy_id != county.pk
    with pytest.raises(ValidationError, match="Fokusområdena måste höra till strategin") as error:
        _submit(county, programme.contact, focus_areas=[other])
    assert set(error.value.error_dict) == {"focus_areas"}


def test_who_sees_an_initiative(county, people):
    initiative = _submit(county, people["submitter"])
    for name in ("submitter", "commenter", "council chair", "coordinator", "steering"):
        assert _as(people[name], initiative)[1].can_view, name
    for name in ("other contact", "lead"):
        assert not _as(people[name], initiative)[1].can_view, name


def test_only_preparers_assign_and_only_among_themselves(county, people):
    initiative = _submit(county, people["submitter"])
    user, access = _as(people["submitter"], initiative)
    with pytest.raises(PermissionDenied, match="and the coordinators assign a preparer"):
        intake.initiative_assign(initiative=initiative, user=user, access=access, preparer=user)
    user, access = _as(people["council chair"], initiative)
    with pytest.raises(ValidationError, match=r"(?i)beredare"):
        intake.initiative_assign(
            initiative=initiative, user=user, access=access, preparer=people["other contact"]
        )
    initiative.refresh_from_db()
    assert (initiative.state, initiative.preparer) == (Initiative.State.SUBMITTED, None)
    assigned = intake.initiative_assign(
        initiative=initiative, user=user, access=access, preparer=people["commenter"]
    ).initiative
    assert (assigned.state, assigned.preparer) == (
        Initiative.State.ANALYSIS,
        people["commenter"],
    )


def test_only_the_preparer_scores_and_every_criterion_counts(county, people):
    initiative = _submit(county, people["submitter"])
    user, access = _as(people["commenter"], initiative)
    intake.initiative_assign(initiative=initiative, user=user, access=access, preparer=user)
    initiative.refresh_from_db()
    other, other_access = _as(people["council chair"], initiative)
    with pytest.raises(PermissionDenied, match="Only the initiative's preparer scores it"):
        intake.initiative_score(
            initiative=initiative, user=other, access=other_access, scores=SCORES, analysis="x"
        )
    initiative.refresh_from_db()
    assert initiative.total_score is None  # nothing was scored
    user, access = _as(people["commenter"], initiative)
    with pytest.raises(ValidationError) as error:
        intake.initiative_score(
            initiative=initiative,
            user=user,
            access=access,
            scores=SCORES | {"score_risk": 6},
            analysis="",
        )
    assert set(error.value.error_dict) == {"score_risk", "analysis"}
    scored = intake.initiative_score(
        initiative=initiative, user=user, access=access, scores=SCORES, analysis="Bra."
    ).initiative
    assert scored.total_score == 20


def test_prioritised_into_next_years_plan_in_a_meeting(
    programme, county, people, django_capture_on_commit_callbacks
):
    initiative = _analysed(county, people)
    meeting = Meeting.objects.get(body=programme.steering_group)
    area = programme.other_area
    assert not ActionPlan.objects.filter(strategy=county, year=2025).exists()
    user, access = _as(people["steering"], initiative)
    decided = intake.initiative_decide(
        initiative=initiative,
        user=user,
        access=access,
        outcome=Initiative.Outcome.PRIORITISED,
        reason="Hög nytta för alla kommuner.",
        meeting=meeting,
        year=2025,
        collaboration_area=area,
    ).initiative
    plan = ActionPlan.objects.get(strategy=county, year=2025)
    assert plan.state == ActionPlan.State.DRAFT
    activity = decided.activity
    assert (activity.plan, activity.title, activity.kind) == (plan, initiative.title, "prestudy")
    assert activity.lead_organisation == programme.municipality
    assert activity.contact == programme.contact
    assert set(activity.focus_areas.all()) == set(initiative.focus_areas.all())
    assert activity.history.count() == 1
    decision = Decision.objects.get(subject_id=initiative.pk, subject_type__model="initiative")
    assert decision.meeting == meeting
    assert decision.decided_on == timezone.localtime(meeting.starts_at).date()
    assert "2025" in decision.title and initiative.title in decision.title
    assert decided.decision == decision
    # A second initiative for 2025 goes into the same draft.
    second = _analysed(county, people)
    user, access = _as(people["steering"], second)
    intake.initiative_decide(
        initiative=second,
        user=user,
        access=access,
        outcome="prioritised",
        reason="Ja",
        year=2025,
        collaboration_area=area,
    )
    assert ActionPlan.objects.filter(strategy=county, year=2025).count() == 1
    assert plan.activities.count() == 2


def test_a_plan_past_its_draft_is_not_changed_by_a_decision(programme, county, people):
    draft_plan = programme.draft_plan
    ActionPlan.objects.filter(pk=draft_plan.pk).update(state=ActionPlan.State.APPROVED)
    initiative = _analysed(county, people)
    user, access = _as(people["steering"], initiative)
    with pytest.raises(ValidationError, match="2024"):
        intake.initiative_decide(
            initiative=initiative,
            user=user,
            access=access,
            outcome="prioritised",
            reason="Ja",
            year=2024,
            collaboration_area=county.collaboration_areas.first(),
        )


@pytest.mark.parametrize("outcome", ["parked", "rejected"])
def test_parked_or_rejected_with_a_reason(county, people, outcome):
    initiative = _analysed(county, people)
    user, access = _as(people["steering"], initiative)
    with pytest.raises(ValidationError, match="Ange motiveringen till beslutet") as error:
        intake.initiative_decide(
            initiative=initiative, user=user, access=access, outcome=outcome, reason=""
        )
    assert set(error.value.error_dict) == {"reason"}
    decided = intake.initiative_decide(
        initiative=initiative, user=user, access=access, outcome=outcome, reason="Inte nu."
    ).initiative
    assert decided.activity is None
    assert decided.decision.text == "Inte nu."


def test_only_the_steering_group_decides_and_only_after_analysis(county, people):
    initiative = _submit(county, people["submitter"])
    user, access = _as(people["steering"], initiative)
    with pytest.raises(ValidationError, match="Bara ett analyserat och poängsatt initiativ"):
        intake.initiative_decide(
            initiative=initiative, user=user, access=access, outcome="rejected", reason="Nej"
        )
    analysed = _analysed(county, people)
    for name in ("commenter", "coordinator", "submitter"):
        user, access = _as(people[name], analysed)
        with pytest.raises(PermissionDenied, match="Only the steering group decides"):
            intake.initiative_decide(
                initiative=analysed, user=user, access=access, outcome="rejected", reason="Nej"
            )
    analysed.refresh_from_db()
    assert (analysed.state, analysed.decision) == (Initiative.State.ANALYSIS, None)


def test_the_submitter_is_told_of_each_step_once(programme, county, people):
    initiative = _analysed(county, people)
    mail.outbox.clear()
    events = list(initiative.events.all())
    assert [e.kind for e in events] == ["submitted", "assigned", "scored"]
    for event in events:
        assert send_initiative_notice(event.pk) is True
        assert send_initiative_notice(event.pk) is False  # a retry sends nothing more
    assert len(mail.outbox) == 3
    assert all(m.to == [programme.contact.email] for m in mail.outbox)
    assert initiative.title in mail.outbox[0].subject
    assert initiative.get_absolute_url() in mail.outbox[2].body


def test_on_the_agenda_of_a_coming_meeting_once(county, people):
    from portal.models import AgendaItem

    initiative = _analysed(county, people)
    meeting = initiative_selectors.coming_steering_meetings(county).first()
    user, access = _as(people["commenter"], initiative)
    for _ in range(2):
        intake.initiative_to_agenda(
            initiative=initiative, user=user, access=access, meeting=meeting
        )
    item = AgendaItem.objects.get(meeting=meeting)
    assert item.subject == initiative
    assert item.subject_url == initiative.get_absolute_url()
    user, access = _as(people["submitter"], initiative)
    with pytest.raises(PermissionDenied, match="Only those who prepare or decide initiatives"):
        intake.initiative_to_agenda(
            initiative=initiative, user=user, access=access, meeting=meeting
        )
    assert AgendaItem.objects.filter(meeting=meeting).count() == 1
    # Deciding at that meeting keeps the one item.
    user, access = _as(people["steering"], initiative)
    intake.initiative_decide(
        initiative=initiative,
        user=user,
        access=access,
        outcome="parked",
        reason="Senare",
        meeting=meeting,
    )
    assert AgendaItem.objects.filter(meeting=meeting).count() == 1


def test_what_each_role_is_offered_follows_the_state(county, people):
    def offered(role, initiative):
        access = _as(people[role], initiative)[1]
        steps = ("can_assign", "can_score", "can_put_on_agenda", "can_decide", "can_comment")
        return {step for step in steps if getattr(access, step)}

    submitted = _submit(county, people["submitter"])
    assert offered("commenter", submitted) == {"can_assign", "can_comment"}
    assert offered("submitter", submitted) == {"can_comment"}
    analysed = _analysed(county, people)  # the commenter is its preparer
    assert offered("commenter", analysed) == {
        "can_assign",
        "can_score",
        "can_put_on_agenda",
        "can_comment",
    }
    assert offered("steering", analysed) == {
        "can_assign",
        "can_put_on_agenda",
        "can_decide",
        "can_comment",
    }
    user, access = _as(people["steering"], analysed)
    decided = intake.initiative_decide(
        initiative=analysed, user=user, access=access, outcome="parked", reason="Senare"
    ).initiative
    assert offered("steering", decided) == {"can_comment"}
    assert offered("commenter", decided) == {"can_comment"}
    # What the role allows stays: a late post is answered by the service's message.
    assert _as(people["commenter"], decided)[1].may_score
