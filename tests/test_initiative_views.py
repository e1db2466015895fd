"""The initiative's pages: each step posts to its own view, which has the submitter told of
it (the services leave that to their caller)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from actionplans.models import Initiative, InitiativeEvent
from actionplans.tasks import send_initiative_notice
from portal.models import Meeting
from tests.factories import FocusAreaFactory, council_make

NOTICE = "actionplans.tasks.send_initiative_notice"
SCORES = dict.fromkeys(Initiative.CRITERIA, "4")


@pytest.fixture
def county(programme):
    """The programme's strategy with a second focus area and a steering group meeting to
    come, whose agenda the initiative goes on."""
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
    """Who is who in these tests: the programme's contact of a municipality submits, the
    council's chair and the strategy group's member (``preparer``) prepare, and the steering
    group decides."""
    _council, chair = council_make(programme)
    return {
        "submitter": programme.contact,
        "council chair": chair,
        "preparer": programme.commenter,
        "steering": programme.steering,
    }


def _notices(callbacks) -> list[tuple]:
    """The tasks the request enqueued on commit, with their arguments."""
    # Each is portal.tasks.publish(task, *args), bound by portal.tasks.enqueue.
    return [(callback.args[0].name, callback.args[1:]) for callback in callbacks]


def _post(client, user, path, data, capture):
    client.force_login(user)
    with capture() as callbacks:
        response = client.post(path, data)
    return response, _notices(callbacks)


def _step(client, capture, user, initiative, step, data, kind):
    """Post one step; it is saved, its event recorded and one notice of it enqueued."""
    path = f"/initiativ/{initiative.pk}/{step}/"
    response, notices = _post(client, user, path, data, capture)
    assert response.status_code == 302, response.content[:300]
    assert response["Location"] == initiative.get_absolute_url()
    event = initiative.events.latest("pk")
    assert event.kind == kind
    assert notices == [(NOTICE, (event.pk,))]
    return event


def _new_initiative(county, submitter) -> Initiative:
    """An initiative of the submitter's, submitted without the steps' views."""
    return Initiative.objects.create(
        strategy=county,
        title="Initiativ",
        problem="Problem",
        expected_benefit="Nytta",
        proposed_kind="prestudy",
        organisation=submitter.organisation,
        submitted_by=submitter,
    )


def _submitted(client, county, submitter, capture):
    data = {
        "strategy": county.pk,
        "title": "Gemensam e-tjänst för bygglov",
        "problem": "Varje kommun bygger sin egen e-tjänst.",
        "expected_benefit": "Lägre kostnad och samma service i hela länet.",
        "focus_areas": [area.pk for area in county.focus_areas.all()[:2]],
        "proposed_kind": "prestudy",
        "rough_cost": "250000",
    }
    response, notices = _post(client, submitter, "/initiativ/nytt/", data, capture)
    initiative = Initiative.objects.get(title=data["title"])
    assert response.status_code == 302
    assert response["Location"] == initiative.get_absolute_url()
    event = initiative.events.get()
    assert event.kind == InitiativeEvent.Kind.SUBMITTED
    assert notices == [(NOTICE, (event.pk,))]  # the receipt to the submitter
    return initiative


def test_submitting_sends_the_submitter_a_receipt(
    client, county, people, django_capture_on_commit_callbacks
):
    submitter = people["submitter"]
    initiative = _submitted(client, county, submitter, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    assert send_initiative_notice(initiative.events.get().pk) is True
    assert [m.to for m in mail.outbox] == [[submitter.email]]


def test_each_step_posts_to_its_own_view_and_the_submitter_is_told(
    client, programme, county, people, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    initiative = _submitted(client, county, people["submitter"], capture)
    preparer = people["preparer"]
    kinds = InitiativeEvent.Kind
    assign = {"preparer": preparer.pk}
    _step(client, capture, people["council chair"], initiative, "tilldela", assign, kinds.ASSIGNED)
    scores = SCORES | {"analysis": "Stark nytta."}
    _step(client, capture, preparer, initiative, "bedom", scores, kinds.SCORED)
    meeting = Meeting.objects.get(body=programme.steering_group)
    agenda = {"agenda-meeting": meeting.pk}
    _step(client, capture, preparer, initiative, "dagordning", agenda, kinds.AGENDA)
    decision = {
        "outcome": "prioritised",
        "reason": "Hög nytta.",
        "meeting": meeting.pk,
        "year": "2025",
        "collaboration_area": programme.area.pk,
    }
    _step(client, capture, people["steering"], initiative, "beslut", decision, kinds.DECIDED)
    _step(
        client,
        capture,
        people["submitter"],
        initiative,
        "kommentar",
        {"comment": "Tack!"},
        kinds.COMMENT,
    )
    initiative.refresh_from_db()
    assert (initiative.state, initiative.preparer) == (Initiative.State.DECIDED, preparer)
    assert initiative.activity.plan.year == 2025
    assert initiative.decision.meeting == meeting
    assert meeting.items.get().subject_id == initiative.pk


def test_an_incomplete_step_comes_back_with_its_errors(
    client, county, people, django_capture_on_commit_callbacks
):
    initiative = _new_initiative(county, people["submitter"])
    Initiative.objects.filter(pk=initiative.pk).update(
        state=Initiative.State.ANALYSIS, preparer=people["preparer"]
    )
    response, notices = _post(
        client,
        people["preparer"],
        f"/initiativ/{initiative.pk}/bedom/",
        {"analysis": ""},
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 200
    assert "Inget sparades. Rätta fälten som är markerade nedan." in response.content.decode()
    assert response.context["forms"]["score"].errors.keys() >= {"score_fit", "analysis"}
    assert notices == []
    assert list(initiative.events.all()) == []


def test_a_decision_before_the_analysis_is_refused_with_its_reason(
    client, county, people, django_capture_on_commit_callbacks
):
    initiative = _submitted(client, county, people["submitter"], django_capture_on_commit_callbacks)
    response, notices = _post(
        client,
        people["steering"],
        f"/initiativ/{initiative.pk}/beslut/",
        {"outcome": "rejected", "reason": "Nej"},
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 200
    errors = response.context["forms"]["decide"].non_field_errors()
    assert errors == ["Bara ett analyserat och poängsatt initiativ kan beslutas."]
    assert notices == []
    initiative.refresh_from_db()
    assert initiative.state == Initiative.State.SUBMITTED


@pytest.mark.parametrize(
    ("step", "who"),
    [
        ("tilldela", "submitter"),  # the submitter does not prepare
        ("bedom", "council chair"),  # only the preparer scores (nobody is yet)
        ("dagordning", "submitter"),
        ("beslut", "preparer"),  # only the steering group decides
    ],
)
def test_a_step_the_role_does_not_allow_is_refused(client, county, people, step, who):
    initiative = _new_initiative(county, people["submitter"])
    client.force_login(people[who])
    response = client.post(f"/initiativ/{initiative.pk}/{step}/", {})
    assert response.status_code == 403
    assert list(initiative.events.all()) == []


def _form_actions(response) -> set[str]:
    html = response.content.decode()
    return {
        step
        for step in ("tilldela", "bedom", "dagordning", "beslut", "kommentar")
        if f'/{step}/"' in html
    }


def test_the_page_offers_the_steps_its_reader_can_take_now(client, county, people):
    initiative = _new_initiative(county, people["submitter"])

    def offered(who):
        client.force_login(people[who])
        response = client.get(initiative.get_absolute_url())
        assert response.status_code == 200
        return _form_actions(response)

    assert offered("submitter") == {"kommentar"}
    assert offered("steering") == {"tilldela", "kommentar"}
    Initiative.objects.filter(pk=initiative.pk).update(
        state=Initiative.State.ANALYSIS, preparer=people["preparer"]
    )
    assert offered("preparer") == {"tilldela", "bedom", "kommentar"}
    Initiative.objects.filter(pk=initiative.pk).update(**dict.fromkeys(Initiative.CRITERIA, 4))
    assert offered("preparer") == {"tilldela", "bedom", "dagordning", "kommentar"}
    assert offered("steering") == {"tilldela", "dagordning", "beslut", "kommentar"}
    Initiative.objects.filter(pk=initiative.pk).update(
        state=Initiative.State.DECIDED, outcome=Initiative.Outcome.PARKED
    )
    assert offered("steering") == {"kommentar"}
    assert offered("submitter") == {"kommentar"}


def test_the_page_takes_no_posts_and_the_steps_no_gets(client, county, people):
    initiative = _new_initiative(county, people["submitter"])
    client.force_login(people["steering"])
    assert client.post(initiative.get_absolute_url(), {"comment": "x"}).status_code == 405
    assert client.get(f"/initiativ/{initiative.pk}/kommentar/").status_code == 405
