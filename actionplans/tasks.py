"""Celery tasks of action plans: uploaded plan files, the mails about offers and the
notices of initiatives' steps, and the sweep that queues again what a broker outage lost.

Thin and idempotent: each takes an id. The imports' work is in ``services.imports`` (which
a request calls itself for a small file); it moves the import from one state to the next
with a conditional update, so a task that runs twice (a retry, a redelivery after a killed
worker) does its work once. Each mail is sent once (``portal.mail.send_once``).
"""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import OperationalError, transaction
from django.utils import timezone

from actionplans.models import InitiativeEvent, Offer, OfferMail, PlanImport
from actionplans.selectors import offers as offer_selectors
from actionplans.selectors import owed
from actionplans.services import imports
from portal.dates import due_for_reminder, today
from portal.mail import mail_message, send_once
from portal.selectors import answering_users
from portal.tasks import owed_window, requeue


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def check_import(import_id: int) -> str:
    return imports.plan_import_check(import_id=import_id)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def apply_import(import_id: int) -> str:
    return imports.plan_import_apply(import_id=import_id)


#: How long an import may stay checking or saving before it is given up: the tasks' time
#: limit plus the broker's visibility timeout, after which a killed worker's message would
#: have been handed out again. A small file is checked and saved by the request itself,
#: which the web server cuts off long before its own limit.
IMPORT_STALLED_AFTER = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 3600)
SYNC_IMPORT_STALLED_AFTER = timedelta(minutes=10)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def fail_stalled_imports() -> int:
    """Every 10 minutes (beat): an import left checking or saving would poll for ever and
    could not be checked again; mark it failed so its uploader can retry or remove it."""
    now = timezone.now()
    return imports.plan_imports_fail_stalled(
        started_before=now - IMPORT_STALLED_AFTER,
        sync_started_before=now - SYNC_IMPORT_STALLED_AFTER,
    )


# --- Offer mails ----------------------------------------------------------------------------


def _contacts(organisation_id: int) -> list[str]:
    """The addresses of those who answer offers for the organisation (its contacts)."""
    users = answering_users([organisation_id]).get(organisation_id, [])
    return sorted({user.email for user in users if user.email})


def _send_once(offer: Offer, kind: str, organisation_id: int | None, build) -> bool:
    return send_once(
        OfferMail,
        key=f"{kind}:{organisation_id or '-'}",
        build=build,
        offer=offer,
        organisation_id=organisation_id,
        kind=kind,
    )


def _message(template: str, context: dict, to: list[str]) -> EmailMultiAlternatives | None:
    return mail_message(f"actionplans/mail/{template}", context, to)


@shared_task(autoretry_for=(OSError, OperationalError), retry_backoff=True, max_retries=8)
def send_offer_mails(offer_id: int) -> int:
    """The offer to the contacts of every organisation it went to."""
    offer = Offer.objects.select_related("plan", "sent_by").get(pk=offer_id)
    activities = list(offer.activities.order_by("collaboration_area__order", "order"))
    sent = 0
    for recipient in offer.recipients.select_related("organisation"):
        context = {"offer": offer, "organisation": recipient.organisation, "activities": activities}
        sent += _send_once(
            offer,
            OfferMail.Kind.OFFER,
            recipient.organisation_id,
            lambda context=context, recipient=recipient: _message(
                "offer", context, _contacts(recipient.organisation_id)
            ),
        )
    return sent


@shared_task(autoretry_for=(OSError, OperationalError), retry_backoff=True, max_retries=8)
def send_offer_reminders() -> int:
    """Daily (beat): remind those who have not answered, ``reminder_days`` before the
    deadline. An organisation that has answered any activity is not reminded."""
    current_day = today()
    offers = Offer.objects.filter(deadline__gte=current_day).select_related("plan", "sent_by")
    sent = 0
    for offer in due_for_reminder(offers, on=current_day):
        answered = set(offer.participations.values_list("organisation_id", flat=True))
        for recipient in offer.recipients.select_related("organisation"):
            if recipient.organisation_id in answered:
                continue
            context = {"offer": offer, "organisation": recipient.organisation}
            sent += _send_once(
                offer,
                OfferMail.Kind.REMINDER,
                recipient.organisation_id,
                lambda context=context, recipient=recipient: _message(
                    "reminder", context, _contacts(recipient.organisation_id)
                ),
            )
    return sent


@shared_task(autoretry_for=(OSError, OperationalError), retry_backoff=True, max_retries=8)
def send_offer_summaries() -> int:
    """Daily (beat): once an offer's deadline has passed, its summary to the coordinator."""
    sent = 0
    for offer in Offer.objects.filter(deadline__lt=today()).select_related("sent_by"):
        matrix = offer_selectors.offer_matrix(offer)
        context = {
            "offer": offer,
            "matrix": matrix,
            "silent": [o for o in matrix.organisations if o.pk not in matrix.answered],
        }
        to = [offer.sent_by.email] if offer.sent_by.email else []
        sent += _send_once(
            offer,
            OfferMail.Kind.SUMMARY,
            None,
            lambda context=context, to=to: _message("summary", context, to),
        )
    return sent


# --- Initiatives ----------------------------------------------------------------------------


@shared_task(autoretry_for=(OSError, OperationalError), retry_backoff=True, max_retries=8)
def send_initiative_notice(event_id: int) -> bool:
    """Tell the submitter of a step of their initiative, once.

    The event's row is locked while the mail goes; ``notified_at`` is set in the same
    transaction, so a retry or a second worker finds it set, and a failed send rolls it
    back for the retry.
    """
    with transaction.atomic():
        event = (
            InitiativeEvent.objects.select_for_update(of=("self",))
            .select_related("initiative", "initiative__submitted_by", "actor")
            .get(pk=event_id)
        )
        submitter = event.initiative.submitted_by
        if event.notified_at is not None or not submitter.email or not submitter.is_active:
            return False
        if event.kind == InitiativeEvent.Kind.COMMENT and event.actor_id == submitter.pk:
            return False  # their own comment
        message = mail_message(
            "actionplans/mail/initiative_step",
            {"event": event, "initiative": event.initiative},
            [submitter.email],
        )
        if message is not None:
            message.send()
        event.notified_at = timezone.now()
        event.save(update_fields=["notified_at"])
    return True


# --- Jobs owed ------------------------------------------------------------------------------


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def requeue_owed_jobs() -> int:
    """Minutely (beat): queue again the jobs whose message never reached a worker (the
    broker was down when the view queued it, or lost it); see portal.tasks. Returns how
    many were queued."""
    since, before = owed_window()
    offers = [
        offer.pk
        for offer in owed.offers_owed_mails(since=since, before=before)
        if any(_contacts(recipient.organisation_id) for recipient in offer.recipients.all())
    ]
    return (
        requeue(check_import, owed.imports_owed(PlanImport.State.CHECKING, before=before))
        + requeue(apply_import, owed.imports_owed(PlanImport.State.APPLYING, before=before))
        + requeue(send_offer_mails, offers)
        + requeue(
            send_initiative_notice,
            owed.initiative_events_owed_notice(since=since, before=before),
        )
    )
