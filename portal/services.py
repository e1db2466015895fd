"""Writes shared by the apps: decisions in a body's register, items on a meeting's agenda."""

from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import models

from portal.models import AgendaItem, Body, Decision, Meeting, User


def decision_record(
    *,
    body: Body,
    title: str,
    decided_on: date,
    user: User | None,
    subject: models.Model | None = None,
    subject_url: str = "",
    meeting: Meeting | None = None,
    text: str = "",
) -> Decision:
    """Enter a decision in the body's register, linked to what it decided.

    The workflows call this when a body takes a decision in them (a plan approved, say), so
    the register needs no retyping.
    """
    decision = Decision(
        body=body,
        meeting=meeting,
        decided_on=decided_on,
        title=title.strip(),
        text=text.strip(),
        subject_type=ContentType.objects.get_for_model(subject) if subject else None,
        subject_id=subject.pk if subject else None,
        subject_title=str(subject)[:300] if subject else "",
        subject_url=subject_url,
    )
    decision._history_user = user
    decision.save()
    return decision


def agenda_item_add(
    *,
    meeting: Meeting,
    title: str,
    user: User | None,
    subject: models.Model | None = None,
    subject_url: str = "",
) -> AgendaItem:
    """Put something on a meeting's agenda, once: a second call for the same subject returns
    the item already there."""
    subject_type = ContentType.objects.get_for_model(subject) if subject else None
    if subject is not None:
        existing = AgendaItem.objects.filter(
            meeting=meeting, subject_type=subject_type, subject_id=subject.pk
        ).first()
        if existing is not None:
            return existing
    last = meeting.items.aggregate(last=models.Max("order"))["last"] or 0
    item = AgendaItem(
        meeting=meeting,
        order=last + 1,
        title=title.strip()[:300],
        subject_type=subject_type,
        subject_id=subject.pk if subject else None,
        subject_url=subject_url,
    )
    item._history_user = user
    item.save()
    return item
