"""Writes shared by the apps: decisions in a body's register."""

from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import models

from portal.models import Body, Decision, Meeting, User


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
