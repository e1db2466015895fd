"""The portal's one "today"."""

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Protocol, TypeVar

from django.utils import timezone


def today() -> date:
    """Today in the portal's time zone: a deadline or a decision date is a Swedish
    calendar day, not the server's UTC one."""
    return timezone.localdate()


class HasReminder(Protocol):
    deadline: date
    reminder_days: int


T = TypeVar("T", bound=HasReminder)


def due_for_reminder(rows: Iterable[T], *, on: date) -> Iterator[T]:
    """The rows (offers, follow-up rounds: anything with a ``deadline`` and ``reminder_days``)
    whose reminder is due ``on`` that day: from ``reminder_days`` before the deadline up to
    the deadline itself, never after it."""
    for row in rows:
        if 0 <= (row.deadline - on).days <= row.reminder_days:
            yield row
