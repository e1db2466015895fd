"""Offers and sign-ups: sending, answering until the deadline, the matrix, and the mails
(content, recipients, each sent once however often the task runs)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from actionplans import tasks
from actionplans.access import offer_access
from actionplans.models import Offer, OfferMail, Participation
from actionplans.selectors import offers as offer_selectors
from actionplans.services.offers import AnswerRow, offer_send, participation_answer
from portal.dates import today
from portal.models import User
from tests.factories import activities_make, municipalities_make, project_make


@pytest.fixture
def contacts(programme) -> list[User]:
    """The contacts of three collaborating municipalities: the programme's own, Norrby's and
    Söderby's (``contact.organisation`` is the municipality)."""
    return [programme.contact, *municipalities_make(programme, "Norrby", "Söderby")]


@pytest.fixture
def offer(programme, contacts, django_capture_on_commit_callbacks):
    """An offer of three activities of the published plan to the three municipalities and to
    the region, which has no contact."""
    activities_make(programme)
    plan = programme.published_plan
    user = programme.coordinator
    with django_capture_on_commit_callbacks(execute=False):
        return offer_send(
            plan=plan,
            user=user,
            access=programme.access(user, plan),
            title="Erbjudande 2023",
            text="Välj de aktiviteter ni vill delta i.",
            deadline=today() + timedelta(days=10),
            reminder_days=7,
            activities=list(plan.activities.order_by("pk")[:3]),
            organisations=[programme.region, *(contact.organisation for contact in contacts)],
        )


def answer(offer, user, **answers):
    access = offer_access(user, offer)
    organisation = access.answers_for or user.organisation
    rows = [
        AnswerRow(activity=activity, answer=answers.get(f"a{index}", ""))
        for index, activity in enumerate(offer.activities.order_by("pk"))
    ]
    return participation_answer(
        offer=offer, organisation=organisation, user=user, access=access, rows=rows
    )


def test_only_coordinators_send_and_only_approved_plans(programme):
    published_plan, draft_plan = programme.published_plan, programme.draft_plan
    activities_make(programme)
    project_make(programme)
    user = programme.steering
    with pytest.raises(PermissionDenied, match="Only the plan's coordinators send offers"):
        offer_send(
            plan=published_plan,
            user=user,
            access=programme.access(user, published_plan),
            title="x",
            text="",
            deadline=today(),
            reminder_days=1,
            activities=list(published_plan.activities.all()[:1]),
            organisations=[programme.municipality],
        )
    user = programme.coordinator
    with pytest.raises(ValidationError, match="godkänd eller publicerad plan kan erbjudas"):
        offer_send(
            plan=draft_plan,
            user=user,
            access=programme.access(user, draft_plan),
            title="x",
            text="",
            deadline=today(),
            reminder_days=1,
            activities=list(draft_plan.activities.all()),
            organisations=[programme.municipality],
        )
    assert not Offer.objects.filter(plan__strategy=programme.strategy).exists()


def test_contacts_answer_for_their_own_organisation(offer, contacts):
    _own, norrby, soderby = contacts
    answer(offer, norrby, a0="yes", a1="no")
    answer(offer, soderby, a0="yes", a2="undecided")
    answers = Participation.objects.filter(organisation=norrby.organisation, offer=offer)
    assert sorted(answers.values_list("answer", flat=True)) == ["no", "yes"]
    matrix = offer_selectors.offer_matrix(offer)
    assert matrix.totals == {"yes": 2, "no": 1, "undecided": 1}
    assert matrix.rows[0].counts["yes"] == 2
    assert len(matrix.answered) == 2


def test_a_contact_cannot_answer_for_another_organisation(offer, contacts):
    other, norrby, _soderby = contacts
    access = offer_access(norrby, offer)
    with pytest.raises(PermissionDenied, match="A contact answers only for their own organisation"):
        participation_answer(
            offer=offer,
            organisation=other.organisation,
            user=norrby,
            access=access,
            rows=[AnswerRow(activity=offer.activities.first(), answer="no")],
        )
    assert not Participation.objects.filter(offer=offer, organisation=other.organisation).exists()


def test_a_late_answer_is_refused_but_the_coordinator_may_change_it(programme, offer, contacts):
    norrby = contacts[1]
    answer(offer, norrby, a0="yes")
    offer.deadline = today() - timedelta(days=1)
    offer.save()
    with pytest.raises(ValidationError, match=r"Sista svarsdag var .*Be samordnaren"):
        answer(offer, norrby, a0="no")
    coordinator = programme.coordinator
    access = offer_access(coordinator, offer)
    participation_answer(
        offer=offer,
        organisation=norrby.organisation,
        user=coordinator,
        access=access,
        rows=[AnswerRow(activity=offer.activities.order_by("pk").first(), answer="no")],
    )
    participation = Participation.objects.get(offer=offer, organisation=norrby.organisation)
    assert participation.answer == "no"
    assert participation.history.first().history_user == coordinator
    assert participation.history.count() == 2


def test_those_it_does_not_concern_get_404(offer):
    outsider = User.objects.create_user("utanfor", is_contact=True)
    with pytest.raises(Http404) as refused:
        offer_access(outsider, offer)
    assert refused.type is Http404  # the access rule's own, not a subclass from elsewhere


def test_the_offer_mail_goes_once_to_each_contact(offer, contacts):
    norrby = contacts[1]
    with_contacts = offer.recipients.filter(organisation__users__is_contact=True).distinct()
    assert tasks.send_offer_mails(offer.pk) == with_contacts.count() == len(contacts) == 3
    assert tasks.send_offer_mails(offer.pk) == 0  # a retry sends nothing again
    to = sorted(address for message in mail.outbox for address in message.to)
    assert norrby.email in to
    assert len(to) == len(set(to)) == len(contacts)
    assert set(to) == {contact.email for contact in contacts}
    message = next(m for m in mail.outbox if norrby.email in m.to)
    assert message.subject == "Erbjudande: Erbjudande 2023"
    assert norrby.organisation.name in message.body
    assert f"/erbjudanden/{offer.pk}/svara/" in message.body
    html = message.alternatives[0][0]
    assert 'lang="sv"' in html and f"/erbjudanden/{offer.pk}/svara/" in html


def test_reminders_go_to_those_who_have_not_answered(offer, contacts):
    _own, norrby, soderby = contacts
    answer(offer, norrby, a0="yes")
    assert tasks.send_offer_reminders() == 0  # ten days left, reminders at seven
    offer.deadline = today() + timedelta(days=7)
    offer.save()
    sent = tasks.send_offer_reminders()
    assert sent == len(contacts) - 1  # the municipalities' contacts, but Norrby has answered
    assert tasks.send_offer_reminders() == 0
    reminded = {address for m in mail.outbox for address in m.to}
    assert norrby.email not in reminded
    assert soderby.email in reminded


def test_the_summary_goes_to_the_coordinator_once_after_the_deadline(programme, offer, contacts):
    _own, norrby, soderby = contacts
    answer(offer, norrby, a0="yes")
    assert tasks.send_offer_summaries() == 0
    offer.deadline = today() - timedelta(days=1)
    offer.save()
    assert tasks.send_offer_summaries() == 1
    assert tasks.send_offer_summaries() == 0
    (message,) = mail.outbox
    assert message.to == [programme.coordinator.email]
    assert soderby.organisation.name in message.body  # among those who have not answered
    assert OfferMail.objects.filter(offer=offer, kind="summary").count() == 1


def test_a_failed_send_is_retried_and_then_sent_once(offer, contacts, monkeypatch):
    calls = []

    def broken(self, fail_silently=False):
        calls.append(1)
        raise OSError("SMTP down")

    from django.core.mail import EmailMessage

    monkeypatch.setattr(EmailMessage, "send", broken)
    with pytest.raises(OSError, match="SMTP down"):
        tasks.send_offer_mails(offer.pk)
    assert not OfferMail.objects.filter(offer=offer).exists()  # nothing marked as sent
    monkeypatch.undo()
    assert tasks.send_offer_mails(offer.pk) == len(contacts)


def test_open_offers_on_the_contacts_home_page(client, offer, contacts):
    norrby = contacts[1]
    answer(offer, norrby, a0="yes")
    client.force_login(norrby)
    html = client.get("/hem/").content.decode()
    assert "Erbjudande 2023" in html and f"/erbjudanden/{offer.pk}/svara/" in html
    assert "1 av 3" in html or "1 of 3" in html
