"""A strategy's programme dashboard: public for the approved rounds of published plans, with
the rounds under way for those who work on the programme (followup.access.DashboardAccess)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from followup.access import get_dashboard_for_user
from followup.dashboard.charts import overview_charts
from followup.dashboard.selectors import programme_overview
from portal.http import PortalRequest


@require_GET
def programme_dashboard(request: PortalRequest, slug: str) -> HttpResponse:
    strategy, access = get_dashboard_for_user(request.user, slug)
    overview = programme_overview(strategy, access)
    context = {
        "strategy": strategy,
        "overview": overview,
        "charts": overview_charts(overview),
        "access": access,
    }
    return render(request, "followup/dashboard.html", context)
