"""The limits a person would expect of what they enter, in one place: the models give them
to the database (max_length, CheckConstraints) and the forms and services check them
before a save, so that bad input is a message on the page, never a 500.

The migrations copy the numbers as they were when they were written; a change here needs
a new migration (``makemigrations`` notices it).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext as _

#: A title or a name of one line.
TITLE = 300
#: Descriptions and narratives: a description, a report's "what was done", an analysis.
TEXT = 10_000
#: A comment or a short answer: on a plan, a report, an indicator value, a participation.
COMMENT = 5_000
#: A meeting's minutes and a body's mandate or a strategy's sections are documents.
DOCUMENT = 50_000

#: Years of plans, rounds, budgets, targets and indicator values. Kolada's series start
#: in the 1990s; a year past 2100 is a typing error.
FIRST_YEAR = 1990
LAST_YEAR = 2100

#: An initiative's scores and a risk's likelihood and consequence.
SCORE_MIN = 1
SCORE_MAX = 5
#: A report's progress, in per cent.
PROGRESS_MAX = 100
#: An activity's weight in the rolled-up progress; 0 leaves it out.
WEIGHT_MAX = 100
#: Reminders are sent at most this many days before a deadline.
REMINDER_DAYS_MAX = 60
#: A sub-goal's planned or performed count (people trained, meetings held): more than a
#: region has inhabitants is a typing error, and beyond 2**31 PostgreSQL cannot store it.
COUNT_MAX = 10_000_000


def in_range(field: str, low: int, high: int | None = None, *, null: bool = False) -> models.Q:
    """The condition of a CheckConstraint: ``low <= field <= high`` (no upper bound if high
    is None); NULL passes where the field may be empty."""
    condition = models.Q(**{f"{field}__gte": low})
    if high is not None:
        condition &= models.Q(**{f"{field}__lte": high})
    return condition | models.Q(**{f"{field}__isnull": True}) if null else condition


def check_lengths(instance: models.Model) -> None:
    """Refuse text longer than its field allows, before the save.

    Forms check max_length, but a TextField's is not checked by the database, nor a
    CharField's by SQLite, and PostgreSQL answers a too long CharField with an error page;
    the services call this for what reaches them another way (a spreadsheet, a script)."""
    problems = []
    for field in instance._meta.concrete_fields:
        limit = getattr(field, "max_length", None)
        value = getattr(instance, field.attname)
        text = isinstance(field, models.CharField | models.TextField) and isinstance(value, str)
        if text and limit and len(value) > limit:
            problems.append(
                _("“%(field)s” may be at most %(limit)s characters long; it is %(length)s.")
                % {
                    "field": str(field.verbose_name).capitalize(),
                    "limit": number_format(limit, force_grouping=True),
                    "length": number_format(len(value), force_grouping=True),
                }
            )
    if problems:
        raise ValidationError(problems)
