"""strategy.services.consultations and strategy.tasks: a draft sent on consultation with a
last day, the organisations' answers until it (a late one refused with what to do instead),
the coordinators' notes with their version check, and the mails (each sent once)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from portal.dates import today
from strategy import tasks
from strategy.access import consultation_access, strategy_access
from strategy.models import Consultation, ConsultationAnswer, ConsultationMail, Strategy
from strategy.selectors import consultation_compilation
from strategy.services import strategies
from strategy.services.consultations import (
    WHOLE,
    AnswerRow,
    consultation_answer,
    consultation_answer_enter,
    consultation_note,
    consultation_send,
)
from strategy.services.strategies import NewStrategy
from tests.factories import municipalities_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(programme) -> Strategy:
    new = NewStrategy("Digitaliseringsstrategi 2027–2030", "strategi-2027", 2027, 2030)
    return strategies.strategy_copy(
        source=programme.strategy,
        new=new,
        user=programme.coordinator,
        access=strategy_access(programme.coordinator, programme.strategy),
    )


@pytest.fixture
def contacts(programme):
    """The contacts of the programme's municipality, Norrby and Söderby."""
    return [programme.contact, *municipalities_make(programme, "Norrby", "Söderby")]


def send(programme, draft, organisations, *, days=10):
    user = programme.coordinator
    return consultation_send(
        strategy=draft,
        user=user,
        access=strategy_access(user, draft),
        deadline=today() + timedelta(days=days),
        reminder_days=7,
        organisations=organisations,
        text="Vi vill gärna ha era synpunkter.",
    )


@pytest.fixture
def consultation(programme, draft, contacts) -> Consultation:
    """The draft on consultation to the three municipalities and to the region, which has no
    contact."""
    return send(programme, draft, [programme.region, *(c.organisation for c in contacts)])


def answer(consultation, user, *, whole="", area="", comment="", version=None):
    access = consultation_access(user, consultation)
    area_row = consultation.strategy.focus_areas.get()
    recipient = consultation.recipients.get(organisation=access.answers_for)
    return consultation_answer(
        consultation=consultation,
        user=user,
        access=access,
        rows=[
            AnswerRow(part=None, stance=whole, comment=comment),
            AnswerRow(part=area_row, stance=area),
        ],
        version=recipient.version if version is None else version,
    )


def test_sending_puts_the_draft_on_consultation_with_its_recipients(programme, consultation):
    consultation.strategy.refresh_from_db()
    assert consultation.strategy.state == Strategy.State.CONSULTATION
    assert consultation.sent_by == programme.coordinator
    assert consultation.recipients.count() == 4
    assert consultation.history.count() == 1


def test_only_a_coordinator_sends_a_draft_and_never_with_a_past_last_day(
    programme, draft, contacts
):
    with pytest.raises(PermissionDenied, match="Only the strategy's coordinators"):
        consultation_send(
            strategy=draft,
            user=programme.member,
            access=strategy_access(programme.member, draft),
            deadline=today(),
            reminder_days=1,
            organisations=[programme.municipality],
        )
    with pytest.raises(ValidationError, match="Sista svarsdagen har redan passerat"):
        send(programme, draft, [programme.municipality], days=-1)
    with pytest.raises(ValidationError, match="Välj minst en organisation"):
        send(programme, draft, [])
    draft.refresh_from_db()
    assert draft.state == Strategy.State.DRAFT
    assert not Consultation.objects.exists()


def test_a_strategy_in_force_is_not_sent(programme, contacts):
    with pytest.raises(PermissionDenied, match="Only the strategy's coordinators"):
        send(programme, programme.strategy, [programme.municipality])


def test_a_contact_answers_for_their_organisation_and_changes_it_until_the_last_day(
    programme, consultation, contacts
):
    norrby = contacts[1]
    changed = answer(consultation, norrby, whole="agree", area="changes", comment="Bra")
    assert len(changed) == 2
    changed = answer(consultation, norrby, whole="disagree", area="changes", comment="Bra")
    assert [a.part for a in changed] == ["strategy"]
    whole = ConsultationAnswer.objects.get(
        recipient__organisation=norrby.organisation, part="strategy"
    )
    assert whole.stance == "disagree"
    assert whole.history.count() == 2
    assert whole.answered_by == norrby


def test_a_late_answer_is_refused_with_what_to_do_instead(programme, consultation, contacts):
    norrby = contacts[1]
    answer(consultation, norrby, whole="agree")
    Consultation.objects.filter(pk=consultation.pk).update(deadline=today() - timedelta(days=1))
    consultation.refresh_from_db()
    late = r"Sista svarsdag var .*Skicka ert svar till samordnaren"
    with pytest.raises(ValidationError, match=late):
        answer(consultation, norrby, whole="disagree")
    assert ConsultationAnswer.objects.get(part="strategy").stance == "agree"


def _late(consultation) -> Consultation:
    Consultation.objects.filter(pk=consultation.pk).update(deadline=today() - timedelta(days=1))
    consultation.refresh_from_db()
    return consultation


def enter(programme, consultation, organisation, *, whole="", area="", comment="", user=None):
    user = user or programme.coordinator
    recipient = consultation.recipients.get(organisation=organisation)
    return consultation_answer_enter(
        recipient=recipient,
        user=user,
        access=consultation_access(user, consultation),
        rows=[
            AnswerRow(part=None, stance=whole, comment=comment),
            AnswerRow(part=consultation.strategy.focus_areas.get(), stance=area),
        ],
        version=recipient.version,
    )


def test_after_the_last_day_the_coordinator_enters_the_late_answer(
    programme, consultation, contacts
):
    norrby, soderby = contacts[1], contacts[2]
    answer(consultation, norrby, whole="agree")
    consultation = _late(consultation)
    (entered,) = enter(
        programme, consultation, soderby.organisation, whole="changes", comment="Sent"
    )
    assert (entered.entered_by, entered.answered_by) == (programme.coordinator,) * 2
    assert entered.entered_at is not None and entered.comment == "Sent"
    # Norrby's own answer on the whole stays; the coordinator completes the focus area.
    with pytest.raises(ValidationError, match="Norrby kommun har själv svarat på ”Strategin"):
        enter(programme, consultation, norrby.organisation, whole="disagree")
    (area,) = enter(programme, consultation, norrby.organisation, area="disagree")
    assert area.entered_by == programme.coordinator
    mine = ConsultationAnswer.objects.get(recipient__organisation=norrby.organisation, part=WHOLE)
    assert (mine.stance, mine.entered_by) == ("agree", None)
    silent = {r.organisation for r in consultation_compilation(consultation).silent}
    assert silent == {programme.region, programme.municipality}


def test_a_late_answer_is_entered_only_by_a_coordinator_after_the_last_day(
    programme, consultation, contacts
):
    norrby = contacts[1].organisation
    with pytest.raises(PermissionDenied, match="enter an answer, after the last day"):
        enter(programme, consultation, norrby, whole="agree")
    consultation = _late(consultation)
    with pytest.raises(PermissionDenied, match="Only the strategy's coordinators enter"):
        enter(programme, consultation, norrby, whole="agree", user=programme.steering)
    Strategy.objects.filter(pk=consultation.strategy_id).update(state=Strategy.State.DECIDED)
    consultation.strategy.refresh_from_db()
    with pytest.raises(PermissionDenied, match="while the strategy is on consultation"):
        enter(programme, consultation, norrby, whole="agree")
    assert not ConsultationAnswer.objects.exists()


def test_an_answer_entered_from_an_older_form_is_refused(programme, consultation, contacts):
    consultation = _late(consultation)
    recipient = consultation.recipients.get(organisation=contacts[1].organisation)
    enter(programme, consultation, contacts[1].organisation, whole="agree")
    with pytest.raises(ValidationError, match="Någon annan på Norrby kommun har sparat"):
        consultation_answer_enter(
            recipient=recipient,
            user=programme.coordinator,
            access=consultation_access(programme.coordinator, consultation),
            rows=[AnswerRow(part=None, stance="disagree")],
            version=recipient.version,
        )
    assert ConsultationAnswer.objects.get(part=WHOLE).stance == "agree"


def test_an_answer_from_an_older_form_is_refused(programme, consultation, contacts):
    norrby = contacts[1]
    answer(consultation, norrby, whole="agree")
    with pytest.raises(ValidationError, match="Någon annan på Norrby kommun har sparat"):
        answer(consultation, norrby, whole="disagree", version=1)
    assert ConsultationAnswer.objects.get(part="strategy").stance == "agree"


def test_those_it_does_not_concern_get_404(programme, consultation):
    with pytest.raises(Http404, match="concerns neither the programme nor") as refused:
        consultation_access(programme.outsider, consultation)
    assert refused.type is Http404


def test_the_coordinator_notes_the_handling_with_a_version_check(programme, consultation, contacts):
    (whole,) = answer(consultation, contacts[1], whole="changes", comment="Lägg till AI")
    coordinator = programme.coordinator
    access = consultation_access(coordinator, consultation)
    noted = consultation_note(
        answer=whole, user=coordinator, access=access, handling="Infört i fokusområde 1", version=1
    )
    assert noted.handling == "Infört i fokusområde 1"
    assert noted.version == 2
    assert noted.history.first().history_user == coordinator
    with pytest.raises(ValidationError, match="Svaret eller dess anteckning har ändrats"):
        consultation_note(answer=whole, user=coordinator, access=access, handling="x", version=1)
    contact_access = consultation_access(contacts[1], consultation)
    with pytest.raises(PermissionDenied, match="Only the strategy's coordinators note"):
        consultation_note(
            answer=whole, user=contacts[1], access=contact_access, handling="x", version=2
        )


def test_the_compilation_puts_every_answer_under_its_part(programme, consultation, contacts):
    answer(consultation, contacts[0], whole="agree")
    answer(consultation, contacts[1], whole="disagree", area="changes")
    compilation = consultation_compilation(consultation)
    whole, area, direction = compilation.parts
    # By the organisation's name: Norrby before Testlän.
    assert [a.recipient.organisation for a in whole.answers] == [
        contacts[1].organisation,
        contacts[0].organisation,
    ]
    assert [a.stance for a in area.answers] == ["changes"]
    assert direction.answers == []
    assert {r.organisation for r in compilation.silent} == {
        programme.region,
        contacts[2].organisation,
    }


def test_the_consultation_mail_goes_once_to_each_contact(consultation, contacts):
    assert tasks.send_consultation_mails(consultation.pk) == len(contacts) == 3
    assert tasks.send_consultation_mails(consultation.pk) == 0  # a retry sends nothing again
    to = sorted(address for message in mail.outbox for address in message.to)
    assert to == sorted(contact.email for contact in contacts)
    message = next(m for m in mail.outbox if contacts[1].email in m.to)
    assert message.subject == "På remiss: Digitaliseringsstrategi 2027–2030"
    assert "Norrby kommun" in message.body
    url = f"/strategier/strategi-2027/remiss/{consultation.pk}/svar/"
    assert url in message.body and url in message.alternatives[0][0]


def test_the_reminder_goes_once_to_those_who_have_not_answered(consultation, contacts):
    _own, norrby, soderby = contacts
    answer(consultation, norrby, whole="agree")
    assert tasks.send_consultation_reminders() == 0  # ten days left, reminders at seven
    Consultation.objects.filter(pk=consultation.pk).update(deadline=today() + timedelta(days=7))
    assert tasks.send_consultation_reminders() == 2
    assert tasks.send_consultation_reminders() == 0
    reminded = {address for m in mail.outbox for address in m.to}
    assert reminded == {_own.email, soderby.email}
    assert ConsultationMail.objects.filter(kind="reminder").count() == 2


def test_the_sweep_queues_the_mails_a_broker_outage_lost_once(consultation, contacts, broker):
    from django.utils import timezone

    Consultation.objects.filter(pk=consultation.pk).update(
        sent_at=timezone.now() - timedelta(minutes=5)
    )
    assert tasks.requeue_owed_jobs() == 1
    assert broker.sent == [("strategy.tasks.send_consultation_mails", (consultation.pk,))]
    tasks.send_consultation_mails(consultation.pk)
    assert tasks.requeue_owed_jobs() == 0
