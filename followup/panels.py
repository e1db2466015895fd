"""What the follow-up app adds to a person's home page (portal.panels): the reports they
review as the steering group, and the activity reports they fill; and the year's rounds
and report versions in the yearly cycle (portal.cycle)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from followup.models import Report
from followup.selectors import (
    reports_awaiting_review,
    reports_to_fill,
    reviewed_strategies,
    rounds_of_year,
)
from portal.cycle import FOLLOW_UP, REVIEW, CycleEvent, register_cycle_events
from portal.dates import today
from portal.models import User
from portal.panels import Panel, register_home_panel


def home_reports_to_review(user: User) -> Panel:
    reports = reports_awaiting_review(reviewed_strategies(user))
    return Panel("followup/panels/home_review.html", reports)


def home_reports_to_fill(user: User) -> Panel:
    # Sorted by the round's last day already; a report past it is marked overdue.
    day = today()
    reports = [(report, report.round.deadline < day) for report in reports_to_fill(user)]
    return Panel("followup/panels/home_fill.html", reports)


def cycle_events(user: User, year: int) -> list[CycleEvent]:
    """Follow-up: each round's opening and last day. Review: each version of its report
    made for the steering group, and the steering group's review of it."""
    events = []
    for followup_round in rounds_of_year(user, year):
        name = f"{followup_round.plan.title}, {followup_round.period}"
        url = followup_round.get_absolute_url()
        if followup_round.opened_at is not None:
            label = _("Follow-up opens: %(round)s") % {"round": name}
            on = timezone.localdate(followup_round.opened_at)
            events.append(CycleEvent(on=on, label=label, url=url, phase=FOLLOW_UP))
        label = _("Last day for the reports: %(round)s") % {"round": name}
        events.append(CycleEvent(on=followup_round.deadline, label=label, url=url, phase=FOLLOW_UP))
        for report in followup_round.pdf_reports.all():  # type: ignore[attr-defined]
            version = {"round": name, "version": report.version}
            label = _("Report to the steering group: %(round)s, version %(version)s") % version
            on = timezone.localdate(report.requested_at)
            events.append(
                CycleEvent(on=on, label=label, url=report.get_absolute_url(), phase=REVIEW)
            )
            if report.reviewed_at is not None and report.review != Report.Review.PENDING:
                label = _("%(review)s: %(round)s, version %(version)s") % {
                    "review": report.get_review_display(),
                    **version,
                }
                on = timezone.localdate(report.reviewed_at)
                events.append(
                    CycleEvent(on=on, label=label, url=report.get_absolute_url(), phase=REVIEW)
                )
    return events


def register() -> None:
    register_home_panel(home_reports_to_review, order=20)
    register_home_panel(home_reports_to_fill, order=30)
    register_cycle_events(cycle_events, order=20)
