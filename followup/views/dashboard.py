"""A strategy's programme dashboard: public for the approved rounds of published plans, with
the rounds under way for those who work on the programme (followup.access.DashboardAccess)."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from followup.access import DashboardAccess, get_dashboard_for_user
from followup.dashboard.charts import overview_charts
from followup.dashboard.selectors import dashboard_content_version, programme_overview
from portal.dates import today
from portal.http import PortalRequest
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
    view = int(access.works_on_programme)
    version = dashboard_content_version()
    plain = f"{strategy.pk}:{view}:{get_language()}:{today().isoformat()}:{version}"
    key = "dashboard:" + hashlib.sha256(plain.encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        overview = programme_overview(strategy, access)
        context = {
            "strategy": strategy,
            "overview": overview,
            "charts": overview_charts(overview),
            "access": access,
        }
        html = render_to_string("followup/dashboard.html#overview", context, request=request)
        cache.set(key, html, timeout=settings.PAGE_FRAGMENT_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by the template above
