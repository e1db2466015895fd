"""portal.dates: the one "today" and when a reminder is due."""

from dataclasses import dataclass
from datetime import date, timedelta

from portal.dates import due_for_reminder


@dataclass
class Row:
    deadline: date
    reminder_days: int


def test_a_reminder_is_due_from_its_days_before_the_deadline_to_the_deadline():
    day = date(2026, 12, 1)
    rows = {
        "on the deadline": Row(day, 3),
        "the first day of the window": Row(day + timedelta(days=3), 3),
        "a day before the window": Row(day + timedelta(days=4), 3),
        "the day after the deadline": Row(day - timedelta(days=1), 3),
        "no reminder days: only on the deadline": Row(day + timedelta(days=1), 0),
    }
    due = {
        name for name, row in rows.items() if row in list(due_for_reminder(rows.values(), on=day))
    }
    assert due == {"on the deadline", "the first day of the window"}
