"""actionplans.tasks.requeue_owed_jobs: what a user did while the broker was down is done
once it is back. The view saves and answers as usual; the minutely sweeper queues the job
the row still owes (an import to check or save, an offer's mails, an initiative's notice)."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.db.models import F

from actionplans import tasks
from actionplans.models import Initiative, InitiativeEvent, Offer, PlanImport
from actionplans.spreadsheet.export import plan_xlsx
from portal.dates import today
from tests.factories import FocusAreaFactory, activities_make, municipalities_make, project_make

CHECK = "actionplans.tasks.check_import"
APPLY = "actionplans.tasks.apply_import"
OFFER_MAILS = "actionplans.tasks.send_offer_mails"
NOTICE = "actionplans.tasks.send_initiative_notice"


def _age(model, pk: int, field: str, minutes: float = 2) -> None:
    """The row's ``field`` set ``minutes`` earlier, as if its action were that long ago."""
    model.objects.filter(pk=pk).update(**{field: F(field) - timedelta(minutes=minutes)})


def _post_while_down(client, broker, capture, path, data):
    """Post with the broker refusing, its on-commit callbacks run as a real commit runs them."""
    broker.down = True
    with capture(execute=True):
        response = client.post(path, data)
    broker.down = False
    return response


# --- Imports --------------------------------------------------------------------------------


@pytest.fixture
def draft_plan(programme, settings):
    project_make(programme)
    settings.IMPORT_SYNC_MAX_BYTES = 10  # every file goes to the worker
    return programme.draft_plan


def _upload(client, broker, capture, plan):
    upload = io.BytesIO(plan_xlsx(plan))
    upload.name = "plan.xlsx"
    path = f"/planarbete/{plan.pk}/importera/"
    return _post_while_down(client, broker, capture, path, {"file": upload})


def test_an_upload_while_the_broker_is_down_is_checked_once_it_is_back(
    client, programme, draft_plan, broker, django_capture_on_commit_callbacks
):
    client.force_login(programme.coordinator)
    response = _upload(client, broker, django_capture_on_commit_callbacks, draft_plan)
    plan_import = PlanImport.objects.get(plan=draft_plan)
    assert response.status_code == 302
    assert response["Location"] == plan_import.get_absolute_url()
    assert plan_import.state == PlanImport.State.CHECKING
    assert broker.sent == []

    assert tasks.requeue_owed_jobs() == 0  # under a minute old: its message may be on its way
    _age(PlanImport, plan_import.pk, "created_at")
    assert tasks.requeue_owed_jobs() == 1
    assert broker.sent == [(CHECK, (plan_import.pk,))]
    assert tasks.check_import(plan_import.pk) == PlanImport.State.READY
    assert tasks.requeue_owed_jobs() == 0  # checked: nothing owed


def test_a_save_while_the_broker_is_down_is_applied_once_it_is_back(
    client, programme, draft_plan, broker, django_capture_on_commit_callbacks
):
    client.force_login(programme.coordinator)
    _upload(client, broker, django_capture_on_commit_callbacks, draft_plan)
    plan_import = PlanImport.objects.get(plan=draft_plan)
    tasks.check_import(plan_import.pk)
    path = f"/importer/{plan_import.pk}/spara/"
    response = _post_while_down(client, broker, django_capture_on_commit_callbacks, path, {})
    assert response.status_code == 302
    plan_import.refresh_from_db()
    assert plan_import.state == PlanImport.State.APPLYING

    _age(PlanImport, plan_import.pk, "created_at")
    assert tasks.requeue_owed_jobs() == 1
    assert broker.sent == [(APPLY, (plan_import.pk,))]
    assert tasks.apply_import(plan_import.pk) == PlanImport.State.DONE
    assert tasks.requeue_owed_jobs() == 0  # saved: nothing owed


# --- Offers ---------------------------------------------------------------------------------


@pytest.fixture
def offer_data(programme):
    activities_make(programme)
    plan = programme.published_plan
    contacts = municipalities_make(programme, "Norrby", "Söderby")
    return plan, {
        "title": "Erbjudande om deltagande 2023",
        "text": "Anmäl er senast sista svarsdag.",
        "deadline": (today() + timedelta(days=10)).isoformat(),
        "reminder_days": "7",
        "activities": list(plan.activities.order_by("pk").values_list("pk", flat=True)[:2]),
        "organisations": [contact.organisation_id for contact in contacts],
    }


def test_an_offer_sent_while_the_broker_is_down_is_mailed_once_it_is_back(
    client, programme, offer_data, broker, django_capture_on_commit_callbacks
):
    plan, data = offer_data
    client.force_login(programme.coordinator)
    path = f"/planarbete/{plan.pk}/nytt-erbjudande/"
    response = _post_while_down(client, broker, django_capture_on_commit_callbacks, path, data)
    offer = Offer.objects.get(plan=plan)
    assert response.status_code == 302
    assert response["Location"] == offer.get_absolute_url()

    assert tasks.requeue_owed_jobs() == 0
    _age(Offer, offer.pk, "sent_at")
    assert tasks.requeue_owed_jobs() == 1
    assert broker.sent == [(OFFER_MAILS, (offer.pk,))]
    mail.outbox.clear()
    assert tasks.send_offer_mails(offer.pk) == 2
    assert tasks.requeue_owed_jobs() == 0  # mailed: nothing owed, nothing sent twice


def test_an_offer_to_nobody_reachable_is_not_owed(programme, offer_data, broker):
    """An offer whose organisations have no contacts yet has no mail to send."""
    from actionplans.access import plan_access
    from actionplans.services.offers import offer_send
    from tests.factories import OrganisationFactory

    plan, _data = offer_data
    nobody = OrganisationFactory(name="Ingenstans kommun", kind="municipality")
    offer = offer_send(
        plan=plan,
        user=programme.coordinator,
        access=plan_access(programme.coordinator, plan),
        title="Till ingen",
        text="",
        deadline=today() + timedelta(days=10),
        reminder_days=7,
        activities=list(plan.activities.all()[:1]),
        organisations=[nobody],
    )
    _age(Offer, offer.pk, "sent_at")
    assert tasks.requeue_owed_jobs() == 0


def test_an_offer_older_than_a_day_is_not_owed_any_more(programme, offer_data, broker):
    from actionplans.access import plan_access
    from actionplans.services.offers import offer_send
    from portal.models import Organisation

    plan, data = offer_data
    offer = offer_send(
        plan=plan,
        user=programme.coordinator,
        access=plan_access(programme.coordinator, plan),
        title="Gammalt",
        text="",
        deadline=today() + timedelta(days=10),
        reminder_days=7,
        activities=list(plan.activities.all()[:1]),
        organisations=list(Organisation.objects.filter(pk__in=data["organisations"])),
    )
    _age(Offer, offer.pk, "sent_at", minutes=25 * 60)
    assert tasks.requeue_owed_jobs() == 0


# --- Initiatives ----------------------------------------------------------------------------


def test_an_initiative_submitted_while_the_broker_is_down_is_acknowledged_once_it_is_back(
    client, programme, broker, django_capture_on_commit_callbacks
):
    strategy = programme.strategy
    FocusAreaFactory(strategy=strategy, title="Digital kompetens")
    submitter = programme.contact
    client.force_login(submitter)
    data = {
        "strategy": strategy.pk,
        "title": "Gemensam e-tjänst för bygglov",
        "problem": "Varje kommun bygger sin egen e-tjänst.",
        "expected_benefit": "Lägre kostnad och samma service i hela länet.",
        "focus_areas": [area.pk for area in strategy.focus_areas.all()[:2]],
        "proposed_kind": "prestudy",
        "rough_cost": "250000",
    }
    response = _post_while_down(
        client, broker, django_capture_on_commit_callbacks, "/initiativ/nytt/", data
    )
    initiative = Initiative.objects.get(title=data["title"])
    assert response.status_code == 302
    event = initiative.events.get()

    _age(InitiativeEvent, event.pk, "created_at")
    assert tasks.requeue_owed_jobs() == 1
    assert broker.sent == [(NOTICE, (event.pk,))]
    mail.outbox.clear()
    assert tasks.send_initiative_notice(event.pk) is True
    assert [m.to for m in mail.outbox] == [[submitter.email]]
    assert tasks.requeue_owed_jobs() == 0


def test_a_step_nobody_is_told_of_is_not_owed(programme, broker):
    """The submitter's own comment, or a submitter without an address, gets no mail."""
    submitter = programme.contact
    initiative = Initiative.objects.create(
        strategy=programme.strategy,
        title="Initiativ",
        problem="Problem",
        expected_benefit="Nytta",
        proposed_kind="prestudy",
        organisation=submitter.organisation,
        submitted_by=submitter,
    )
    own = InitiativeEvent.objects.create(initiative=initiative, kind="comment", actor=submitter)
    other = InitiativeEvent.objects.create(
        initiative=initiative, kind="comment", actor=programme.coordinator
    )
    for event in (own, other):
        _age(InitiativeEvent, event.pk, "created_at")
    assert tasks.requeue_owed_jobs() == 1
    assert broker.sent == [(NOTICE, (other.pk,))]
    type(submitter).objects.filter(pk=submitter.pk).update(email="")
    broker.sent.clear()
    assert tasks.requeue_owed_jobs() == 0


def test_nothing_is_queued_while_the_broker_is_still_down(programme, broker):
    submitter = programme.contact
    initiative = Initiative.objects.create(
        strategy=programme.strategy,
        title="Initiativ",
        problem="Problem",
        expected_benefit="Nytta",
        proposed_kind="prestudy",
        organisation=submitter.organisation,
        submitted_by=submitter,
    )
    event = InitiativeEvent.objects.create(initiative=initiative, kind="submitted", actor=submitter)
    _age(InitiativeEvent, event.pk, "created_at")
    broker.down = True
    assert tasks.requeue_owed_jobs() == 0
    broker.down = False
    assert tasks.requeue_owed_jobs() == 1  # still owed at the next sweep
    assert broker.sent == [(NOTICE, (event.pk,))]
