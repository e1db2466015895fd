"""What the follow-up app adds to a person's home page (portal.panels): the reports they
review as the steering group, and the activity reports they fill."""

from followup.selectors import reports_awaiting_review, reports_to_fill, reviewed_strategies
from portal.models import User
from portal.panels import Panel, register_home_panel


def home_reports_to_review(user: User) -> Panel:
    reports = reports_awaiting_review(reviewed_strategies(user))
    return Panel("followup/panels/home_review.html", reports)


def home_reports_to_fill(user: User) -> Panel:
    return Panel("followup/panels/home_fill.html", reports_to_fill(user))


def register() -> None:
    register_home_panel(home_reports_to_review, order=20)
    register_home_panel(home_reports_to_fill, order=30)
