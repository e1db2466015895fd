"""What portal itself adds to a person's home page (portal.panels): the next meetings of
their bodies, and the year's cycle (portal.cycle) with the meetings among its dates."""

from django.urls import reverse
from django.utils import timezone

from portal.cycle import CycleEvent, register_cycle_events, year_cycle
from portal.models import User
from portal.panels import Panel, register_home_panel
from portal.selectors import coming_meetings_for, meetings_of_year


def home_meetings(user: User) -> Panel:
    return Panel("portal/panels/home_meetings.html", coming_meetings_for(user))


def home_cycle(user: User) -> Panel | None:
    cycle = year_cycle(user)
    return None if cycle.is_empty else Panel("portal/panels/home_cycle.html", [cycle])


def meeting_events(user: User, year: int) -> list[CycleEvent]:
    return [
        CycleEvent(
            on=timezone.localdate(meeting.starts_at),
            label=f"{meeting.body.name}: {meeting.title}",
            url=reverse("meeting_detail", args=[meeting.body.slug, meeting.pk]),
        )
        for meeting in meetings_of_year(user, year)
    ]


def register() -> None:
    register_home_panel(home_meetings, order=50)
    register_home_panel(home_cycle, order=90)
    register_cycle_events(meeting_events, order=90)
