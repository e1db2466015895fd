"""Offers and sign-ups: sending, answering until the deadline, the matrix, and the mails
(content, recipients, each sent once however often the task runs)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from actionplans import selectors, tasks
from actionplans.access import offer_access
from actionplans.models import OfferMail, Participation
from actionplans.services.offers import AnswerRow, offer_send, participation_answer
from portal.dates import today
from portal.models import Organisation, User
from tests.conftest import demo_user


@pytest.fixture
def offer(published_plan, as_user, django_capture_on_commit_callbacks):
    user, access = as_user("samordnare", published_plan)
    user.email = "samordnare@example.org"
    user.save()
    for contact in User.objects.filter(is_contact=True):
        contact.email = f"{contact.username}@example.org"
        contact.save()
    with django_capture_on_commit_callbacks(execute=False):
        return offer_send(
            plan=published_plan,
            user=user,
            access=access,
            title="Erbjudande 2023",
            text="Välj de aktiviteter ni vill delta i.",
            deadline=today() + timedelta(days=10),
            reminder_days=7,
            activities=list(published_plan.activities.order_by("pk")[:3]),
            organisations=list(Organisation.objects.filter(collaborates=True)),
        )


def answer(offer, username, **answers):
    user = demo_user(username)
    access = offer_access(user, offer)
    organisation = access.answers_for or user.organisation
    rows = [
        AnswerRow(activity=activity, answer=answers.get(f"a{index}", ""))
        for index, activity in enumerate(offer.activities.order_by("pk"))
    ]
    return participation_answer(
        offer=offer, organisation=organisation, user=user, access=access, rows=rows
    )


def test_only_coordinators_send_and_only_approved_plans(draft_plan, published_plan, as_user):
    user, access = as_user("styrgrupp", published_plan)
    with pytest.raises(PermissionDenied):
        offer_send(
            plan=published_plan,
            user=user,
            access=access,
            title="x",
            text="",
            deadline=today(),
            reminder_days=1,
            activities=list(published_plan.activities.all()[:1]),
            organisations=list(Organisation.objects.all()[:1]),
        )
    user, access = as_user("samordnare", draft_plan)
    with pytest.raises(ValidationError, match="godkänd eller publicerad plan"):
        offer_send(
            plan=draft_plan,
            user=user,
            access=access,
            title="x",
            text="",
            deadline=today(),
            reminder_days=1,
            activities=list(draft_plan.activities.all()),
            organisations=list(Organisation.objects.all()[:1]),
        )


def test_contacts_answer_for_their_own_organisation(offer):
    answer(offer, "kontakt-kumla", a0="yes", a1="no")
    answer(offer, "kontakt-nora", a0="yes", a2="undecided")
    kumla = Participation.objects.filter(organisation__slug="kumla-kommun", offer=offer)
    assert sorted(kumla.values_list("answer", flat=True)) == ["no", "yes"]
    matrix = selectors.offer_matrix(offer)
    assert matrix.totals == {"yes": 2, "no": 1, "undecided": 1}
    assert matrix.rows[0].counts["yes"] == 2
    assert len(matrix.answered) == 2


def test_a_contact_cannot_answer_for_another_organisation(offer):
    kumla = demo_user("kontakt-kumla")
    access = offer_access(kumla, offer)
    orebro = Organisation.objects.get(slug="orebro-kommun")
    with pytest.raises(PermissionDenied):
        participation_answer(
            offer=offer,
            organisation=orebro,
            user=kumla,
            access=access,
            rows=[AnswerRow(activity=offer.activities.first(), answer="no")],
        )
    assert not Participation.objects.filter(offer=offer, organisation=orebro).exists()


def test_a_late_answer_is_refused_but_the_coordinator_may_change_it(offer):
    answer(offer, "kontakt-kumla", a0="yes")
    offer.deadline = today() - timedelta(days=1)
    offer.save()
    with pytest.raises(ValidationError, match=r"[Ss]amordnare"):
        answer(offer, "kontakt-kumla", a0="no")
    coordinator = demo_user("samordnare")
    access = offer_access(coordinator, offer)
    kumla = Organisation.objects.get(slug="kumla-kommun")
    participation_answer(
        offer=offer,
        organisation=kumla,
        user=coordinator,
        access=access,
        rows=[AnswerRow(activity=offer.activities.order_by("pk").first(), answer="no")],
    )
    participation = Participation.objects.get(offer=offer, organisation=kumla)
    assert participation.answer == "no"
    assert participation.history.first().history_user == coordinator
    assert participation.history.count() == 2


def test_those_it_does_not_concern_get_404(offer):
    outsider = User.objects.create_user("utanfor", is_contact=True)
    with pytest.raises(Http404):
        offer_access(outsider, offer)


def test_the_offer_mail_goes_once_to_each_contact(offer):
    with_contacts = offer.recipients.filter(organisation__users__is_contact=True).distinct()
    assert tasks.send_offer_mails(offer.pk) == with_contacts.count() == 12
    assert tasks.send_offer_mails(offer.pk) == 0  # a retry sends nothing again
    to = sorted(address for message in mail.outbox for address in message.to)
    assert "kontakt-kumla@example.org" in to
    assert len(to) == len(set(to)) == User.objects.filter(is_contact=True).count()
    message = next(m for m in mail.outbox if "kontakt-kumla@example.org" in m.to)
    assert message.subject == "Erbjudande: Erbjudande 2023"
    assert "Kumla kommun" in message.body
    assert f"/erbjudanden/{offer.pk}/svara/" in message.body
    html = message.alternatives[0][0]
    assert 'lang="sv"' in html and f"/erbjudanden/{offer.pk}/svara/" in html


def test_reminders_go_to_those_who_have_not_answered(offer):
    answer(offer, "kontakt-kumla", a0="yes")
    assert tasks.send_offer_reminders() == 0  # ten days left, reminders at seven
    offer.deadline = today() + timedelta(days=7)
    offer.save()
    sent = tasks.send_offer_reminders()
    assert sent == 12 - 1  # the municipalities' contacts, but Kumla has answered
    assert tasks.send_offer_reminders() == 0
    reminded = {address for m in mail.outbox for address in m.to}
    assert "kontakt-kumla@example.org" not in reminded
    assert "kontakt-nora@example.org" in reminded


def test_the_summary_goes_to_the_coordinator_once_after_the_deadline(offer):
    answer(offer, "kontakt-kumla", a0="yes")
    assert tasks.send_offer_summaries() == 0
    offer.deadline = today() - timedelta(days=1)
    offer.save()
    assert tasks.send_offer_summaries() == 1
    assert tasks.send_offer_summaries() == 0
    (message,) = mail.outbox
    assert message.to == ["samordnare@example.org"]
    assert "Nora kommun" in message.body  # among those who have not answered
    assert OfferMail.objects.filter(offer=offer, kind="summary").count() == 1


def test_a_failed_send_is_retried_and_then_sent_once(offer, monkeypatch):
    calls = []

    def broken(self, fail_silently=False):
        calls.append(1)
        raise OSError("SMTP down")

    from django.core.mail import EmailMessage

    monkeypatch.setattr(EmailMessage, "send", broken)
    with pytest.raises(OSError):
        tasks.send_offer_mails(offer.pk)
    assert not OfferMail.objects.filter(offer=offer).exists()  # nothing marked as sent
    monkeypatch.undo()
    assert tasks.send_offer_mails(offer.pk) == 12


def test_open_offers_on_the_contacts_home_page(client, offer):
    answer(offer, "kontakt-kumla", a0="yes")
    client.force_login(demo_user("kontakt-kumla"))
    html = client.get("/hem/").content.decode()
    assert "Erbjudande 2023" in html and f"/erbjudanden/{offer.pk}/svara/" in html
    assert "1 av 3" in html or "1 of 3" in html
