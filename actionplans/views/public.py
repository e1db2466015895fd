from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from actionplans.selectors import plans as plan_selectors
from portal.http import PortalRequest
from portal.page_cache import content_key, kept_fragment, public_page, slug_params
from portal.params import query_slug, query_text


@require_GET
@public_page(plan_selectors.activities_content_version, variant=slug_params("strategi"))
def plan_list(request: PortalRequest) -> HttpResponse:
    plans = plan_selectors.public_plans()
    strategy_slug = query_slug(request, "strategi")
    if strategy_slug:
        plans = plans.filter(strategy__slug=strategy_slug)
    return render(request, "actionplans/plan_list.html", {"plans": list(plans)})


def _canonical_filters(request: PortalRequest) -> str | None:
    """The filter choice where the address says it as the page's own links do, else None."""
    filters = plan_selectors.PlanFilters.from_query(request.GET)
    if any(len(request.GET.getlist(name)) != 1 for name in request.GET):
        return None
    if request.GET and dict(request.GET.items()) != filters.query:
        return None
    return filters.key


@require_GET
@public_page(plan_selectors.public_plan_version, variant=_canonical_filters)
def plan_detail(request: PortalRequest, strategy_slug: str, year: int) -> HttpResponse:
    plan = plan_selectors.public_plan(strategy_slug=strategy_slug, year=year)
    filters = plan_selectors.PlanFilters.from_query(request.GET)
    # The activity list is the heavy part (hundreds of activities at national scale) and
    # the same for every reader: render it once per version of its content, language and
    # filter choice.
    version = plan_selectors.plan_content_version(plan)
    key = f"plan-activities:{plan.pk}:{version}:{get_language()}:{filters.key}"
    activities_html = cache.get(key)
    if activities_html is None:
        context = plan_selectors.plan_overview(plan, filters)
        activities_html = render_to_string(
            "actionplans/plan_detail.html#activities", context, request=request
        )
        cache.set(key, activities_html, timeout=settings.PAGE_FRAGMENT_CACHE_SECONDS)
    context = {"plan": plan, "activities_html": mark_safe(activities_html)}  # noqa: S308
    return render(request, "actionplans/plan_detail.html", context)


@require_GET
def search(request: PortalRequest) -> HttpResponse:
    """Activities across all plans and years, by words in their title and description."""
    query = query_text(request, "q", max_length=200)
    results_html = _search_results_html(request, query) if query else None
    return render(
        request, "actionplans/search.html", {"query": query, "results_html": results_html}
    )


def _search_results_html(request: PortalRequest, query: str) -> str:
    """The result list, kept per content version, language, words and the plans the reader
    may see: a common word's list costs about 8 ms to find, fetch and draw in one process, and
    a kept one is the same until anything it may show is written. The plans are read for
    every request, so a change of rights shows at once."""
    plan_ids = plan_selectors.readable_plan_ids(request.user)
    version = plan_selectors.search_content_version()
    key = content_key("search", version, get_language(), query, plan_ids)

    def render_results() -> str:
        results = plan_selectors.search_activities(query=query, plan_ids=plan_ids)
        context = {"query": query, "results": results}
        return render_to_string("actionplans/search.html#results", context, request=request)

    return kept_fragment(key, request, render_results)
