"""Reads of the jobs the app owes: rows whose background job has not happened though their
action is at least a minute old (actionplans.tasks.requeue_owed_jobs queues them again).
Each returns ids, or the few rows the sweep still has to look at."""

from datetime import datetime

from django.db.models import Exists, F, OuterRef, QuerySet

from actionplans.models import InitiativeEvent, Offer, OfferMail, PlanImport


def imports_owed(state: str, *, before: datetime) -> list[int]:
    """Imports still ``checking`` (or ``applying``): the job of either ends the state.

    Any age: an import leaves these states only through its job (or is given up when it
    has been checking past its time limit), and a check again or a save moves an old one
    back into them.
    """
    return list(
        PlanImport.objects.filter(state=state, created_at__lt=before)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def offers_owed_mails(*, since: datetime, before: datetime) -> QuerySet[Offer]:
    """Offers sent in the window whose mails have not gone to any organisation, with their
    recipients (the sweep keeps those with someone to mail)."""
    mailed = OfferMail.objects.filter(offer=OuterRef("pk"), kind=OfferMail.Kind.OFFER)
    return (
        Offer.objects.filter(sent_at__gte=since, sent_at__lt=before)
        .filter(~Exists(mailed))
        .prefetch_related("recipients")
        .order_by("pk")
    )


def initiative_events_owed_notice(*, since: datetime, before: datetime) -> list[int]:
    """Steps in the window the submitter has not been told of and is to be: not their own
    comment, and they have an address."""
    return list(
        InitiativeEvent.objects.filter(
            created_at__gte=since,
            created_at__lt=before,
            notified_at__isnull=True,
            initiative__submitted_by__is_active=True,
        )
        .exclude(initiative__submitted_by__email="")
        .exclude(kind=InitiativeEvent.Kind.COMMENT, actor=F("initiative__submitted_by"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
