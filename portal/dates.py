"""The portal's one "today"."""

from datetime import date

from django.utils import timezone


def today() -> date:
    """Today in the portal's time zone: a deadline or a decision date is a Swedish
    calendar day, not the server's UTC one."""
    return timezone.localdate()
