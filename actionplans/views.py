from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from actionplans import selectors


@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = selectors.public_plans()
    strategy_slug = request.GET.get("strategi", "")
    if strategy_slug:
        plans = plans.filter(strategy__slug=strategy_slug)
    return render(request, "actionplans/plan_list.html", {"plans": list(plans)})


@require_GET
def plan_detail(request: HttpRequest, strategy_slug: str, year: int) -> HttpResponse:
    plan = selectors.public_plan_detail(strategy_slug=strategy_slug, year=year)
    context = {"plan": plan, "areas": selectors.activities_by_area(plan)}
    return render(request, "actionplans/plan_detail.html", context)
