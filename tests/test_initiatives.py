"""The intake of initiatives (actionplans.services.initiatives, the rules in
actionplans.access): the preparation process from submission to decision."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from actionplans import selectors
from actionplans.access import initiative_access
from actionplans.models import ActionPlan, Initiative, InitiativeEvent
from actionplans.services import initiatives as intake
from actionplans.tasks import send_initiative_notice
from portal.models import Body, Decision, Meeting
from strategy.models import CollaborationArea, Strategy
from tests.conftest import demo_user

COUNTY = "orebro-lan-2021-2026"
SCORES = dict.fromkeys(Initiative.CRITERIA, 4)


@pytest.fixture
def county(demo):
    return Strategy.objects.get(slug=COUNTY)


def _submit(county, username="kontakt-laxa", **overrides):
    values = {
        "user": demo_user(username),
        "strategy": county,
        "title": "Gemensam e-tjänst för bygglov",
        "problem": "Varje kommun bygger sin egen e-tjänst.",
        "expected_benefit": "Lägre kostnad och samma service i hela länet.",
        "focus_areas": list(county.focus_areas.all()[:2]),
        "proposed_kind": "prestudy",
        "rough_cost": Decimal(250000),
    } | overrides
    return intake.initiative_submit(**values).initiative


def _as(username, initiative):
    user = demo_user(username)
    return user, initiative_access(user, initiative)


def _analysed(county):
    initiative = _submit(county)
    user, access = _as("strategigrupp", initiative)
    intake.initiative_assign(initiative=initiative, user=user, access=access, preparer=user)
    user, access = _as("strategigrupp", Initiative.objects.get(pk=initiative.pk))
    return intake.initiative_score(
        initiative=initiative, user=user, access=access, scores=SCORES, analysis="Stark nytta."
    ).initiative


def test_a_contact_of_a_collaborating_organisation_submits(
    county, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        initiative = _submit(county)
    assert initiative.organisation.name == "Laxå kommun"
    assert initiative.state == Initiative.State.SUBMITTED
    assert initiative.focus_areas.count() == 2
    assert initiative.history.count() == 1
    assert initiative.events.get().kind == InitiativeEvent.Kind.SUBMITTED
    # The receipt to the submitter is the caller's to send (tests/test_initiative_views.py):
    # services never enqueue tasks.
    assert len(callbacks) == 0


def test_an_organisation_outside_the_collaboration_cannot_submit(county):
    from portal.models import Organisation

    user = demo_user("kontakt-laxa")
    user.organisation = Organisation.objects.get(collaborates=False)
    user.save()
    with pytest.raises(PermissionDenied):
        _submit(county)


def test_the_form_says_what_is_missing(county):
    with pytest.raises(ValidationError) as error:
        _submit(county, title=" ", problem="", expected_benefit="")
    assert set(error.value.error_dict) == {"title", "problem", "expected_benefit"}


def test_focus_areas_must_be_the_strategys(county):
    other = Strategy.objects.exclude(pk=county.pk).filter(focus_areas__isnull=False).first()
    with pytest.raises(ValidationError, match="Fokusområdena måste höra till strategin"):
        _submit(county, focus_areas=[other.focus_areas.first()])


def test_who_sees_an_initiative(county):
    initiative = _submit(county)
    for username in ("kontakt-laxa", "strategigrupp", "rad", "samordnare", "styrgrupp"):
        assert _as(username, initiative)[1].can_view, username
    for username in ("kontakt-kumla", "insatsledare-digital-infrastruktur"):
        assert not _as(username, initiative)[1].can_view, username


def test_only_preparers_assign_and_only_among_themselves(county):
    initiative = _submit(county)
    user, access = _as("kontakt-laxa", initiative)
    with pytest.raises(PermissionDenied):
        intake.initiative_assign(initiative=initiative, user=user, access=access, preparer=user)
    user, access = _as("rad", initiative)
    with pytest.raises(ValidationError, match=r"(?i)beredare"):
        intake.initiative_assign(
            initiative=initiative, user=user, access=access, preparer=demo_user("kontakt-kumla")
        )
    assigned = intake.initiative_assign(
        initiative=initiative, user=user, access=access, preparer=demo_user("strategigrupp")
    ).initiative
    assert (assigned.state, assigned.preparer.username) == (
        Initiative.State.ANALYSIS,
        "strategigrupp",
    )


def test_only_the_preparer_scores_and_every_criterion_counts(county):
    initiative = _submit(county)
    user, access = _as("strategigrupp", initiative)
    intake.initiative_assign(initiative=initiative, user=user, access=access, preparer=user)
    initiative.refresh_from_db()
    other, other_access = _as("rad", initiative)
    with pytest.raises(PermissionDenied):
        intake.initiative_score(
            initiative=initiative, user=other, access=other_access, scores=SCORES, analysis="x"
        )
    user, access = _as("strategigrupp", initiative)
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


def test_prioritised_into_next_years_plan_in_a_meeting(county, django_capture_on_commit_callbacks):
    initiative = _analysed(county)
    meeting = Meeting.objects.filter(body__kind=Body.Kind.STEERING_GROUP).first()
    area = CollaborationArea.objects.get(strategy=county, name="Välfärdstjänster")
    assert not ActionPlan.objects.filter(strategy=county, year=2025).exists()
    user, access = _as("styrgrupp", initiative)
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
    assert activity.lead_organisation.name == "Laxå kommun"
    assert activity.contact.username == "kontakt-laxa"
    assert set(activity.focus_areas.all()) == set(initiative.focus_areas.all())
    assert activity.history.count() == 1
    decision = Decision.objects.get(subject_id=initiative.pk, subject_type__model="initiative")
    assert decision.meeting == meeting
    assert decision.decided_on == timezone.localtime(meeting.starts_at).date()
    assert "2025" in decision.title and initiative.title in decision.title
    assert decided.decision == decision
    # A second initiative for 2025 goes into the same draft.
    second = _analysed(county)
    user, access = _as("styrgrupp", second)
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


def test_a_plan_past_its_draft_is_not_changed_by_a_decision(county, draft_plan):
    ActionPlan.objects.filter(pk=draft_plan.pk).update(state=ActionPlan.State.APPROVED)
    initiative = _analysed(county)
    user, access = _as("styrgrupp", initiative)
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
def test_parked_or_rejected_with_a_reason(county, outcome):
    initiative = _analysed(county)
    user, access = _as("styrgrupp", initiative)
    with pytest.raises(ValidationError, match="Ange motiveringen till beslutet"):
        intake.initiative_decide(
            initiative=initiative, user=user, access=access, outcome=outcome, reason=""
        )
    decided = intake.initiative_decide(
        initiative=initiative, user=user, access=access, outcome=outcome, reason="Inte nu."
    ).initiative
    assert decided.activity is None
    assert decided.decision.text == "Inte nu."


def test_only_the_steering_group_decides_and_only_after_analysis(county):
    initiative = _submit(county)
    user, access = _as("styrgrupp", initiative)
    with pytest.raises(ValidationError, match="Bara ett analyserat och poängsatt initiativ"):
        intake.initiative_decide(
            initiative=initiative, user=user, access=access, outcome="rejected", reason="Nej"
        )
    analysed = _analysed(county)
    for username in ("strategigrupp", "samordnare", "kontakt-laxa"):
        user, access = _as(username, analysed)
        with pytest.raises(PermissionDenied):
            intake.initiative_decide(
                initiative=analysed, user=user, access=access, outcome="rejected", reason="Nej"
            )


def test_the_submitter_is_told_of_each_step_once(county):
    initiative = _analysed(county)
    mail.outbox.clear()
    events = list(initiative.events.all())
    assert [e.kind for e in events] == ["submitted", "assigned", "scored"]
    for event in events:
        assert send_initiative_notice(event.pk) is True
        assert send_initiative_notice(event.pk) is False  # a retry sends nothing more
    assert len(mail.outbox) == 3
    assert all(m.to == ["kontakt-laxa@example.org"] for m in mail.outbox)
    assert initiative.title in mail.outbox[0].subject
    assert initiative.get_absolute_url() in mail.outbox[2].body


def test_on_the_agenda_of_a_coming_meeting_once(county):
    from portal.models import AgendaItem

    initiative = _analysed(county)
    meeting = selectors.coming_steering_meetings(county).first()
    user, access = _as("strategigrupp", initiative)
    for _ in range(2):
        intake.initiative_to_agenda(
            initiative=initiative, user=user, access=access, meeting=meeting
        )
    item = AgendaItem.objects.get(meeting=meeting)
    assert item.subject == initiative
    assert item.subject_url == initiative.get_absolute_url()
    user, access = _as("kontakt-laxa", initiative)
    with pytest.raises(PermissionDenied):
        intake.initiative_to_agenda(
            initiative=initiative, user=user, access=access, meeting=meeting
        )
    # Deciding at that meeting keeps the one item.
    user, access = _as("styrgrupp", initiative)
    intake.initiative_decide(
        initiative=initiative,
        user=user,
        access=access,
        outcome="parked",
        reason="Senare",
        meeting=meeting,
    )
    assert AgendaItem.objects.filter(meeting=meeting).count() == 1


def test_what_each_role_is_offered_follows_the_state(county):
    def offered(username, initiative):
        access = _as(username, initiative)[1]
        steps = ("can_assign", "can_score", "can_put_on_agenda", "can_decide", "can_comment")
        return {step for step in steps if getattr(access, step)}

    submitted = _submit(county)
    assert offered("strategigrupp", submitted) == {"can_assign", "can_comment"}
    assert offered("kontakt-laxa", submitted) == {"can_comment"}
    analysed = _analysed(county)  # strategigrupp is its preparer
    assert offered("strategigrupp", analysed) == {
        "can_assign",
        "can_score",
        "can_put_on_agenda",
        "can_comment",
    }
    assert offered("styrgrupp", analysed) == {
        "can_assign",
        "can_put_on_agenda",
        "can_decide",
        "can_comment",
    }
    user, access = _as("styrgrupp", analysed)
    decided = intake.initiative_decide(
        initiative=analysed, user=user, access=access, outcome="parked", reason="Senare"
    ).initiative
    assert offered("styrgrupp", decided) == {"can_comment"}
    assert offered("strategigrupp", decided) == {"can_comment"}
    # What the role allows stays: a late post is answered by the service's message.
    assert _as("strategigrupp", decided)[1].may_score
