"""Celery tasks of the strategy app: the daily steps its strategies' dates take, and the
mails of a consultation (remiss).

Thin and idempotent: a date step moves a strategy only from the state it was in when its
row was locked; each mail is sent once (``portal.mail.send_once``), to the contacts of each
organisation asked (those who answer offers for it).
"""

import logging

from celery import shared_task
from django.db import OperationalError

from portal.dates import due_for_reminder, today
from portal.mail import mail_message, send_once
from portal.selectors import answering_users
from portal.tasks import owed_window, requeue
from strategy.models import Consultation, ConsultationMail
from strategy.selectors import consultations_owed_mails
from strategy.services import dates

logger = logging.getLogger(__name__)


def _contacts(organisation_id: int) -> list[str]:
    users = answering_users([organisation_id]).get(organisation_id, [])
    return sorted({user.email for user in users if user.email})


def _send(consultation: Consultation, kind: str, recipient) -> bool:
    context = {"consultation": consultation, "organisation": recipient.organisation}
    return send_once(
        ConsultationMail,
        key=f"{kind}:{recipient.organisation_id}",
        build=lambda: mail_message(
            f"strategy/mail/{kind}", context, _contacts(recipient.organisation_id)
        ),
        consultation=consultation,
        organisation_id=recipient.organisation_id,
        kind=kind,
    )


@shared_task(autoretry_for=(OSError, OperationalError), retry_backoff=True, max_retries=8)
def send_consultation_mails(consultation_id: int) -> int:
    """The draft on consultation to the contacts of every organisation it went to."""
    consultation = Consultation.objects.select_related("strategy", "sent_by").get(
        pk=consultation_id
    )
    return sum(
        _send(consultation, ConsultationMail.Kind.CONSULTATION, recipient)
        for recipient in consultation.recipients.select_related("organisation")
    )


@shared_task(autoretry_for=(OSError, OperationalError), retry_backoff=True, max_retries=8)
def send_consultation_reminders() -> int:
    """Hourly (beat): remind the organisations that have not answered, ``reminder_days``
    before the last day; each reminder goes once."""
    current_day = today()
    consultations = Consultation.objects.filter(deadline__gte=current_day).select_related(
        "strategy", "sent_by"
    )
    sent = 0
    for consultation in due_for_reminder(consultations, on=current_day):
        for recipient in consultation.recipients.filter(answers__isnull=True).select_related(
            "organisation"
        ):
            sent += _send(consultation, ConsultationMail.Kind.REMINDER, recipient)
    return sent


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def requeue_owed_jobs() -> int:
    """Minutely (beat): queue again the consultation mails whose message never reached a
    worker (see portal.tasks). Returns how many were queued."""
    since, before = owed_window()
    owed = [
        consultation.pk
        for consultation in consultations_owed_mails(since=since, before=before)
        if any(_contacts(recipient.organisation_id) for recipient in consultation.recipients.all())
    ]
    return requeue(send_consultation_mails, owed)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def strategies_by_date() -> int:
    """Idempotent: each step moves a strategy only from the state it was in when its row was
    locked, so a second run (or a retry) finds nothing to change."""
    changed = dates.strategies_by_date()
    if changed:
        logger.info("Strategies moved by date: %s", ", ".join(s.slug for s in changed))
    return len(changed)
