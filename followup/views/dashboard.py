"""A strategy's programme dashboard: public for the approved rounds of published plans, with
the rounds under way for those who work on the programme (followup.access.DashboardAccess)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from followup.access import DashboardAccess, get_dashboard_for_user
from followup.dashboard.charts import overview_charts
from followup.dashboard.selectors import dashboard_content_version, programme_overview
from portal.dates import today
from portal.http import PortalRequest
from portal.page_cache import content_key, kept_fragment
from strategy.models import Strategy


@require_GET
def programme_dashboard(request: PortalRequest, slug: str) -> HttpResponse:
    strategy, access = get_dashboard_for_user(request.user, slug)
    context = {
        "strategy": strategy,
        "overview_html": _overview_html(request, strategy, access),
    }
    return render(request, "followup/dashboard.html", context)


def _overview_html(request: PortalRequest, strategy: Strategy, access: DashboardAccess) -> str:
    """Six years of 300 activities take about a second to read and draw, and the overview
    is the same for everyone who sees it the same way: drawn once per content version,
    language, day and view (the public's or the programme's)."""
    key = content_key(
        "dashboard",
        strategy.pk,
        int(access.works_on_programme),
        get_language(),
        today().isoformat(),
        dashboard_content_version(),
    )

    def render_overview() -> str:
        overview = programme_overview(strategy, access)
        context = {
            "strategy": strategy,
            "overview": overview,
            "charts": overview_charts(overview),
            "access": access,
        }
        return render_to_string("followup/dashboard.html#overview", context, request=request)

    return kept_fragment(key, request, render_overview)
