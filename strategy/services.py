"""Writes that belong to a strategy as a whole, for the apps above it."""

from collections.abc import Callable
from datetime import date

from django.db import models
from django.utils import translation
from django.utils.timezone import localdate

from portal.dates import today
from portal.models import Body, Decision, Meeting, User
from portal.services import decision_record
from strategy.models import Strategy


def steering_group_decision_record(
    *,
    strategy: Strategy,
    title: Callable[[], str],
    user: User,
    subject: models.Model,
    subject_url: str,
    text: str = "",
    meeting: Meeting | None = None,
    decided_on: date | None = None,
) -> Decision | None:
    """Enter a decision of the strategy's programme steering group in its register, as the
    workflow takes it (a plan approved, an initiative decided, a follow-up approved), so that
    nobody retypes it. Returns None for a strategy without a steering group.

    ``title`` is called in Swedish, the language the register is kept in, whatever the
    language of the person who decided.
    """
    body = strategy.governing_bodies.filter(kind=Body.Kind.STEERING_GROUP).first()
    if body is None:
        return None
    with translation.override("sv"):
        entry_title = title()
    return decision_record(
        body=body,
        title=entry_title,
        # A meeting at 23:30 UTC on 31 December is held on 1 January in Sweden.
        decided_on=decided_on or (localdate(meeting.starts_at) if meeting else today()),
        user=user,
        subject=subject,
        subject_url=subject_url,
        meeting=meeting,
        text=text,
    )
